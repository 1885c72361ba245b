import type { ServerResponse } from 'node:http';
import type { Context } from 'hono';
import type { HubEnv } from './env.js';

/**
 * Calls `then` once the answer has been handed to the operating system whole (Node's `finish`), so
 * the memory of its body can be reused: a slow reader's socket may still hold the body long after
 * the handler returned. Never for an answer cut short (`close` without `finish`), nor outside a Node
 * server (`app.request()`): there the body is left to the garbage collector.
 */
export function afterSent(c: Context<HubEnv>, then: (() => void) | undefined): void {
  const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
  if (then && outgoing) outgoing.once('finish', then);
}
