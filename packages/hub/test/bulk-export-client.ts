/**
 * A minimal FHIR Bulk Data client for the hub's export tests, written from the IG (kick-off,
 * poll with the status URL, download NDJSON): it checks the protocol on the way.
 */
import type { Resource } from '@medplum/fhirtypes';
import { expect } from 'vitest';

/** The completion manifest of Bulk Data v2. */
export interface Manifest {
  transactionTime: string;
  request: string;
  requiresAccessToken: boolean;
  output: { type: string; url: string; count: number }[];
  deleted: unknown[];
  error: { type: string; url: string; count: number }[];
  extension?: Record<string, unknown>;
}

const auth = (key: string) => ({ authorization: `Bearer ${key}` });

/** Sends a kick-off (`Prefer: respond-async` unless `headers` say otherwise). */
export function kickOff(
  url: string,
  key: string,
  options: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: unknown } = {},
): Promise<Response> {
  return fetch(url, {
    method: options.method ?? 'GET',
    headers: {
      ...auth(key),
      accept: 'application/fhir+json',
      prefer: 'respond-async',
      ...(options.body !== undefined ? { 'content-type': 'application/fhir+json' } : {}),
      ...options.headers,
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
}

/** The status URL a kick-off answered (202 with `Content-Location`). */
export async function statusUrlOf(response: Response): Promise<string> {
  const text = await response.text();
  expect(response.status, text).toBe(202);
  const location = response.headers.get('content-location');
  expect(location).toMatch(/\/fhir\/\$export-status\/[0-9a-f-]{36}$/);
  return location!;
}

/**
 * Polls a status URL (rewritten onto `hubUrl`, whose port may differ after a restart) until the
 * manifest: every 202 carries `X-Progress` and `Retry-After`. Answers the manifest and the
 * progress texts seen.
 */
export async function waitForManifest(
  statusUrl: string,
  key: string,
  hubUrl?: string,
  timeoutMs = 40_000,
): Promise<{ manifest: Manifest; progress: string[]; expires: string | null }> {
  const url = hubUrl ? `${hubUrl}${new URL(statusUrl).pathname}` : statusUrl;
  const progress: string[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await fetch(url, { headers: auth(key) });
    if (r.status === 200) {
      expect(r.headers.get('content-type')).toMatch(/^application\/json/);
      return { manifest: (await r.json()) as Manifest, progress, expires: r.headers.get('expires') };
    }
    const text = await r.text();
    expect(r.status, text).toBe(202);
    expect(r.headers.get('retry-after')).toMatch(/^\d+$/);
    progress.push(r.headers.get('x-progress') ?? '');
    expect(progress.at(-1)).not.toBe('');
    if (Date.now() > deadline) throw new Error(`export still running after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Downloads one NDJSON file: every line parses as a resource of the file's type. */
export async function download(url: string, key: string, hubUrl?: string): Promise<Resource[]> {
  const target = hubUrl ? `${hubUrl}${new URL(url).pathname}` : url;
  const r = await fetch(target, { headers: { ...auth(key), accept: 'application/fhir+ndjson' } });
  const text = await r.text();
  expect(r.status, text).toBe(200);
  expect(r.headers.get('content-type')).toBe('application/fhir+ndjson');
  expect(text.endsWith('\n')).toBe(true);
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => JSON.parse(line) as Resource);
}

/** Everything a manifest lists, downloaded, by type (files of one type concatenated, in order). */
export async function downloadAll(
  manifest: Manifest,
  key: string,
  hubUrl?: string,
): Promise<Map<string, Resource[]>> {
  const byType = new Map<string, Resource[]>();
  for (const file of manifest.output) {
    const resources = await download(file.url, key, hubUrl);
    expect(resources).toHaveLength(file.count);
    for (const r of resources) expect(r.resourceType).toBe(file.type);
    byType.set(file.type, [...(byType.get(file.type) ?? []), ...resources]);
  }
  return byType;
}

/** Kick-off, poll, download: the whole cycle of one export. */
export async function exportAll(
  url: string,
  key: string,
  options: Parameters<typeof kickOff>[2] = {},
): Promise<{ manifest: Manifest; resources: Map<string, Resource[]>; statusUrl: string }> {
  const statusUrl = await statusUrlOf(await kickOff(url, key, options));
  const { manifest } = await waitForManifest(statusUrl, key);
  return { manifest, resources: await downloadAll(manifest, key), statusUrl };
}
