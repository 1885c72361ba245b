import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { Context } from 'hono';
import type { HubEnv } from './env.js';

/** Bytes read per chunk, into the one buffer a download reuses. */
const CHUNK_BYTES = 256 * 1024;

// @hono/node-server's mark of an answer the handler wrote itself (its `RESPONSE_ALREADY_SENT`),
// made per answer: the request log may add a header to it.
const ALREADY_SENT = 'x-hono-already-sent';

/**
 * Answers `c` with the file at `path` (`size` bytes), streamed from disk, never read whole.
 *
 * On Node (@hono/node-server) the file is read into one buffer reused chunk after chunk, each
 * written to the socket before the next is read. A web `ReadableStream` of the file allocates a new
 * buffer per chunk instead, which lives until V8's next collection: on Node 24, whose young
 * generation is twice Node 20's, serving a 1 M-observation export held up to 49 MiB of such
 * buffers and took the hub's RSS from ~265 to 328 MiB (docs/en/guide/hub-performance.md#downloads).
 * Elsewhere (`app.request()`, other runtimes) it answers with that web stream.
 *
 * The answer carries the headers set on `c` (the request ID…) and `headers`. A client that goes
 * away ends the send: the rest of the file is not read.
 */
export async function sendFile(
  c: Context<HubEnv>,
  path: string,
  size: number,
  headers: Record<string, string>,
): Promise<Response> {
  const all = { ...headers, 'content-length': String(size) };
  const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
  if (!outgoing)
    return c.body(Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>, 200, all);
  const file = await open(path, 'r');
  try {
    // The answer Hono would have sent, for its headers.
    outgoing.writeHead(200, Object.fromEntries(c.body(null, 200, all).headers));
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    for (let sent = 0; sent < size; ) {
      const { bytesRead } = await file.read(buffer, 0, Math.min(CHUNK_BYTES, size - sent), null);
      // The file shrank (never: export files are written whole before they are listed).
      if (bytesRead === 0) break;
      if (!(await written(outgoing, buffer.subarray(0, bytesRead)))) break;
      sent += bytesRead;
    }
    outgoing.end();
  } catch {
    // Headers are out: the only honest signal left is a connection cut before Content-Length.
    outgoing.destroy();
  } finally {
    await file.close();
  }
  return new Response(null, { headers: { [ALREADY_SENT]: 'true' } });
}

/** Writes `chunk`; true once the socket has taken it (the buffer may be reused), false if it cannot. */
const written = (outgoing: ServerResponse, chunk: Buffer): Promise<boolean> =>
  new Promise((resolve) => {
    if (outgoing.destroyed) return resolve(false);
    outgoing.write(chunk, (error) => resolve(!error));
  });
