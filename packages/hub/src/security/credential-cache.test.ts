import { describe, expect, it } from 'vitest';
import { type CachedCredential, createCredentialCache } from './credential-cache.js';

const credential = (id: string): CachedCredential => ({ id, facilityCode: '01001', scopes: 'read' });

/** A loader that counts its calls and answers `answer`. */
function loader(answer: CachedCredential | undefined) {
  const load = async () => {
    load.calls++;
    return answer;
  };
  load.calls = 0;
  return load;
}

describe('createCredentialCache', () => {
  it('loads a key once while it is fresh, again once it has expired', async () => {
    let now = 0;
    const cache = createCredentialCache({ ttlMs: 1000, now: () => now });
    const load = loader(credential('c1'));
    expect(await cache.find('h1', load)).toEqual(credential('c1'));
    now = 999;
    expect(await cache.find('h1', load)).toEqual(credential('c1'));
    expect(load.calls).toBe(1);
    now = 1000;
    await cache.find('h1', load);
    expect(load.calls).toBe(2);
  });

  it('never keeps an unknown key: each try asks the database', async () => {
    const cache = createCredentialCache();
    const load = loader(undefined);
    expect(await cache.find('wrong', load)).toBeUndefined();
    expect(await cache.find('wrong', load)).toBeUndefined();
    expect(load.calls).toBe(2);
  });

  it('forgets a revoked credential at once, whatever hash found it', async () => {
    const cache = createCredentialCache();
    await cache.find('h1', loader(credential('c1')));
    await cache.find('h2', loader(credential('c2')));
    cache.forget('c1');
    const reload = loader(undefined);
    expect(await cache.find('h1', reload)).toBeUndefined();
    expect(reload.calls).toBe(1);
    const kept = loader(undefined);
    expect(await cache.find('h2', kept)).toEqual(credential('c2'));
    expect(kept.calls).toBe(0);
  });

  it('keeps at most maxEntries, dropping the oldest first', async () => {
    const cache = createCredentialCache({ maxEntries: 2 });
    for (const n of [1, 2, 3]) await cache.find(`h${n}`, loader(credential(`c${n}`)));
    const first = loader(undefined);
    expect(await cache.find('h1', first)).toBeUndefined();
    expect(first.calls).toBe(1);
    const third = loader(undefined);
    expect(await cache.find('h3', third)).toEqual(credential('c3'));
    expect(third.calls).toBe(0);
  });
});
