import { readXml, type XmlElement, XmlSyntaxError } from './flat-xml.js';

/** One table row as text, field name → value. */
export type Row = Record<string, string>;

/** Removes a UTF-8 BOM. */
export const stripBom = (text: string): string => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);

/** Parses XML text into its root element, or the reader's message (with the line) when it is not well-formed. */
export function parseXml(text: string): { root: XmlElement } | { error: string } {
  const body = stripBom(text);
  if (!/\S/.test(body)) return { error: 'empty' };
  try {
    return { root: readXml(body) };
  } catch (error) {
    if (error instanceof XmlSyntaxError) return { error: `${error.message} (line ${error.line})` };
    throw error;
  }
}

/** The first child element named `name`. */
export const child = (element: XmlElement | undefined, name: string): XmlElement | undefined =>
  element?.children.find((c) => c.name === name);

/** The child elements named `name`, in order. */
export const childrenNamed = (element: XmlElement | undefined, name: string): XmlElement[] =>
  element ? element.children.filter((c) => c.name === name) : [];

/** The text of a leaf element; `undefined` when absent or holding elements (not a field). */
export const leafText = (element: XmlElement | undefined): string | undefined =>
  element && element.children.length === 0 ? element.text : undefined;

const NONE: readonly string[] = [];

// A field named `__proto__` is kept as an own field, not taken for the row's prototype.
function setField(row: Row, name: string, value: string): void {
  if (name === '__proto__')
    Object.defineProperty(row, name, { value, enumerable: true, writable: true, configurable: true });
  else row[name] = value;
}

/**
 * A row element as a {@link Row}, its fields in order; fields that repeat or hold elements keep
 * their first text, if any, and are listed in `nested`. Text of the row element itself is ignored.
 */
export function toRow(element: XmlElement): { row: Row; nested: readonly string[] } {
  const row: Row = {};
  let nested: string[] | undefined;
  for (const field of element.children) {
    if (Object.hasOwn(row, field.name) || nested?.includes(field.name)) return toRowRepeated(element);
    if (field.children.length === 0) setField(row, field.name, field.text);
    else {
      nested ??= [];
      nested.push(field.name);
    }
  }
  return { row, nested: nested ?? NONE };
}

/** {@link toRow} when a field repeats (rare): fields grouped by name in first-seen order. */
function toRowRepeated(element: XmlElement): { row: Row; nested: readonly string[] } {
  const byName = new Map<string, XmlElement[]>();
  for (const field of element.children) byName.set(field.name, [...(byName.get(field.name) ?? []), field]);
  const row: Row = {};
  const nested: string[] = [];
  for (const [name, fields] of byName) {
    const value = leafText(fields[0]);
    if (value === undefined || fields.length > 1) nested.push(name);
    if (value !== undefined) setField(row, name, value);
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
/** base64 (one line or wrapped) without its whitespace; `undefined` when it is not base64. */
export function cleanBase64(text: string): string | undefined {
  // Most files write one line: test before copying without whitespace.
  const clean = BASE64.test(text) ? text : text.replace(/\s+/g, '');
  return clean !== '' && clean.length % 4 === 0 && (clean === text || BASE64.test(clean)) ? clean : undefined;
}

const utf8 = new TextDecoder('utf-8');
const SEXTETS = new Uint8Array(128);
for (const [i, c] of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].entries())
  SEXTETS[c.charCodeAt(0)] = i;

/**
 * {@link cleanBase64}'s output → UTF-8 text. Decoded straight to bytes (not through `atob`'s
 * binary string): a file set is megabytes of base64, and every copy is work for the GC.
 */
export function decodeBase64(base64: string): string {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  const bytes = new Uint8Array((base64.length / 4) * 3 - padding);
  // Writes past the end (the padding's bytes) are dropped by the typed array.
  for (let i = 0, j = 0; i < base64.length; i += 4, j += 3) {
    const n =
      (SEXTETS[base64.charCodeAt(i)]! << 18) |
      (SEXTETS[base64.charCodeAt(i + 1)]! << 12) |
      (SEXTETS[base64.charCodeAt(i + 2)]! << 6) |
      SEXTETS[base64.charCodeAt(i + 3)]!;
    bytes[j] = n >> 16;
    bytes[j + 1] = n >> 8;
    bytes[j + 2] = n;
  }
  return stripBom(utf8.decode(bytes));
}
