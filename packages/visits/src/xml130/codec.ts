import {
  attempt,
  type Result,
  ValidationError,
  type ValidationIssue,
  type WithWarnings,
} from '@lienthong/core';
import { decodeXml4Rows } from '@lienthong/result-exchange/xml4';
import type { CourseNote, Medication, RawTable, Service, Visit, VisitFileSet } from '../model.js';
import { checkDiagnoses, type Icd10Checker } from './diagnoses.js';
import { checkRowFields, problem, type Xml130Problem } from './problems.js';
import { inputText, readEnvelope, readTableRows, TABLE_PATHS } from './read.js';
import { medicationFromXml2, noteFromXml5, serviceFromXml3, visitFromXml1 } from './tables.js';
import type { Row } from './xml.js';

/** Options of the XML 130 codec. */
export interface Xml130Options {
  /**
   * ICD-10 with its restriction tables (`await loadIcd10()` from `@lienthong/catalogue/icd10`): when
   * given, every MA_BENH_CHINH / MA_BENH_KT is checked (known, allowed as main, sex, age).
   */
  icd10?: Icd10Checker;
  /** Decode despite errors (they become warnings). Default: a `ValidationError` lists every error. */
  lenient?: boolean;
  /** Called after each `HOSO` with how many are read and how many the file set holds (progress on large file sets). */
  onProgress?: (done: number, total: number) => void;
}

/** What {@link decodeXml130} returns: the file set, the warnings, and every problem found. */
export interface Xml130DecodeResult extends WithWarnings<VisitFileSet> {
  problems: Xml130Problem[];
}

type LinkedTable = 'XML2' | 'XML3' | 'XML4' | 'XML5';
type Item = Medication | Service | CourseNote;

/**
 * A row of XML2–XML5 waiting for every XML1 to be read. A row of XML2/3/5 whose visit is already
 * known becomes its model at once and the row is let go: holding every row of a file set until the
 * end made the decode spend its time in the garbage collector. XML4 rows are kept (they are the
 * visit's `labRows`).
 */
interface LinkedRow {
  maLk: string;
  row?: Row;
  item?: Item;
}

function linkedRow(table: LinkedTable, row: Row, byId: ReadonlyMap<string, Visit>): LinkedRow {
  const maLk = row.MA_LK ?? '';
  return table === 'XML4' || !byId.has(maLk) ? { maLk, row } : { maLk, item: itemFromRow(table, row) };
}

const itemFromRow = (table: Exclude<LinkedTable, 'XML4'>, row: Row): Item =>
  table === 'XML2' ? medicationFromXml2(row) : table === 'XML3' ? serviceFromXml3(row) : noteFromXml5(row);

function addItem(visit: Visit, table: Exclude<LinkedTable, 'XML4'>, item: Item): void {
  if (table === 'XML2') visit.medications.push(item as Medication);
  else if (table === 'XML3') visit.services.push(item as Service);
  else visit.notes.push(item as CourseNote);
}

interface Collected {
  fileSet: VisitFileSet;
  problems: Xml130Problem[];
}

function collect(input: unknown, options: Xml130Options): Collected {
  const problems: Xml130Problem[] = [];
  const envelope = readEnvelope(inputText(input), problems);
  const visits: Visit[] = [];
  const byId = new Map<string, Visit>();
  const otherTables: RawTable[] = [];
  const linked: { table: LinkedTable; hoso: number; rows: LinkedRow[] }[] = [];
  for (const [hoso, files] of envelope.hosos.entries()) {
    const own: Visit[] = [];
    const raws: RawTable[] = [];
    for (const file of files) {
      const text = file.readText?.();
      const mapped = file.type in TABLE_PATHS && text !== undefined;
      const rows = mapped ? readTableRows(file.type, text, hoso, problems) : undefined;
      if (!rows) {
        if (text !== undefined && !(file.type in TABLE_PATHS))
          problems.push(
            problem(
              'warning',
              'XML130_TABLE_KEPT_VERBATIM',
              { hoso, table: file.type },
              `${file.type} is not mapped to the visit model; kept verbatim`,
              `${file.type} chưa được ánh xạ vào mô hình lượt khám; được giữ nguyên`,
            ),
          );
        raws.push({
          type: file.type,
          ...(text !== undefined ? { content: text } : { base64: file.base64 ?? '' }),
        });
        continue;
      }
      for (const [i, row] of rows.entries()) checkRowFields(file.type, row, { hoso, row: i }, problems);
      if (file.type === 'XML1') {
        for (const [i, row] of rows.entries()) {
          const visit = visitFromXml1(row);
          if (options.icd10) checkDiagnoses(options.icd10, visit, { hoso, row: i }, problems);
          own.push(visit);
          if (!byId.has(visit.id)) byId.set(visit.id, visit);
          else
            problems.push(
              problem(
                'error',
                'XML130_VISIT_DUPLICATE',
                { hoso, table: 'XML1', row: i, field: 'MA_LK' },
                `MA_LK "${visit.id}" is used by an earlier XML1; rows link to the first`,
                `MA_LK "${visit.id}" đã dùng ở một XML1 trước; các dòng liên kết với XML1 đầu tiên`,
              ),
            );
        }
      } else {
        const table = file.type as LinkedTable;
        linked.push({ table, hoso, rows: rows.map((row) => linkedRow(table, row, byId)) });
      }
    }
    visits.push(...own);
    if (own[0]) own[0].otherTables.push(...raws);
    else otherTables.push(...raws);
    options.onProgress?.(hoso + 1, envelope.hosos.length);
  }
  const unlinked = new Map<string, Row[]>();
  for (const { table, hoso, rows } of linked) {
    for (const [i, { maLk, row, item }] of rows.entries()) {
      const visit = byId.get(maLk);
      if (!visit) {
        problems.push(
          problem(
            'error',
            'XML130_VISIT_LINK_MISSING',
            { hoso, table, row: i, field: 'MA_LK' },
            `MA_LK "${maLk}" of ${table} has no XML1 in the file set`,
            `MA_LK "${maLk}" của ${table} không có XML1 tương ứng trong bộ hồ sơ`,
          ),
        );
        unlinked.set(table, [...(unlinked.get(table) ?? []), row!]);
        continue;
      }
      if (table === 'XML4') visit.labRows.push(row!);
      else addItem(visit, table, item ?? itemFromRow(table, row!));
    }
    if (table === 'XML4')
      readLabReports(
        rows.map((r) => r.row!),
        hoso,
        byId,
        problems,
      );
  }
  return {
    fileSet: {
      ...(envelope.facility !== undefined ? { facility: envelope.facility } : {}),
      ...(envelope.createdOn !== undefined ? { createdOn: envelope.createdOn } : {}),
      visits,
      unlinked: [...unlinked].map(([table, rows]) => ({ table, rows })),
      otherTables,
    },
    problems,
  };
}

/**
 * XML4 through result-exchange's codec, from the rows as read here (not written and parsed again:
 * the result is the same); the rows are kept on the visit whatever it says.
 */
function readLabReports(
  rows: readonly Row[],
  hoso: number,
  byId: Map<string, Visit>,
  problems: Xml130Problem[],
): void {
  let reports: ReturnType<typeof decodeXml4Rows>['value'];
  try {
    reports = decodeXml4Rows(rows).value;
  } catch (error) {
    const issues = error instanceof ValidationError ? error.issues : [];
    for (const i of issues) {
      const m = /^CHI_TIET_CLS\[(\d+)\]\.(\w+)$/.exec(i.path);
      // result-exchange counts rows from 1 (`CHI_TIET_CLS[1]`); problems here count from 0.
      const at = m ? { hoso, table: 'XML4', row: Number(m[1]) - 1, field: m[2]! } : { hoso, table: 'XML4' };
      problems.push({ ...problem('error', i.code, at, i.message, i.messageVi) });
    }
    return;
  }
  for (const report of reports) {
    const visit = byId.get(report.encounterId ?? '');
    if (visit) visit.labReports.push({ ...report, patient: { identifiers: visit.patient.identifiers } });
  }
}

const asIssue = ({ code, path, message, messageVi }: Xml130Problem): ValidationIssue => ({
  code,
  path,
  message,
  messageVi,
});

/**
 * Decodes an XML 130 file set (the `GIAMDINHHS` envelope, or one bare table) into visits. Unless
 * `lenient`, any error (field, ICD-10, MA_LK link, SOLUONGHOSO, base64) throws a `ValidationError`
 * listing every one with its place (`HOSO[0].XML2[3].MA_LK`); warnings are the rest.
 */
export function decodeXml130(input: string | Uint8Array, options: Xml130Options = {}): Xml130DecodeResult {
  const { fileSet, problems } = collect(input, options);
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length > 0 && !options.lenient) {
    throw new ValidationError({
      code: 'XML130_INVALID',
      message: `The XML 130 file set has ${errors.length} error(s); first: ${errors[0]!.path} ${errors[0]!.message}`,
      messageVi: `Bộ hồ sơ XML 130 có ${errors.length} lỗi; lỗi đầu: ${errors[0]!.path} ${errors[0]!.messageVi}`,
      path: errors[0]!.path,
      issues: errors.map(asIssue),
    });
  }
  return {
    value: fileSet,
    warnings: problems.filter((p) => options.lenient || p.severity === 'warning').map(asIssue),
    problems,
  };
}

/** {@link decodeXml130}, answering a `Result` instead of throwing. */
export function safeDecodeXml130(
  input: string | Uint8Array,
  options: Xml130Options = {},
): Result<Xml130DecodeResult, ValidationError> {
  return attempt<Xml130DecodeResult, ValidationError>(() => decodeXml130(input, options));
}

/**
 * Every problem of a file set with its place, errors and warnings alike; never throws (input that
 * is not XML 130 at all is one problem `XML130_UNREADABLE`).
 */
export function checkXml130(
  input: string | Uint8Array,
  options: Omit<Xml130Options, 'lenient'> = {},
): Xml130Problem[] {
  const r = attempt(() => collect(input, options));
  if (r.ok) return r.value.problems;
  return [
    {
      severity: 'error',
      code: r.error.code,
      path: r.error.path ?? '',
      message: r.error.message,
      messageVi: r.error.messageVi,
    },
  ];
}
