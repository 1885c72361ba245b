import type { Extension } from '@lienthong/core';
import type { RawTable } from '../model.js';
import type { Row } from '../xml130/xml.js';

/**
 * What FHIR has no element for travels in two extensions of the SDK's own `urn:lienthong:fhir:ext:`
 * namespace, so that FHIR → XML 130 gives back every field: the fields of a row the mapping did not
 * place in an element (money, STT, codes whose meaning is unconfirmed…), and whole tables the visit
 * model keeps verbatim (XML6…XML15).
 */
export const XML130_EXTENSIONS = Object.freeze({
  /** Sub-extensions: `table` (valueCode), then one per field, named as the field (`T_TONGCHI_BV`). */
  row: 'urn:lienthong:fhir:ext:xml130-row',
  /** Sub-extensions: `type` (`LOAIHOSO`), then `content` (the table's XML) or `base64` (unreadable base64). */
  table: 'urn:lienthong:fhir:ext:xml130-table',
  /** On the Provenance of a file set: `facility` (MACSKCB) and `createdOn` (NGAYLAP, as written). */
  fileSet: 'urn:lienthong:fhir:ext:xml130-file-set',
});

/** A FHIR string cannot be empty: an empty value is written as a sub-extension marked `empty`. */
const EMPTY = 'empty';

/** A named text as a sub-extension (an empty one marked `empty`). */
export function textExtension(url: string, value: string): Extension {
  return value === ''
    ? { url, extension: [{ url: EMPTY, valueBoolean: true }] }
    : { url, valueString: value };
}

/** The text of a sub-extension written by {@link textExtension}; `undefined` for anything else. */
function extensionText(e: Extension): string | undefined {
  if (typeof e.valueString === 'string') return e.valueString;
  if (typeof e.valueCode === 'string') return e.valueCode;
  return e.extension?.some((x) => x.url === EMPTY && x.valueBoolean === true) ? '' : undefined;
}

/** The row extension of `table` with the fields left in `rest`. */
export function rowExtension(table: string, rest: Row): Extension {
  return {
    url: XML130_EXTENSIONS.row,
    extension: [
      { url: 'table', valueCode: table },
      ...Object.entries(rest).map(([field, value]) => textExtension(field, value)),
    ],
  };
}

/** A row extension read back: its table and fields (sub-extensions that are not text are skipped). */
export function readRowExtension(e: Extension): { table?: string; row: Row } {
  const row: Row = {};
  let table: string | undefined;
  for (const sub of e.extension ?? []) {
    const text = extensionText(sub);
    if (text === undefined || !sub.url) continue;
    if (sub.url === 'table') table = text;
    else row[sub.url] = text;
  }
  return { ...(table !== undefined ? { table } : {}), row };
}

/** The row extensions among `extensions`. */
export const rowExtensions = (extensions: readonly Extension[] | undefined): Extension[] =>
  (extensions ?? []).filter((e) => e.url === XML130_EXTENSIONS.row);

/** A verbatim table as an extension. */
export function tableExtension(table: RawTable): Extension {
  return {
    url: XML130_EXTENSIONS.table,
    extension: [
      textExtension('type', table.type),
      ...(table.content !== undefined ? [textExtension('content', table.content)] : []),
      ...(table.base64 !== undefined ? [textExtension('base64', table.base64)] : []),
    ],
  };
}

/** The verbatim tables among `extensions`. */
export function readTableExtensions(extensions: readonly Extension[] | undefined): RawTable[] {
  return (extensions ?? [])
    .filter((e) => e.url === XML130_EXTENSIONS.table)
    .map((e) => {
      const part = (name: string) => {
        const sub = e.extension?.find((x) => x.url === name);
        return sub ? extensionText(sub) : undefined;
      };
      const content = part('content');
      const base64 = part('base64');
      return {
        type: part('type') ?? '',
        ...(content !== undefined ? { content } : {}),
        ...(base64 !== undefined ? { base64 } : {}),
      };
    });
}

/** One named text sub-extension of an extension. */
export function subText(e: Extension | undefined, name: string): string | undefined {
  const sub = e?.extension?.find((x) => x.url === name);
  return sub ? extensionText(sub) : undefined;
}
