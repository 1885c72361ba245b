import { join } from 'node:path';
import { createLogger, type RunningHub, startHub } from '@lienthong/hub';

const ADMIN_KEY = 'cli-test-admin-key-not-secret';

/**
 * A real hub for a CLI test: SQLite in `dir`, on loopback at a free port, logging nothing, with
 * the given facilities registered (SYNTHETIC names) and their API keys.
 */
export async function startCliTestHub(
  dir: string,
  facilities: Record<string, readonly string[] | undefined>,
): Promise<{ hub: RunningHub; keys: Record<string, string> }> {
  const hub = await startHub({
    database: { sqlite: join(dir, 'hub.db') },
    port: 0,
    adminKey: ADMIN_KEY,
    rateLimit: false,
    logger: createLogger({ level: 'silent' }),
  });
  const keys: Record<string, string> = {};
  for (const [code, scopes] of Object.entries(facilities)) {
    const answer = await fetch(`${hub.url}/v1/facilities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ code, name: `Bệnh viện ${code} (synthetic)`, ...(scopes ? { scopes } : {}) }),
    });
    keys[code] = ((await answer.json()) as { credential: { apiKey: string } }).credential.apiKey;
  }
  return { hub, keys };
}
