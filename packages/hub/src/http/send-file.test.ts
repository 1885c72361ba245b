import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServerType, serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubFactory } from './factory.js';
import { sendFile } from './send-file.js';

// SYNTHETIC bytes: random, larger than one chunk (256 KiB) and not a multiple of it.
const bytes = randomBytes(3 * 256 * 1024 + 7);
// Larger than what loopback sockets buffer, so that a client leaving mid-file leaves writes pending.
const BIG_BYTES = 64 * 1024 * 1024;
let dir: string;
let server: ServerType;
let base: string;
let sends: Promise<unknown>[] = [];

const app = hubFactory.createApp();
app.use(async (c, next) => {
  c.header('x-request-id', 'req-1');
  await next();
});
app.get('/file', (c) => {
  const sent = sendFile(c, join(dir, 'file.ndjson'), bytes.length, {
    'content-type': 'application/fhir+ndjson',
  });
  sends.push(sent);
  return sent;
});
app.get('/big', (c) => {
  const sent = sendFile(c, join(dir, 'big.ndjson'), BIG_BYTES, { 'content-type': 'application/fhir+ndjson' });
  sends.push(sent);
  return sent;
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lienthong-send-file-'));
  writeFileSync(join(dir, 'file.ndjson'), bytes);
  writeFileSync(join(dir, 'big.ndjson'), Buffer.alloc(BIG_BYTES, 0x7b));
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

describe('sendFile', () => {
  it('sends the whole file through a Node server with the context’s headers, and no internal mark', async () => {
    const res = await fetch(`${base}/file`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/fhir+ndjson');
    expect(res.headers.get('content-length')).toBe(String(bytes.length));
    expect(res.headers.get('x-request-id')).toBe('req-1');
    expect(res.headers.has('x-hono-already-sent')).toBe(false);
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('sends the same bytes and headers outside a Node server (app.request)', async () => {
    const res = await app.request('/file');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(bytes.length));
    expect(res.headers.get('x-request-id')).toBe('req-1');
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('stops when the client goes away, and the server goes on serving', async () => {
    sends = [];
    const aborted = new AbortController();
    const res = await fetch(`${base}/big`, { signal: aborted.signal });
    const reader = res.body!.getReader();
    await reader.read();
    aborted.abort();
    await reader.cancel().catch(() => {});
    // The send ends (its file closed) instead of waiting forever on a socket nobody reads.
    await expect(Promise.all(sends)).resolves.toHaveLength(1);
    const again = await fetch(`${base}/file`);
    expect(Buffer.from(await again.arrayBuffer()).equals(bytes)).toBe(true);
  });
});
