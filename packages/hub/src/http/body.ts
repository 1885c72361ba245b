import type { IncomingMessage } from 'node:http';
import { ValidationError } from '@lienthong/core';
import type { Context, MiddlewareHandler } from 'hono';
import type { HubEnv } from './app.js';

/** Largest accepted request body unless the deployment says otherwise (5 MiB). */
export const DEFAULT_BODY_LIMIT_BYTES = 5 * 1024 * 1024;

const tooLarge = () =>
  new ValidationError({
    code: 'HUB_BODY_TOO_LARGE',
    message: 'The request body is too large.',
    messageVi: 'Nội dung yêu cầu quá lớn.',
    path: 'body',
    details: { status: 413 },
  });

/**
 * Refuses a body whose declared length exceeds `maxBytes` before anything is read, and sets the
 * limit {@link readJsonBody} enforces while reading (a chunked body declares no length).
 */
export function limitBody(maxBytes: number): MiddlewareHandler<HubEnv> {
  return async (c, next) => {
    const declared = c.req.header('content-length');
    if (declared !== undefined && Number(declared) > maxBytes) throw tooLarge();
    c.set('bodyLimitBytes', maxBytes);
    await next();
  };
}

/**
 * The request body parsed as JSON, at most the limit set by {@link limitBody}; a typed error when
 * it is too large or not JSON (an empty body too, unless `optional`: then `undefined`).
 *
 * On Node (@hono/node-server) the body is read straight from the `IncomingMessage`: Hono's
 * `c.req.json()` first turns it into a web `ReadableStream`, which cost the hub ~10 % of a
 * publish's CPU in the load benchmark. Elsewhere (tests through `app.request`, other runtimes)
 * it reads the standard `Request`.
 */
export async function readJsonBody(
  c: Context<HubEnv>,
  options: { optional?: boolean } = {},
): Promise<unknown> {
  const maxBytes = c.get('bodyLimitBytes') ?? DEFAULT_BODY_LIMIT_BYTES;
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  const text = incoming ? await readIncoming(incoming, maxBytes) : await readRequest(c.req.raw, maxBytes);
  if (options.optional && text.trim() === '') return undefined;
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (cause) {
    throw new ValidationError({
      code: 'HUB_BODY_NOT_JSON',
      message: 'The request body is not valid JSON.',
      messageVi: 'Nội dung yêu cầu không phải JSON hợp lệ.',
      path: 'body',
      cause,
    });
  }
}

function readIncoming(incoming: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        // Stop keeping it; the rest is drained and dropped while the 413 goes out.
        incoming.off('data', onData);
        incoming.resume();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    incoming.on('data', onData);
    incoming.once('end', () => resolve(Buffer.concat(chunks, size).toString('utf8')));
    incoming.once('error', reject);
  });
}

async function readRequest(request: Request, maxBytes: number): Promise<string> {
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.length > maxBytes) throw tooLarge();
  return new TextDecoder().decode(bytes);
}
