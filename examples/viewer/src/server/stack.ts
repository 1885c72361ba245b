/**
 * Node-only: the whole viewer stack for the Chromium test and `npm run dev -w viewer` — a hub on an
 * embedded SQLite file in a temporary folder, the viewer's server in front of it (same origin, the
 * key added server-side), and the synthetic seed. With `orthancUrl`, the DICOM fixtures are
 * uploaded to that Orthanc and its DICOMweb root is exposed as `/dicom-web`, so thumbnails show.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, type RunningHub, startHub } from '@lienthong/hub';
import { type Seeded, SYNTHETIC_DISCLOSURE_POLICY, seedHub, uploadDicomFixtures } from './seed.js';
import { type RunningViewer, serveViewer } from './serve.js';

export interface ViewerStackOptions {
  /** Port of the viewer (default 0: a free one). */
  port?: number;
  /** Port of the hub (default 0). */
  hubPort?: number;
  /** "Today" of the seed (default now). */
  now?: Date;
  /** An Orthanc with the DICOMweb plugin (`http://127.0.0.1:8042`), for thumbnails. */
  orthancUrl?: string;
  distDir?: string;
  /** The folder holding the DICOM fixtures (default the repository's `fixtures/real-world/dicom`). */
  dicomFolder?: string;
  /** Log the hub's requests (default silent). */
  verbose?: boolean;
}

export interface ViewerStack {
  hub: RunningHub;
  viewer: RunningViewer;
  seed: Seeded;
  /** The page, searching the synthetic patient. */
  pageUrl: string;
  close(): Promise<void>;
}

export async function startViewerStack(options: ViewerStackOptions = {}): Promise<ViewerStack> {
  const dir = await mkdtemp(join(tmpdir(), 'lienthong-viewer-'));
  const adminKey = `viewer-admin-${randomBytes(12).toString('hex')}`;
  const hub = await startHub({
    database: { sqlite: join(dir, 'hub.db') },
    port: options.hubPort ?? 0,
    adminKey,
    disclosurePolicy: SYNTHETIC_DISCLOSURE_POLICY,
    logger: createLogger({ level: options.verbose ? 'info' : 'silent' }),
  });
  let key: string | undefined;
  let viewer: RunningViewer | undefined;
  const close = async () => {
    await viewer?.close();
    await hub.close();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    viewer = await serveViewer({
      hubUrl: hub.url,
      apiKey: () => key,
      ...(options.orthancUrl ? { dicomwebUrl: `${options.orthancUrl.replace(/\/+$/, '')}/dicom-web` } : {}),
      ...(options.distDir ? { distDir: options.distDir } : {}),
      ...(options.port !== undefined ? { port: options.port } : {}),
    });
    if (options.orthancUrl) await uploadDicomFixtures(options.orthancUrl, options.dicomFolder);
    const seed = await seedHub({
      hubUrl: hub.url,
      adminKey,
      ...(options.now ? { now: options.now } : {}),
      ...(options.dicomFolder ? { dicomFolder: options.dicomFolder } : {}),
      ...(options.orthancUrl ? { dicomwebUrl: `${viewer.url}/dicom-web` } : {}),
    });
    key = seed.viewerKey;
    return { hub, viewer, seed, pageUrl: `${viewer.url}/?id=${seed.searchId}`, close };
  } catch (error) {
    await close();
    throw error;
  }
}
