import { ValidationError } from '@lienthong/core';
import { type Place, problem, type Xml130Problem } from './problems.js';
import { asList, fromBase64, leafText, parseXml, type Row, stripBom, toRow } from './xml.js';

/** The element path of each mapped table: root, list, row (XML1 is its root, one row). */
export const TABLE_PATHS: Readonly<Record<string, readonly string[]>> = {
  XML1: ['TONG_HOP'],
  XML2: ['CHITIEU_CHITIET_THUOC', 'DSACH_CHI_TIET_THUOC', 'CHI_TIET_THUOC'],
  XML3: ['CHITIEU_CHITIET_DVKT_VTYT', 'DSACH_CHI_TIET_DVKT', 'CHI_TIET_DVKT'],
  XML4: ['CHITIEU_CHITIET_DICHVUCANLAMSANG', 'DSACH_CHI_TIET_CLS', 'CHI_TIET_CLS'],
  XML5: ['CHITIEU_CHITIET_DIENBIENLAMSANG', 'DSACH_CHI_TIET_DIEN_BIEN_BENH', 'CHI_TIET_DIEN_BIEN_BENH'],
};

/** One `FILEHOSO`: its type and its decoded XML (absent when the base64 is broken). */
export interface FileEntry {
  type: string;
  text?: string;
  base64?: string;
}

/** The envelope as read. */
export interface Envelope {
  bare: boolean;
  facility?: string;
  createdOn?: string;
  hosos: FileEntry[][];
}

export function unreadable(message: string, messageVi: string, path = ''): ValidationError {
  return new ValidationError({
    code: 'XML130_UNREADABLE',
    path,
    message,
    messageVi,
    issues: [{ code: 'XML130_UNREADABLE', path, message, messageVi }],
  });
}

/** Text of the input (bytes as UTF-8), without BOM; a `ValidationError` for anything else. */
export function inputText(input: unknown): string {
  if (typeof input === 'string') return stripBom(input);
  if (input instanceof Uint8Array) return stripBom(new TextDecoder('utf-8').decode(input));
  throw unreadable('Expected XML text or bytes', 'Cần nội dung XML (chuỗi hoặc byte)');
}

/** Reads the envelope, or a bare table as a one-HOSO file set. Throws when the input is not XML 130. */
export function readEnvelope(text: string, problems: Xml130Problem[]): Envelope {
  const parsed = parseXml(text);
  if ('error' in parsed)
    throw unreadable(`Not well-formed XML: ${parsed.error}`, `XML không hợp lệ: ${parsed.error}`);
  const doc = parsed.doc;
  const root = doc.GIAMDINHHS;
  if (root === undefined) {
    const table = Object.keys(TABLE_PATHS).find((t) => doc[TABLE_PATHS[t]![0]!] !== undefined);
    if (!table)
      throw unreadable(
        'Neither a GIAMDINHHS envelope nor a table of XML 130',
        'Không phải hồ sơ GIAMDINHHS cũng không phải bảng XML 130',
      );
    return { bare: true, hosos: [[{ type: table, text }]] };
  }
  const r = (root ?? {}) as Record<string, unknown>;
  const unit = (r.THONGTINDONVI ?? {}) as Record<string, unknown>;
  const info = (r.THONGTINHOSO ?? {}) as Record<string, unknown>;
  const facility = leafText(unit.MACSKCB);
  const createdOn = leafText(info.NGAYLAP);
  const declared = leafText(info.SOLUONGHOSO);
  const list = (info.DANHSACHHOSO ?? {}) as Record<string, unknown>;
  const hosos: FileEntry[][] = asList(list.HOSO).map((h, hoso) =>
    asList((h as Record<string, unknown> | null)?.FILEHOSO).map((f, i) => {
      const file = (f ?? {}) as Record<string, unknown>;
      const type = (leafText(file.LOAIHOSO) ?? '').trim();
      const content = leafText(file.NOIDUNGFILE) ?? '';
      const place: Place = { hoso, table: type || `FILEHOSO[${i}]` };
      const decoded = fromBase64(content);
      if (decoded === undefined) {
        problems.push(
          problem(
            'error',
            'XML130_BASE64_INVALID',
            place,
            `NOIDUNGFILE of ${place.table} is not valid base64`,
            `NOIDUNGFILE của ${place.table} không phải base64 hợp lệ`,
          ),
        );
        return { type, base64: content };
      }
      return { type, text: decoded };
    }),
  );
  if (declared === undefined || declared.trim() !== String(hosos.length))
    problems.push(
      problem(
        'error',
        'XML130_HOSO_COUNT_MISMATCH',
        { field: 'SOLUONGHOSO' },
        `SOLUONGHOSO says ${declared ?? '(none)'}; the file set holds ${hosos.length} HOSO`,
        `SOLUONGHOSO ghi ${declared ?? '(trống)'}; bộ hồ sơ có ${hosos.length} HOSO`,
      ),
    );
  return {
    bare: false,
    ...(facility !== undefined ? { facility } : {}),
    ...(createdOn !== undefined ? { createdOn } : {}),
    hosos,
  };
}

/** The rows of a mapped table's XML; `undefined` (with a problem) when it is not that table. */
export function readTableRows(
  table: string,
  text: string,
  hoso: number,
  problems: Xml130Problem[],
): Row[] | undefined {
  const parsed = parseXml(text);
  const path = TABLE_PATHS[table]!;
  let node: unknown = 'error' in parsed ? undefined : parsed.doc[path[0]!];
  if (node !== undefined && path.length === 3) {
    const list = (node as Record<string, unknown> | null)?.[path[1]!];
    node = list === undefined || list === '' ? [] : (list as Record<string, unknown> | null)?.[path[2]!];
  }
  if ('error' in parsed || node === undefined || (path.length === 1 && typeof node !== 'object')) {
    problems.push(
      problem(
        'error',
        'XML130_TABLE_UNREADABLE',
        { hoso, table },
        `${table} is not a readable ${path.join('/')} table; kept verbatim`,
        `${table} không đọc được như bảng ${path.join('/')}; được giữ nguyên`,
      ),
    );
    return undefined;
  }
  return asList(node).map((n, row) => {
    const { row: values, nested } = toRow(n);
    for (const field of nested)
      problems.push(
        problem(
          'warning',
          'XML130_FIELD_NOT_TEXT',
          { hoso, table, row, field },
          `${field} holds elements or repeats; its first text kept`,
          `${field} chứa phần tử con hoặc lặp lại; chỉ giữ văn bản đầu tiên`,
        ),
      );
    return values;
  });
}
