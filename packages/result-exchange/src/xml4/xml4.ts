import {
  attempt,
  formatNationalDateTime,
  parseNationalDateTime,
  type Result,
  safeParseNationalDateTime,
  type ValidationError,
  type ValidationIssue,
  type WithWarnings,
} from '@lienthong/core';
import { decodeText, encodeReports, parseOrInvalid, type TextInput } from '../codec.js';
import { guard, invalid, invalidMany, issue } from '../errors.js';
import { flatXmlParser, toXmlDocument, valueFromText, valueToText } from '../flat-formats.js';
import type { LabCoding, LabObservation, LabReport } from '../model.js';
import { DEFAULT_LAB_SYSTEMS, isRecognisedCode, type LabSystems } from '../systems.js';
import { normaliseUnit, type UnitNormaliser } from '../units.js';

/**
 * Insurance claims table XML4 (QĐ 130/2023 as replaced by QĐ 4750/2023, amended by QĐ 3176/2024):
 * `CHITIEU_CHITIET_DICHVUCANLAMSANG/DSACH_CHI_TIET_CLS/CHI_TIET_CLS`, one row per indicator.
 */

/** The fields of one `CHI_TIET_CLS` row, in order, with their maximum lengths (docs/en/guide/domain.md). */
export const XML4_FIELDS = [
  'MA_LK',
  'STT',
  'MA_DICH_VU',
  'MA_CHI_SO',
  'TEN_CHI_SO',
  'GIA_TRI',
  'DON_VI_DO',
  'MO_TA',
  'KET_LUAN',
  'NGAY_KQ',
  'MA_BS_DOC_KQ',
  'DU_PHONG',
] as const;
export type Xml4Field = (typeof XML4_FIELDS)[number];

/** Maximum lengths published for the table (fields without a published limit are not checked). */
export const XML4_MAX_LENGTHS: Readonly<Partial<Record<Xml4Field, number>>> = Object.freeze({
  MA_LK: 100,
  MA_DICH_VU: 15,
  MA_CHI_SO: 50,
  TEN_CHI_SO: 255,
  GIA_TRI: 50,
  DON_VI_DO: 50,
});

/** One row as text. */
export type Xml4Row = Partial<Record<Xml4Field, string>>;

const ROOT = 'CHITIEU_CHITIET_DICHVUCANLAMSANG';
const LIST = 'DSACH_CHI_TIET_CLS';
const ROW = 'CHI_TIET_CLS';
const SUBJECT = { en: 'XML4 table', vi: 'Bảng XML4' };
const INPUT: TextInput = {
  code: 'XML4_UNREADABLE',
  path: ROOT,
  subject: { en: 'XML4 table', vi: 'bảng XML4' },
  expected: { en: 'Expected XML text', vi: 'Cần nội dung XML' },
};
const COMMA_DECIMAL = /^[+-]?\d+,\d+$/;

/** Options of the XML4 codec. */
export interface Xml4Options {
  systems?: Partial<LabSystems>;
  normaliseUnit?: UnitNormaliser;
  /** XML4 carries no patient identifiers (they are in XML1): given here, they go on every decoded report. */
  patient?: LabReport['patient'];
  /** Facts XML4 does not carry, added to every decoded report (lab, facilities). */
  defaults?: Partial<Pick<LabReport, 'lab' | 'performingFacility' | 'orderingFacility' | 'specimen'>>;
}

/** What {@link decodeXml4} returns: the reports as `value`, the warnings, and the rows as read. */
export interface Xml4DecodeResult extends WithWarnings<LabReport[]> {
  rows: Xml4Row[];
}

function checkRow(row: Xml4Row, index: number, issues: ValidationIssue[]): void {
  const at = (f: string) => `${ROW}[${index}].${f}`;
  for (const field of XML4_FIELDS) {
    const value = row[field];
    const max = XML4_MAX_LENGTHS[field];
    if (value !== undefined && max !== undefined && value.length > max) {
      issues.push(
        issue(
          'XML4_FIELD_TOO_LONG',
          at(field),
          `${field} is ${value.length} characters long; at most ${max} allowed`,
          `${field} dài ${value.length} ký tự; tối đa ${max} ký tự`,
        ),
      );
    }
  }
  if (row.NGAY_KQ !== undefined && row.NGAY_KQ !== '' && !safeParseNationalDateTime(row.NGAY_KQ).ok) {
    issues.push(
      issue(
        'XML4_FIELD_FORMAT_INVALID',
        at('NGAY_KQ'),
        'NGAY_KQ must be a real date-time yyyymmddHHMM',
        'NGAY_KQ phải là ngày giờ có thật dạng yyyymmddHHMM',
      ),
    );
  }
  if (row.STT !== undefined && row.STT !== '' && !/^\d+$/.test(row.STT)) {
    issues.push(
      issue('XML4_FIELD_FORMAT_INVALID', at('STT'), 'STT must be a whole number', 'STT phải là số nguyên'),
    );
  }
  if (row.GIA_TRI !== undefined && COMMA_DECIMAL.test(row.GIA_TRI.trim())) {
    issues.push(
      issue(
        'XML4_DECIMAL_COMMA',
        at('GIA_TRI'),
        'Decimals use "." in XML4, not ","',
        'Số thập phân trong XML4 dùng dấu ".", không dùng ","',
      ),
    );
  }
  if (!row.MA_LK)
    issues.push(
      issue(
        'XML4_FIELD_REQUIRED',
        at('MA_LK'),
        'MA_LK (encounter key) is required',
        'Thiếu MA_LK (mã liên kết)',
      ),
    );
}

/** Checks every row (numbered from 1); a `ValidationError` lists every problem found. */
function checkRows(rows: readonly Xml4Row[]): void {
  const issues: ValidationIssue[] = [];
  rows.forEach((row, i) => {
    checkRow(row, i + 1, issues);
  });
  if (issues.length) throw invalidMany(issues, SUBJECT);
}

const parser = flatXmlParser(ROW);

function readRows(xml: string): Xml4Row[] {
  const doc: unknown = parseOrInvalid(
    () => parser.parse(xml, true),
    'XML4_NOT_WELL_FORMED',
    ROOT,
    'The XML is not well formed',
    'XML không đúng cú pháp',
  );
  const root = (doc as Record<string, unknown> | undefined)?.[ROOT];
  if (root === undefined || typeof root !== 'object' || root === null) {
    throw invalid(
      'XML4_ROOT_MISSING',
      ROOT,
      `Root element ${ROOT} not found`,
      `Không thấy phần tử gốc ${ROOT}`,
    );
  }
  const list = (root as Record<string, unknown>)[LIST];
  if (list === undefined || list === '') return [];
  if (typeof list !== 'object' || list === null)
    throw invalid(
      'XML4_STRUCTURE_INVALID',
      `${ROOT}.${LIST}`,
      `${LIST} must contain ${ROW} rows`,
      `${LIST} phải chứa các dòng ${ROW}`,
    );
  const raw = (list as Record<string, unknown>)[ROW];
  const rows = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return rows.map((r, i) => {
    if (r === '') return {};
    if (typeof r !== 'object' || r === null)
      throw invalid(
        'XML4_STRUCTURE_INVALID',
        `${ROW}[${i + 1}]`,
        'A row must contain fields',
        'Mỗi dòng phải chứa các trường',
      );
    return rowFields(r as Record<string, unknown>, i);
  });
}

/** The XML4 fields of row `i` (from 0), in their order; other fields are left out. */
function rowFields(r: Readonly<Record<string, unknown>>, i: number): Xml4Row {
  const row: Xml4Row = {};
  for (const [k, v] of Object.entries(r)) {
    if (!(XML4_FIELDS as readonly string[]).includes(k)) continue;
    if (typeof v !== 'string')
      throw invalid(
        'XML4_STRUCTURE_INVALID',
        `${ROW}[${i + 1}].${k}`,
        `${k} must be text`,
        `${k} phải là văn bản`,
      );
    row[k as Xml4Field] = v;
  }
  return row;
}

/** {@link decodeXml4}, answering a `Result` instead of throwing. */
export function safeDecodeXml4(
  xml: string,
  options: Xml4Options = {},
): Result<Xml4DecodeResult, ValidationError> {
  return attempt<Xml4DecodeResult, ValidationError>(() => decodeXml4(xml, options));
}

/**
 * Decodes an XML4 table into reports (`value`): rows sharing MA_LK, MA_DICH_VU, NGAY_KQ and
 * MA_BS_DOC_KQ form one report. Every length and format rule is checked first; a `ValidationError` lists every
 * problem with its row and field (`CHI_TIET_CLS[3].MA_CHI_SO`).
 */
export function decodeXml4(xml: string, options: Xml4Options = {}): Xml4DecodeResult {
  return decodeText(xml, INPUT, (text) => decodeRows(readRows(text), options));
}

/**
 * Decodes rows already read from an XML4 table (each `CHI_TIET_CLS` as field → text, in document
 * order — as an XML 130 file-set reader has them) with the result, issues and paths
 * {@link decodeXml4} gives for the table holding them, without writing and parsing the XML again:
 * fields other than {@link XML4_FIELDS} are left out, every rule is checked first (a
 * `ValidationError` lists every problem, rows numbered from 1: `CHI_TIET_CLS[3].MA_CHI_SO`).
 */
export function decodeXml4Rows(
  rows: readonly Readonly<Record<string, unknown>>[],
  options: Xml4Options = {},
): Xml4DecodeResult {
  return guard(INPUT.code, INPUT.subject, () => decodeRows(rows.map(rowFields), options), INPUT.path);
}

function decodeRows(rows: Xml4Row[], options: Xml4Options): Xml4DecodeResult {
  checkRows(rows);
  return { ...rowsToReports(rows, options), rows };
}

function rowsToReports(rows: readonly Xml4Row[], options: Xml4Options): WithWarnings<LabReport[]> {
  const systems = { ...DEFAULT_LAB_SYSTEMS, ...options.systems };
  const unit = options.normaliseUnit ?? normaliseUnit;
  const warnings: ValidationIssue[] = [];
  const groups = new Map<string, { rows: { row: Xml4Row; index: number }[] }>();
  const ordered = rows
    .map((row, index) => ({ row, index }))
    .sort((a, b) => Number(a.row.STT ?? a.index) - Number(b.row.STT ?? b.index) || a.index - b.index);
  for (const entry of ordered) {
    const r = entry.row;
    const key = JSON.stringify([r.MA_LK, r.MA_DICH_VU ?? '', r.NGAY_KQ ?? '', r.MA_BS_DOC_KQ ?? '']);
    const g = groups.get(key) ?? { rows: [] };
    g.rows.push(entry);
    groups.set(key, g);
  }
  const reports: LabReport[] = [];
  for (const g of groups.values()) {
    const head = g.rows[0]!.row;
    const issuedAt = head.NGAY_KQ ? parseNationalDateTime(head.NGAY_KQ) : undefined;
    const service = head.MA_DICH_VU?.trim();
    const conclusions = [...new Set(g.rows.map((e) => e.row.KET_LUAN ?? '').filter(Boolean))];
    if (conclusions.length > 1) {
      warnings.push(
        issue(
          'XML4_CONCLUSIONS_DIFFER',
          `${ROW}[${g.rows[0]!.index + 1}].KET_LUAN`,
          'Rows of one service carry different KET_LUAN; joined',
          'Các dòng cùng dịch vụ có KET_LUAN khác nhau; đã ghép lại',
        ),
      );
    }
    const observations: LabObservation[] = g.rows.map(({ row, index }) => {
      const path = `${ROW}[${index + 1}]`;
      const codes: LabCoding[] = [];
      const code = row.MA_CHI_SO?.trim();
      if (code) {
        const recognised = isRecognisedCode(systems.national, code, systems);
        if (!recognised)
          warnings.push(
            issue(
              'XML4_CODE_UNRECOGNISED',
              `${path}.MA_CHI_SO`,
              'MA_CHI_SO is not a 7-digit QĐ 1227 code; kept and flagged',
              'MA_CHI_SO không phải mã QĐ 1227 7 chữ số; vẫn giữ và đánh dấu',
            ),
          );
        codes.push({
          system: systems.national,
          code,
          ...(row.TEN_CHI_SO ? { display: row.TEN_CHI_SO } : {}),
          ...(recognised ? {} : { unrecognised: true as const }),
        });
      }
      const value = valueFromText(row.GIA_TRI, row.DON_VI_DO?.trim(), unit);
      return {
        codes,
        ...(row.TEN_CHI_SO ? { name: row.TEN_CHI_SO } : {}),
        status: 'final',
        ...(value ? { value } : {}),
        ...(row.MO_TA ? { note: row.MO_TA } : {}),
      };
    });
    const serviceRecognised = service ? isRecognisedCode(systems.serviceCode, service, systems) : true;
    const stt = g.rows.map((e) => e.row.STT ?? String(e.index + 1)).join('-');
    reports.push({
      id: `${head.MA_LK}:${service || 'cls'}:${head.NGAY_KQ || stt}`,
      ...(options.patient ? { patient: options.patient } : { patient: { identifiers: [] } }),
      encounterId: head.MA_LK!,
      codes: service
        ? [
            {
              system: systems.serviceCode,
              code: service,
              ...(serviceRecognised ? {} : { unrecognised: true as const }),
            },
          ]
        : [],
      status: 'final',
      ...options.defaults,
      ...(issuedAt ? { issuedAt } : {}),
      ...(head.MA_BS_DOC_KQ ? { signer: { id: head.MA_BS_DOC_KQ } } : {}),
      ...(conclusions.length ? { conclusion: conclusions.join('\n') } : {}),
      observations,
    });
  }
  return { value: reports, warnings };
}

/** Builds the XML4 rows of reports (no length check; see {@link encodeXml4}). */
export function reportsToXml4Rows(reports: readonly LabReport[], options: Xml4Options = {}): Xml4Row[] {
  const systems = { ...DEFAULT_LAB_SYSTEMS, ...options.systems };
  const rows: Xml4Row[] = [];
  for (const r of reports) {
    const reportService = r.codes.find((c) => c.system === systems.serviceCode)?.code;
    for (const o of r.observations) {
      const national = o.codes.find((c) => c.system === systems.national)?.code;
      const service = o.codes.find((c) => c.system === systems.serviceCode)?.code ?? reportService;
      // GIA_TRI and DON_VI_DO; a range in the unit of its low end.
      const v = valueToText(o.value, true);
      const row: Xml4Row = {
        MA_LK: r.encounterId ?? '',
        STT: String(rows.length + 1),
        ...(service ? { MA_DICH_VU: service } : {}),
        ...(national ? { MA_CHI_SO: national } : {}),
        ...((o.name ?? o.codes[0]?.display) ? { TEN_CHI_SO: (o.name ?? o.codes[0]?.display)! } : {}),
        ...(v.value !== undefined ? { GIA_TRI: v.value } : {}),
        ...(v.unit !== undefined ? { DON_VI_DO: v.unit } : {}),
        ...(o.note ? { MO_TA: o.note } : {}),
        ...(r.conclusion ? { KET_LUAN: r.conclusion } : {}),
        ...(r.issuedAt
          ? {
              NGAY_KQ: formatNationalDateTime(
                r.issuedAt.length === 10 ? `${r.issuedAt}T00:00:00+07:00` : r.issuedAt,
              ),
            }
          : {}),
        ...(r.signer?.id ? { MA_BS_DOC_KQ: r.signer.id } : {}),
      };
      rows.push(row);
    }
  }
  return rows;
}

/**
 * Encodes reports as an XML4 table: `value` is the XML. Each row is checked against the published
 * lengths and formats; any violation throws a `ValidationError` (`XML4_FIELD_TOO_LONG`, path
 * `CHI_TIET_CLS[3].MA_CHI_SO`) and nothing is written. The table holds only the columns of
 * {@link XML4_FIELDS} — no patient, facility or reference range — and `warnings` stays empty.
 */
export function encodeXml4(
  reports: LabReport | readonly LabReport[],
  options: Xml4Options = {},
): WithWarnings<string> {
  return encodeReports('XML4_ENCODE_FAILED', reports, (list) => {
    const rows = reportsToXml4Rows(list, options);
    checkRows(rows);
    const ordered = rows.map((row) =>
      Object.fromEntries(XML4_FIELDS.filter((f) => row[f] !== undefined).map((f) => [f, row[f]])),
    );
    return { value: toXmlDocument({ [ROOT]: { [LIST]: { [ROW]: ordered } } }), warnings: [] };
  });
}
