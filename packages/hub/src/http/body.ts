import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import { ValidationError } from '@lienthong/core';
import type { Context, MiddlewareHandler } from 'hono';
import { MAX_JSON_DEPTH } from '../limits.js';
import type { HubEnv } from './env.js';

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

const tooDeep = () =>
  new ValidationError({
    code: 'HUB_BODY_TOO_DEEP',
    message: `The request body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep.`,
    messageVi: `Nội dung yêu cầu lồng mảng và đối tượng sâu quá ${MAX_JSON_DEPTH} cấp.`,
    path: 'body',
  });

const badText = () =>
  new ValidationError({
    code: 'HUB_BODY_TEXT_INVALID',
    message:
      'The request body is not UTF-8 text, or holds a NUL character (\\u0000) or an unpaired surrogate (\\ud800–\\udfff).',
    messageVi:
      'Nội dung yêu cầu không phải văn bản UTF-8, hoặc chứa ký tự NUL (\\u0000) hay nửa cặp surrogate lẻ (\\ud800–\\udfff).',
    path: 'body',
  });

const unsupportedType = () =>
  new ValidationError({
    code: 'HUB_MEDIA_TYPE_UNSUPPORTED',
    message: 'The request body must be JSON: Content-Type application/json (or a +json type), in UTF-8.',
    messageVi:
      'Nội dung yêu cầu phải là JSON: Content-Type application/json (hoặc kiểu +json), mã hóa UTF-8.',
    path: 'Content-Type',
    details: { status: 415 },
  });

const unsupportedEncoding = () =>
  new ValidationError({
    code: 'HUB_CONTENT_ENCODING_UNSUPPORTED',
    message: 'The hub reads request bodies without a content coding: send no Content-Encoding (or identity).',
    messageVi: 'Sàn chỉ đọc nội dung yêu cầu không nén: không gửi Content-Encoding (hoặc gửi identity).',
    path: 'Content-Encoding',
    details: { status: 415, headers: { 'accept-encoding': 'identity' } },
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

// `application/json` or `application/<anything>+json`, then parameters.
const JSON_TYPE = /^application\/(?:[!#$%&'*.^`|~\w-]+\+)?json[\t ]*(?:;|$)/i;
const CHARSET = /;[\t ]*charset[\t ]*=[\t ]*(?:"([^"]*)"|([^;\t ]*))/i;

/** True for a JSON media type whose charset, when given, is UTF-8. */
export function isJsonMediaType(type: string): boolean {
  if (!JSON_TYPE.test(type)) return false;
  const charset = CHARSET.exec(type);
  if (!charset) return true;
  const name = (charset[1] ?? charset[2] ?? '').toLowerCase();
  return name === 'utf-8' || name === 'utf8';
}

/**
 * The request body parsed as JSON, at most the limit set by {@link limitBody}; a typed error when
 * it is too large or not JSON (an empty body too, unless `optional`: then `undefined`).
 *
 * Before parsing, the request format is checked: no content coding but `identity` (415), a JSON
 * media type in UTF-8 (415; an empty optional body needs none), UTF-8 bytes (400), and one linear
 * pass over the bytes ({@link checkJsonBytes}) that bounds nesting to {@link MAX_JSON_DEPTH} and
 * refuses NUL and unpaired surrogates written as `\u` escapes (400) — so nothing recursive
 * (validation, serialisation) ever sees a deeper document.
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
  const type = c.req.header('content-type');
  const bytes = await readBodyBytes(c, type === undefined || isJsonMediaType(type), unsupportedType);
  if (!isUtf8(bytes)) throw badText();
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  if (options.optional && text.trim() === '') return undefined;
  if (type === undefined && text !== '') throw unsupportedType();
  checkJsonBytes(bytes);
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

/**
 * The request body's bytes, at most the limit set by {@link limitBody}: 415 for a content coding
 * other than `identity`, and `refused()` unless the media type is `accepted`. The one reader of
 * bodies, whatever their format ({@link readJsonBody}, {@link readXmlBody}).
 */
async function readBodyBytes(
  c: Context<HubEnv>,
  accepted: boolean,
  refused: () => Error,
): Promise<Uint8Array> {
  const encoding = c.req.header('content-encoding')?.trim().toLowerCase();
  if (encoding && encoding !== 'identity') throw unsupportedEncoding();
  if (!accepted) throw refused();
  const maxBytes = c.get('bodyLimitBytes') ?? DEFAULT_BODY_LIMIT_BYTES;
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  return incoming ? readIncoming(incoming, maxBytes) : readRequest(c.req.raw, maxBytes);
}

// `application/xml`, `text/xml` or `application/<anything>+xml`, then parameters.
const XML_TYPE = /^(?:application|text)\/(?:[!#$%&'*.^`|~\w-]+\+)?xml[\t ]*(?:;|$)/i;

/** True for an XML media type (`application/xml`, `text/xml`, `…+xml`); the charset is the document's. */
export function isXmlMediaType(type: string | undefined): boolean {
  return type !== undefined && XML_TYPE.test(type);
}

/**
 * The request body as bytes for an XML endpoint, at most the limit set by {@link limitBody}: the
 * same content-coding rule as {@link readJsonBody}, 415 unless the media type is XML. The bytes are
 * left to the XML reader (which honours the document's declared encoding).
 */
export function readXmlBody(c: Context<HubEnv>): Promise<Uint8Array> {
  return readBodyBytes(c, isXmlMediaType(c.req.header('content-type')), unsupportedXmlType);
}

const unsupportedXmlType = () =>
  new ValidationError({
    code: 'HUB_MEDIA_TYPE_UNSUPPORTED',
    message: 'The request body must be XML: Content-Type application/xml (or text/xml, or a +xml type).',
    messageVi: 'Nội dung yêu cầu phải là XML: Content-Type application/xml (hoặc text/xml, hoặc kiểu +xml).',
    path: 'Content-Type',
    details: { status: 415 },
  });

/** The value of the four hex digits at `at`, or -1. */
function hex4(bytes: Uint8Array, at: number): number {
  let value = 0;
  for (let i = at; i < at + 4; i++) {
    const c = bytes[i] ?? -1;
    const digit =
      c >= 0x30 && c <= 0x39
        ? c - 0x30
        : c >= 0x61 && c <= 0x66
          ? c - 0x57
          : c >= 0x41 && c <= 0x46
            ? c - 0x37
            : -1;
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

/**
 * One pass over the UTF-8 bytes of a JSON text, without recursion (~1 ns a byte): throws
 * `HUB_BODY_TOO_DEEP` when arrays and objects nest deeper than {@link MAX_JSON_DEPTH}, and
 * `HUB_BODY_TEXT_INVALID` for a `\u0000` escape or an escaped surrogate that is not half of a pair
 * (valid UTF-8 itself holds no surrogate). Exact for valid JSON; malformed JSON is left to
 * `JSON.parse`, which refuses it.
 */
export function checkJsonBytes(bytes: Uint8Array, maxDepth = MAX_JSON_DEPTH): void {
  let depth = 0;
  let inString = false;
  const n = bytes.length;
  for (let i = 0; i < n; i++) {
    const c = bytes[i]!;
    if (inString) {
      if (c === 0x22) inString = false;
      else if (c === 0x5c) {
        i++;
        if (bytes[i] === 0x75) i = checkUnicodeEscape(bytes, i); // \uXXXX; other escapes are one byte
      }
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) throw tooDeep();
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
}

/** Checks the `\u` escape whose `u` is at `at`; returns the index of its last hex digit (of the pair's second half). */
function checkUnicodeEscape(bytes: Uint8Array, at: number): number {
  const unit = hex4(bytes, at + 1);
  if (unit < 0) return at; // malformed: JSON.parse refuses it
  if (unit === 0 || (unit >= 0xdc00 && unit <= 0xdfff)) throw badText();
  if (unit < 0xd800 || unit > 0xdbff) return at + 4;
  const low = bytes[at + 5] === 0x5c && bytes[at + 6] === 0x75 ? hex4(bytes, at + 7) : -1;
  if (low < 0xdc00 || low > 0xdfff) throw badText();
  return at + 10;
}

function readIncoming(incoming: IncomingMessage, maxBytes: number): Promise<Uint8Array> {
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
    incoming.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    incoming.once('error', reject);
  });
}

async function readRequest(request: Request, maxBytes: number): Promise<Uint8Array> {
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.length > maxBytes) throw tooLarge();
  return bytes;
}
