import { ValidationError } from '@lienthong/core';
import type { XmlElement } from './flat-xml.js';
import { type Place, problem, type Xml130Problem } from './problems.js';
import {
  child,
  childrenNamed,
  cleanBase64,
  decodeBase64,
  leafText,
  parseXml,
  type Row,
  stripBom,
  toRow,
} from './xml.js';

/** The element path of each mapped table: root, list, row (XML1 is its root, one row). */
export const TABLE_PATHS: Readonly<Record<string, readonly string[]>> = {
  XML1: ['TONG_HOP'],
  XML2: ['CHITIEU_CHITIET_THUOC', 'DSACH_CHI_TIET_THUOC', 'CHI_TIET_THUOC'],
  XML3: ['CHITIEU_CHITIET_DVKT_VTYT', 'DSACH_CHI_TIET_DVKT', 'CHI_TIET_DVKT'],
  XML4: ['CHITIEU_CHITIET_DICHVUCANLAMSANG', 'DSACH_CHI_TIET_CLS', 'CHI_TIET_CLS'],
  XML5: ['CHITIEU_CHITIET_DIENBIENLAMSANG', 'DSACH_CHI_TIET_DIEN_BIEN_BENH', 'CHI_TIET_DIEN_BIEN_BENH'],
};

/** One `FILEHOSO`: its type and its content. */
export interface FileEntry {
  type: string;
  /**
   * Decodes its XML (absent when the base64 is broken). A function, called when the table's turn
   * comes, so that a file set is read one table at a time: holding every table's text at once made
   * the decode spend its time in the garbage collector.
   */
  readText?: () => string;
  /** NOIDUNGFILE as found, when it is not base64. */
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
  const root = parsed.root;
  if (root.name !== 'GIAMDINHHS') {
    const table = Object.keys(TABLE_PATHS).find((t) => TABLE_PATHS[t]![0] === root.name);
    if (!table)
      throw unreadable(
        'Neither a GIAMDINHHS envelope nor a table of XML 130',
        'Không phải hồ sơ GIAMDINHHS cũng không phải bảng XML 130',
      );
    return { bare: true, hosos: [[{ type: table, readText: () => text }]] };
  }
  const info = child(root, 'THONGTINHOSO');
  const facility = leafText(child(child(root, 'THONGTINDONVI'), 'MACSKCB'));
  const createdOn = leafText(child(info, 'NGAYLAP'));
  const declared = leafText(child(info, 'SOLUONGHOSO'));
  const hosos: FileEntry[][] = childrenNamed(child(info, 'DANHSACHHOSO'), 'HOSO').map((h, hoso) =>
    childrenNamed(h, 'FILEHOSO').map((file, i) => {
      const type = (leafText(child(file, 'LOAIHOSO')) ?? '').trim();
      const content = leafText(child(file, 'NOIDUNGFILE')) ?? '';
      const place: Place = { hoso, table: type || `FILEHOSO[${i}]` };
      const base64 = cleanBase64(content);
      if (base64 === undefined) {
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
      return {
        type,
        readText: () => decodeBase64(base64),
      };
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
  const elements = 'error' in parsed ? undefined : rowElements(parsed.root, path);
  if (!elements) {
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
  return elements.map((element, row) => {
    const { row: values, nested } = toRow(element);
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

/**
 * The row elements of a table at `path` (its root, or root/list/rows); `undefined` when the
 * document is not that table. No list, or an empty one, is a table without rows.
 */
function rowElements(root: XmlElement, path: readonly string[]): readonly XmlElement[] | undefined {
  if (root.name !== path[0]) return undefined;
  if (path.length === 1) return root.children.length > 0 ? [root] : undefined;
  const lists = childrenNamed(root, path[1]!);
  if (lists.length === 0) return [];
  if (lists.length > 1) return undefined;
  const list = lists[0]!;
  // Text in place of the rows is not a table.
  if (list.children.length === 0) return list.text === '' ? [] : undefined;
  const rows = childrenNamed(list, path[2]!);
  return rows.length > 0 ? rows : undefined;
}
