/**
 * The restriction appendices of QĐ 4469/QĐ-BYT into rules: A2 (codes not used as the main
 * diagnosis), A1 (dagger–asterisk pairs) and A3.1–A4.2 (age and sex, one file in `data/icd10`).
 * Codes are checked against the list; the defects of the appendices (codes not in the list, codes
 * with trailing spaces, repeated codes) are reported with their row.
 */
import { normalizeIcd10Code } from '../icd10/code.js';
import {
  type AgeRule,
  type CodeListRule,
  type DaggerAsteriskRule,
  readAgeRange,
  readSex,
  type SexRule,
} from '../icd10/rules.js';
import type { Concept, ImportIssue } from '../model.js';
import { findColumn, issueMessage, requireColumn, type SourceTable } from './engine.js';

/** Titles of A1 and A2 as the workbook prints them (their CSVs carry no title column; `data/icd10/SOURCES.md`). */
export const ICD10_APPENDIX_TITLES = {
  A1: 'Phụ lục A1: Các mã bệnh kép (*) và (+) luôn đi kèm với nhau và lựa chọn mã bệnh chính',
  A2: 'Phụ lục A2: Các mã bệnh không sử dụng là bệnh chính',
} as const;

/** The codes of the list, by the dotless form the appendices write, for cross-checks. */
export type ListIndex = ReadonlyMap<string, Concept>;

/** Reads one appendix table row by row: trims and checks its codes, reports in its own file. */
export class AppendixReader {
  constructor(
    readonly table: SourceTable,
    readonly file: string,
    readonly list: ListIndex,
    readonly issues: ImportIssue[],
  ) {}

  report(
    row: number,
    severity: ImportIssue['severity'],
    code: string,
    extra: Partial<ImportIssue> = {},
  ): void {
    const [message, messageVi] = issueMessage(code);
    const line = this.table.rows[row - 1]?.line;
    this.issues.push({
      severity,
      code,
      file: this.file,
      row,
      ...(line === undefined ? {} : { line }),
      message,
      messageVi,
      ...extra,
    });
  }

  /** Each row with a reader of its cells. */
  forEach(fn: (cell: (column: number) => string, row: number) => void): void {
    this.table.rows.forEach((record, i) => {
      fn((column) => record.fields[column] ?? '', i + 1);
    });
  }

  /** The code of a cell, trimmed (reported), checked for shape and against the list; undefined when unusable. */
  code(raw: string, row: number, column: string): string | undefined {
    const code = raw.trim();
    if (code !== raw)
      this.report(row, 'warning', 'CODE_WHITESPACE', {
        column,
        value: raw,
        correction: { rule: 'CODE_WHITESPACE', from: raw, to: code },
      });
    if (code === '') {
      this.report(row, 'error', 'CODE_EMPTY', { column, value: '' });
      return undefined;
    }
    if (normalizeIcd10Code(code)?.replace('.', '') !== code) {
      this.report(row, 'error', 'CODE_PATTERN', { column, value: code });
      return undefined;
    }
    if (!this.list.has(code))
      this.report(row, 'warning', 'APPENDIX_CODE_NOT_IN_LIST', { column, value: code });
    return code;
  }

  /** A name the spreadsheet could not look up (`#N/A`) for a code that the list has. */
  checkName(code: string, name: string, row: number, column: string, trimmed: boolean): void {
    if (name === '#N/A' && this.list.has(code) && !trimmed)
      this.report(row, 'warning', 'APPENDIX_NAME_NA', { column, value: code });
  }
}

/** A2: codes not used as the main diagnosis; its `*` column is checked against the list's marks. */
export function readNotMainDiagnosis(reader: AppendixReader): CodeListRule {
  const { table, file } = reader;
  const codeColumn = requireColumn(table, 'code', file);
  const markColumn = findColumn(table.header, 'asterisk_mark');
  const nameColumn = findColumn(table.header, 'disease_name_vi');
  const codes = new Set<string>();
  reader.forEach((cell, row) => {
    const raw = cell(codeColumn);
    const code = reader.code(raw, row, 'code');
    if (code === undefined) return;
    reader.checkName(code, cell(nameColumn).trim(), row, 'disease_name_vi', raw !== code);
    const listed = reader.list.get(code);
    if (cell(markColumn).trim() === '*' && listed !== undefined && listed.properties?.marker !== '*')
      reader.report(row, 'warning', 'ASTERISK_MARK_DIFFERS', { column: 'asterisk_mark', value: code });
    if (codes.has(code))
      reader.report(row, 'warning', 'DUPLICATE_RULE_CODE', { column: 'code', value: code });
    codes.add(code);
  });
  return { appendix: 'A2', title: ICD10_APPENDIX_TITLES.A2, codes: [...codes] };
}

/** A1: dagger–asterisk pairs, and how many rows name as PDx a code that `notMain` (A2) forbids as main. */
export function readDaggerAsteriskPairs(
  reader: AppendixReader,
  notMain: ReadonlySet<string>,
): DaggerAsteriskRule {
  const { table, file } = reader;
  const dagger = requireColumn(table, 'dagger_code', file);
  const asterisk = requireColumn(table, 'asterisk_code', file);
  const pdx = findColumn(table.header, 'pdx_code');
  const names = [
    [dagger, findColumn(table.header, 'dagger_name_vi'), 'dagger_name_vi'],
    [asterisk, findColumn(table.header, 'asterisk_name_vi'), 'asterisk_name_vi'],
  ] as const;
  const pairs: [string, string][] = [];
  const seen = new Set<string>();
  let pdxForbidden = 0;
  reader.forEach((cell, row) => {
    const codes = names.map(([column, nameColumn, nameHeader], k) => {
      const raw = cell(column);
      const code = reader.code(raw, row, k === 0 ? 'dagger_code' : 'asterisk_code');
      if (code !== undefined) reader.checkName(code, cell(nameColumn).trim(), row, nameHeader, raw !== code);
      return code;
    });
    if (pdx >= 0 && notMain.has(cell(pdx).trim())) pdxForbidden++;
    const [d, a] = codes;
    if (d === undefined || a === undefined || seen.has(`${d}|${a}`)) return;
    seen.add(`${d}|${a}`);
    pairs.push([d, a]);
  });
  if (pdxForbidden > 0)
    reader.report(0, 'warning', 'PDX_NOT_ALLOWED_AS_MAIN', {
      column: 'pdx_code',
      value: `${pdxForbidden} / ${table.rows.length} rows`,
    });
  return { appendix: 'A1', title: ICD10_APPENDIX_TITLES.A1, pairs };
}

/** A3.1–A4.2: one rule per appendix, its age range or sex read from the appendix's own title. */
export function readAgeSexRestrictions(reader: AppendixReader): { age: AgeRule[]; sex: SexRule[] } {
  const { table, file } = reader;
  const appendixColumn = requireColumn(table, 'appendix', file);
  const titleColumn = requireColumn(table, 'appendix_title', file);
  const codeColumn = requireColumn(table, 'code', file);
  const nameColumn = findColumn(table.header, 'disease_name_vi');
  const sections = new Map<string, { title: string; row: number; codes: Map<string, number> }>();
  reader.forEach((cell, row) => {
    const appendix = cell(appendixColumn).trim();
    const title = cell(titleColumn).trim();
    let section = sections.get(appendix);
    if (section === undefined) {
      section = { title, row, codes: new Map() };
      sections.set(appendix, section);
    } else if (section.title !== title)
      reader.report(row, 'warning', 'APPENDIX_TITLE_CONFLICT', { column: 'appendix_title', value: title });
    const raw = cell(codeColumn);
    const code = reader.code(raw, row, 'code');
    if (code === undefined) return;
    reader.checkName(code, cell(nameColumn).trim(), row, 'disease_name_vi', raw !== code);
    if (section.codes.has(code))
      reader.report(row, 'warning', 'DUPLICATE_RULE_CODE', { column: 'code', value: code });
    else section.codes.set(code, row);
  });
  const subcategories = new Map<string, string[]>();
  for (const code of reader.list.keys()) {
    if (code.length <= 3) continue;
    const siblings = subcategories.get(code.slice(0, 3));
    if (siblings) siblings.push(code);
    else subcategories.set(code.slice(0, 3), [code]);
  }
  const age: AgeRule[] = [];
  const sex: SexRule[] = [];
  for (const [appendix, { title, row, codes: rows }] of sections) {
    for (const [code, at] of rows)
      if (code.length === 3 && subcategories.get(code)?.some((child) => !rows.has(child)))
        reader.report(at, 'info', 'RULE_CATEGORY_ONLY', { column: 'code', value: code });
    const codes = rows.keys();
    const range = readAgeRange(title);
    const only = range === undefined ? readSex(title) : undefined;
    if (range !== undefined) age.push({ appendix, title, ...range, codes: [...codes] });
    else if (only !== undefined) sex.push({ appendix, title, sex: only, codes: [...codes] });
    else
      reader.report(row, 'error', 'RESTRICTION_TITLE_UNREADABLE', { column: 'appendix_title', value: title });
  }
  return { age, sex };
}
