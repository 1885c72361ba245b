import { type CodeSystemMeta, encodeRelease } from '@lienthong/catalogue';
import {
  BUNDLED_RELEASE_IDS,
  type BundledReleaseId,
  isBundledReleaseId,
  loadBundledRelease,
} from '@lienthong/catalogue/bundled';
import { NotFoundError } from '@lienthong/core';
import { needs } from '../auth.js';
import { hubFactory } from '../factory.js';

/** A release as the hub lists it. */
interface ReleaseSummary {
  id: string;
  system: CodeSystemMeta;
  conceptCount: number;
}

// Releases are immutable: each is decoded and re-encoded once per process, then served from memory.
const encoded = new Map<string, Promise<{ summary: ReleaseSummary; body: string; etag: string }>>();
function release(id: BundledReleaseId) {
  let pending = encoded.get(id);
  if (!pending) {
    pending = loadBundledRelease(id).then((r) => {
      const body = JSON.stringify(encodeRelease(r));
      return {
        summary: { id, system: r.system, conceptCount: r.concepts.length },
        body,
        etag: `"${id}-${r.system.version}-${body.length}"`,
      };
    });
    encoded.set(id, pending);
  }
  return pending;
}

/** `/v1/catalogue`: the releases, and each release in the compact format `decodeRelease` reads. */
export function catalogueRoutes() {
  const catalogue = hubFactory.createApp();

  catalogue.get('/releases', needs('read'), async (c) => {
    const items = await Promise.all(BUNDLED_RELEASE_IDS.map(async (id) => (await release(id)).summary));
    return c.json({ items });
  });

  catalogue.get('/releases/:id', needs('read'), async (c) => {
    const id = c.req.param('id');
    if (!isBundledReleaseId(id)) {
      throw new NotFoundError({
        code: 'CATALOGUE_RELEASE_NOT_FOUND',
        message: `No catalogue release ${id}.`,
        messageVi: `Không có bản phát hành danh mục ${id}.`,
      });
    }
    const { body, etag } = await release(id);
    if (c.req.header('if-none-match') === etag) return c.body(null, 304, { etag });
    return c.body(body, 200, {
      'content-type': 'application/json',
      etag,
      'cache-control': 'public, max-age=86400',
    });
  });

  return catalogue;
}
