import { createFactory } from 'hono/factory';
import type { HubEnv } from './env.js';

/** Makes the hub's sub-apps and middleware, typed with its {@link HubEnv}. */
export const hubFactory = createFactory<HubEnv>();
