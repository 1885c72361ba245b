import { ValidationError, type WithWarnings } from '@lienthong/core';
import { parseVisitFileSet, type RawTable, type VisitFileSet } from '../model.js';
import { TABLE_PATHS } from './read.js';
import { medicationToXml2, noteToXml5, orderRow, serviceToXml3, visitToXml1 } from './tables.js';
import { escapeXml, type Row, rowXml, toBase64 } from './xml.js';

const DECLARATION = '<?xml version="1.0" encoding="utf-8"?>';

/** The XML of one mapped table (`XML1`: its one row; the others: root/list/rows). */
export function tableXml(table: string, rows: readonly Row[]): string {
  const path = TABLE_PATHS[table]!;
  const fields = (row: Row) => Object.keys(orderRow(table, row));
  if (path.length === 1)
    return `${DECLARATION}\n<${path[0]}>\n${rowXml(rows[0]!, fields(rows[0]!), '  ')}\n</${path[0]}>\n`;
  const [root, list, item] = path as [string, string, string];
  const body = rows.map((r) => `    <${item}>\n${rowXml(r, fields(r), '      ')}\n    </${item}>`).join('\n');
  return `${DECLARATION}\n<${root}>\n  <${list}>\n${body}\n  </${list}>\n</${root}>\n`;
}

const file = (type: string, content: string): RawTable => ({ type, content });

/**
 * Encodes a file set as a `GIAMDINHHS` envelope: one `HOSO` per visit (XML1, then XML2–XML5 when the
 * visit has rows, then its other tables verbatim), then one `HOSO` for rows and tables tied to no
 * visit. `NOIDUNGFILE` is one-line base64 of UTF-8. The value is checked first (`VISIT_FILE_SET_INVALID`);
 * a date that is not an ISO date-time throws a `ValidationError`.
 */
export function encodeXml130(fileSet: VisitFileSet): WithWarnings<string> {
  const set = parseVisitFileSet(fileSet);
  for (const u of set.unlinked)
    if (!(u.table in TABLE_PATHS) || u.table === 'XML1')
      throw new ValidationError({
        code: 'XML130_ENCODE_FAILED',
        path: 'unlinked',
        message: `Unlinked rows of ${u.table} cannot be written`,
        messageVi: `Không ghi được các dòng không liên kết của ${u.table}`,
      });
  const hosos: RawTable[][] = [];
  for (const visit of set.visits) {
    const files = [file('XML1', tableXml('XML1', [visitToXml1(visit)]))];
    if (visit.medications.length > 0)
      files.push(
        file(
          'XML2',
          tableXml(
            'XML2',
            visit.medications.map((m) => medicationToXml2(m, visit.id)),
          ),
        ),
      );
    if (visit.services.length > 0)
      files.push(
        file(
          'XML3',
          tableXml(
            'XML3',
            visit.services.map((s) => serviceToXml3(s, visit.id)),
          ),
        ),
      );
    if (visit.labRows.length > 0) files.push(file('XML4', tableXml('XML4', visit.labRows)));
    if (visit.notes.length > 0)
      files.push(
        file(
          'XML5',
          tableXml(
            'XML5',
            visit.notes.map((n) => noteToXml5(n, visit.id)),
          ),
        ),
      );
    hosos.push([...files, ...visit.otherTables]);
  }
  const rest = [...set.unlinked.map((u) => file(u.table, tableXml(u.table, u.rows))), ...set.otherTables];
  if (rest.length > 0) hosos.push(rest);
  const hosoXml = hosos
    .map(
      (files) =>
        `      <HOSO>\n${files
          .map(
            (f) =>
              `        <FILEHOSO>\n          <LOAIHOSO>${escapeXml(f.type)}</LOAIHOSO>\n          <NOIDUNGFILE>${
                f.content !== undefined ? toBase64(f.content) : escapeXml(f.base64 ?? '')
              }</NOIDUNGFILE>\n        </FILEHOSO>`,
          )
          .join('\n')}\n      </HOSO>`,
    )
    .join('\n');
  const xml = [
    DECLARATION,
    '<GIAMDINHHS>',
    `  <THONGTINDONVI>${set.facility !== undefined ? `\n    <MACSKCB>${escapeXml(set.facility)}</MACSKCB>\n  ` : ''}</THONGTINDONVI>`,
    '  <THONGTINHOSO>',
    ...(set.createdOn !== undefined ? [`    <NGAYLAP>${escapeXml(set.createdOn)}</NGAYLAP>`] : []),
    `    <SOLUONGHOSO>${hosos.length}</SOLUONGHOSO>`,
    `    <DANHSACHHOSO>${hosoXml ? `\n${hosoXml}\n    ` : ''}</DANHSACHHOSO>`,
    '  </THONGTINHOSO>',
    '</GIAMDINHHS>',
    '',
  ].join('\n');
  return { value: xml, warnings: [] };
}
