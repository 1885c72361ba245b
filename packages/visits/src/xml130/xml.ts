import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** One table row as text, field name → value. */
export type Row = Record<string, string>;

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: true,
});

/** Removes a UTF-8 BOM. */
export const stripBom = (text: string): string => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);

/** Parses XML text; `undefined` with the parser's message when it is not well-formed. */
export function parseXml(text: string): { doc: Record<string, unknown> } | { error: string } {
  const body = stripBom(text).trim();
  if (body === '') return { error: 'empty' };
  // No document type: entity declarations are never needed by XML 130 and could expand without bound.
  if (/<!DOCTYPE/i.test(body)) return { error: 'DOCTYPE is not allowed' };
  const valid = XMLValidator.validate(body);
  if (valid !== true) return { error: `${valid.err.msg} (line ${valid.err.line})` };
  const doc = parser.parse(body) as unknown;
  if (doc === null || typeof doc !== 'object') return { error: 'no element' };
  return { doc: doc as Record<string, unknown> };
}

/** A parsed element as a list (the parser gives one object for one element, an array for many). */
export function asList(node: unknown): unknown[] {
  if (node === undefined || node === null) return [];
  return Array.isArray(node) ? node : [node];
}

/** The text of a parsed leaf; `undefined` for a nested element (not a field). */
export function leafText(node: unknown): string | undefined {
  if (typeof node === 'string') return node;
  if (typeof node === 'number' || typeof node === 'boolean') return String(node);
  if (node !== null && typeof node === 'object' && !Array.isArray(node)) {
    const keys = Object.keys(node);
    if (keys.length === 0) return '';
    if (keys.length === 1 && keys[0] === '#text') return leafText((node as Record<string, unknown>)['#text']);
  }
  return undefined;
}

/** A parsed row element as a {@link Row}; fields that are not leaves are listed in `nested`. */
export function toRow(node: unknown): { row: Row; nested: string[] } {
  const row: Row = {};
  const nested: string[] = [];
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return { row, nested };
  for (const [k, v] of Object.entries(node)) {
    const value = Array.isArray(v) ? leafText(v[0]) : leafText(v);
    if (value === undefined || Array.isArray(v)) nested.push(k);
    if (value !== undefined) row[k] = value;
  }
  return { row, nested };
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
/** Escapes text for an XML element. */
export const escapeXml = (text: string): string => text.replace(/[&<>"]/g, (c) => ESCAPES[c]!);

/** `<NAME>value</NAME>` for each field, in the given order. */
export function rowXml(row: Row, order: readonly string[], indent: string): string {
  return order
    .filter((f) => row[f] !== undefined)
    .map((f) => `${indent}<${f}>${escapeXml(row[f]!)}</${f}>`)
    .join('\n');
}

/** UTF-8 text → base64 (one line). */
export function toBase64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** base64 (one line or wrapped) → UTF-8 text; `undefined` when it is not base64. */
export function fromBase64(text: string): string | undefined {
  const clean = text.replace(/\s+/g, '');
  if (clean === '' || clean.length % 4 !== 0 || !BASE64.test(clean)) return undefined;
  let binary: string;
  try {
    binary = atob(clean);
  } catch {
    return undefined;
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return stripBom(new TextDecoder('utf-8').decode(bytes));
}
