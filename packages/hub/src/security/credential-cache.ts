/** What authentication needs of a stored credential. */
export interface CachedCredential {
  id: string;
  facilityCode: string;
  /** Space-separated, as stored. */
  scopes: string;
}

/**
 * The credentials recently found by key hash, so that a busy key is looked up in the database
 * once a second rather than once per request (the lookup was ~5 % of a lab-report query's CPU).
 * Unknown keys are never kept: a new key works at once, and wrong keys cannot fill the cache.
 */
export interface CredentialCache {
  /** The credential of `keyHash`: kept, or `load`ed and kept for the cache's lifetime. */
  find(
    keyHash: string,
    load: () => Promise<CachedCredential | undefined>,
  ): Promise<CachedCredential | undefined>;
  /** Drops credential `id` at once (revoked through this instance). */
  forget(id: string): void;
}

/** Options of {@link createCredentialCache}. */
export interface CredentialCacheOptions {
  /**
   * How long a found credential is trusted without asking again (default 1,000 ms): how late a
   * revocation made elsewhere (another hub instance, the database) reaches this instance.
   */
  ttlMs?: number;
  /** Most credentials kept (default 10,000; the oldest found is dropped first). */
  maxEntries?: number;
  now?: () => number;
}

export function createCredentialCache(options: CredentialCacheOptions = {}): CredentialCache {
  const ttlMs = options.ttlMs ?? 1000;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  // Insertion order is age order: the first entry is the oldest.
  const entries = new Map<string, { credential: CachedCredential; until: number }>();
  return {
    async find(keyHash, load) {
      const kept = entries.get(keyHash);
      if (kept && kept.until > now()) return kept.credential;
      entries.delete(keyHash);
      const credential = await load();
      if (!credential) return undefined;
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
      entries.set(keyHash, { credential, until: now() + ttlMs });
      return credential;
    },
    forget(id) {
      for (const [hash, kept] of entries) if (kept.credential.id === id) entries.delete(hash);
    },
  };
}
