import { createHash, randomBytes } from 'node:crypto';

const PREFIX = 'lthub_';

/**
 * A new API key: `lthub_` + 256 random bits (base64url). Shown once; only its hash is stored.
 * @example const { key, hash } = newApiKey();
 */
export function newApiKey(): { key: string; hash: string } {
  const key = `${PREFIX}${randomBytes(32).toString('base64url')}`;
  return { key, hash: hashApiKey(key) };
}

/** SHA-256 of a key, hex. Keys carry 256 bits of entropy, so no slow KDF is needed. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** True if `key` has our shape (cheap rejection before touching the database). */
export function looksLikeApiKey(key: string): boolean {
  return key.startsWith(PREFIX) && key.length === PREFIX.length + 43;
}
