import { foldVietnamese, isLienThongError, ValidationError } from '@lienthong/core';
import { parseCsv } from '../csv.js';
import type { CodeSystemMeta, Concept, ConceptProperties, ImportIssue, Release } from '../model.js';
import { isLoincCode } from '../systems.js';
import { ICD10_ISSUE_MESSAGES } from './icd10-issues.js';

/** The fields a column mapping can fill, each naming a column of the file. */
export interface ColumnMapping {
  code: string;
  display?: string;
  displayEn?: string;
  chapter?: string;
  parent?: string;
  /** Printed row number; checked for continuity. */
  stt?: string;
  chapterSequence?: string;
  specimen?: string;
  unit?: string;
  loinc?: string;
  loincName?: string;
  loincComponent?: string;
  loincProperty?: string;
  loincTime?: string;
  loincSystem?: string;
  loincScale?: string;
  loincMethod?: string;
  tt23Code?: string;
  tt23Name?: string;
  /** Codes of another system, several joined by `;`. */
  links?: string;
}

/** A table read from CSV or a spreadsheet: header plus records with their physical lines. */
export interface SourceTable {
  header: string[];
  rows: { line?: number; fields: string[] }[];
}

/** Options every importer accepts. */
export interface ImportOptions {
  /** File name for the report (default `input`). */
  file?: string;
  /** Expected number of data rows; a different count is an error. */
  expectRows?: number;
  /** A unit checker (e.g. `isUcumUnit` from `@lienthong/catalogue/units`); rejected units are errors. */
  checkUnit?: (unit: string) => boolean;
  /** Called every 1,000 rows and at the end. */
  onProgress?: (done: number, total: number) => void;
}

/** Everything an import found. */
export interface ImportReport {
  file: string;
  system: string;
  rows: number;
  concepts: number;
  expectedRows?: number;
  issues: ImportIssue[];
  counts: { error: number; warning: number; info: number };
  /** Number of issues per issue code. */
  byCode: Record<string, number>;
}

/** The result of an import: a release the runtime loads and the report of every problem. */
export interface ImportResult {
  release: Release;
  report: ImportReport;
}

/** Internal layout hooks. */
export interface LayoutSpec {
  mapping: ColumnMapping;
  system: CodeSystemMeta;
  codePattern?: RegExp;
  /** Target codes for `links` (PL02 → PL01). */
  linkTargets?: ReadonlyMap<string, string>;
  /** Candidates for a code that fails the pattern (reported as suggestions, never applied). */
  suggestCode?: (code: string, get: (field: keyof ColumnMapping) => string | undefined) => string[];
  /** Extra per-row checks (chapter consistency…). */
  checkRow?: (ctx: RowContext) => void;
  /** Fill an empty name from the single resolved link (explicit reported rule). */
  nameFromLink?: boolean;
  /** The code is the printed STT (PL02 prints no code of its own). */
  codeFromStt?: boolean;
}

/** What a row check can see and report. */
export interface RowContext {
  row: number;
  line: number | undefined;
  get: (field: keyof ColumnMapping) => string | undefined;
  concept: Concept;
  report: (issue: Omit<ImportIssue, 'file' | 'row' | 'line'>) => void;
}

// A dangling word or mark; not ICD-10's `E85.-` ("any subcategory of E85"), which ends in `.-` by design.
const TRUNCATION_ENDINGS = /\s(và|của|bằng|hoặc|với|cho|tại|từ|các)$|(?<!\.)-$|[,(/]$/u;

const messages: Record<string, [string, string]> = {
  CODE_EMPTY: [
    'Code is empty; the row is not in the release',
    'Mã trống; dòng không được đưa vào bản phát hành',
  ],
  CODE_PATTERN: ['Code does not match the pattern of the system', 'Mã không đúng khuôn dạng của hệ mã'],
  DUPLICATE_CODE: [
    'Duplicate code; this row is not in the release (the first row is kept)',
    'Mã trùng; dòng này không được đưa vào bản phát hành (giữ dòng đầu tiên)',
  ],
  NAME_EMPTY: ['Name is empty', 'Tên trống'],
  NAME_LOWERCASE_START: ['Name starts with a lower-case letter', 'Tên bắt đầu bằng chữ thường'],
  NAME_MAYBE_TRUNCATED: ['Name looks truncated', 'Tên có vẻ bị cắt cụt'],
  NAME_WHITESPACE: ['Name has leading, trailing or repeated spaces', 'Tên có khoảng trắng thừa'],
  LOINC_PATTERN: ['Not a LOINC code', 'Không phải mã LOINC'],
  LOINC_CHECK_DIGIT: ['LOINC check digit is wrong', 'Số kiểm tra của mã LOINC sai'],
  UNIT_UNKNOWN: ['Unit is not valid UCUM', 'Đơn vị không hợp lệ theo UCUM'],
  LINK_EMPTY: ['No link code', 'Không có mã liên kết'],
  LINK_COMMA_DECIMAL: [
    'Link uses a comma as decimal mark; corrected by rule LINK_COMMA_DECIMAL',
    'Mã liên kết dùng dấu phẩy thập phân; đã sửa theo quy tắc LINK_COMMA_DECIMAL',
  ],
  LINK_SEPARATOR: [
    'Several links joined by spaces or commas instead of ";"; split by rule LINK_SEPARATOR',
    'Nhiều mã liên kết nối bằng dấu cách hoặc dấu phẩy thay vì ";"; đã tách theo quy tắc LINK_SEPARATOR',
  ],
  LINK_MISSING_DOT: [
    'Link code lost its dot; not corrected (see suggestions)',
    'Mã liên kết mất dấu chấm; không tự sửa (xem gợi ý)',
  ],
  LINK_UNRESOLVED: ['Link code not found in the target system', 'Mã liên kết không có trong hệ mã đích'],
  NAME_FROM_LINK: [
    'Empty name filled from the linked concept by rule NAME_FROM_LINK',
    'Tên trống được lấy từ kỹ thuật liên kết theo quy tắc NAME_FROM_LINK',
  ],
  STT_INVALID: ['Row number is not an integer', 'Số thứ tự không phải số nguyên'],
  STT_SEQUENCE: ['Row number breaks the sequence', 'Số thứ tự không liên tục'],
  ROW_SHAPE: ['Row has a different number of columns than the header', 'Số cột của dòng khác tiêu đề'],
  ROW_COUNT: ['Row count differs from the expected count', 'Số dòng khác số dòng mong đợi'],
  CSV_UNTERMINATED_QUOTE: ['Unterminated quoted field', 'Trường trong dấu ngoặc kép không được đóng'],
  CHAPTER_MISMATCH: ['Code chapter differs from the chapter column', 'Chương trong mã khác cột chương'],
  CODE_STT_MISMATCH: [
    'Code differs from the appendix range rule (base + STT)',
    'Mã khác quy tắc dải mã của phụ lục (gốc + STT)',
  ],
};

/**
 * English and Vietnamese message of an issue code.
 * @example issueMessage('LINK_EMPTY') // ['No link code', 'Không có mã liên kết']
 */
export function issueMessage(code: string): [string, string] {
  return messages[code] ?? ICD10_ISSUE_MESSAGES[code] ?? [code, code];
}

/** The index of a column by its name (case and diacritics ignored when there is no exact match), or -1. */
export function findColumn(header: string[], name: string): number {
  const exact = header.indexOf(name);
  if (exact >= 0) return exact;
  const folded = foldVietnamese(name);
  return header.findIndex((h) => foldVietnamese(h) === folded);
}

/** The index of a column the layout cannot do without; a `ValidationError` `CATALOGUE_COLUMN_MISSING` when it is missing. */
export function requireColumn(table: SourceTable, name: string, file: string, field: string = name): number {
  const index = findColumn(table.header, name);
  if (index >= 0) return index;
  throw new ValidationError({
    code: 'CATALOGUE_COLUMN_MISSING',
    message: `Column "${name}" (${field}) is missing from ${file}; found: ${table.header.join(', ')}`,
    messageVi: `Thiếu cột "${name}" (${field}) trong ${file}; các cột có: ${table.header.join(', ')}`,
    path: `${file}, row 0, column ${name}`,
    details: { file, column: name, header: table.header },
  });
}

/** Reads CSV text into a {@link SourceTable}, reporting CSV-level problems. */
export function tableFromCsv(text: string, file: string, issues: ImportIssue[]): SourceTable {
  const parsed = parseCsv(text);
  if (parsed.unterminatedQuoteLine !== undefined) {
    const [message, messageVi] = issueMessage('CSV_UNTERMINATED_QUOTE');
    issues.push({
      severity: 'error',
      code: 'CSV_UNTERMINATED_QUOTE',
      file,
      row: 0,
      line: parsed.unterminatedQuoteLine,
      message,
      messageVi,
    });
  }
  const [head, ...rest] = parsed.records;
  return { header: (head?.fields ?? []).map((h) => h.trim()), rows: rest };
}

/** Runs a layout over a table. Throws only a {@link ValidationError} when a required column is missing. */
export function runImport(
  table: SourceTable,
  spec: LayoutSpec,
  options: ImportOptions,
  issues: ImportIssue[],
): ImportResult {
  const file = options.file ?? 'input';
  const columns = new Map<keyof ColumnMapping, number>();
  for (const [field, name] of Object.entries(spec.mapping) as [keyof ColumnMapping, string | undefined][]) {
    if (name === undefined) continue;
    const required = field === 'code' || field === 'display' || field === 'stt';
    const index = required ? requireColumn(table, name, file, field) : findColumn(table.header, name);
    if (index < 0) continue;
    columns.set(field, index);
  }

  const concepts: Concept[] = [];
  const firstRowOf = new Map<string, number>();
  let previousStt: number | undefined;
  const total = table.rows.length;

  table.rows.forEach((record, i) => {
    const row = i + 1;
    const line = record.line;
    const fields = record.fields;
    const report = (issue: Omit<ImportIssue, 'file' | 'row' | 'line'>) =>
      issues.push({ ...issue, file, row, ...(line === undefined ? {} : { line }) });
    const problem = (
      severity: ImportIssue['severity'],
      code: string,
      field: keyof ColumnMapping | undefined,
      value: string | undefined,
      extra: Partial<ImportIssue> = {},
    ) => {
      const [message, messageVi] = issueMessage(code);
      report({
        severity,
        code,
        ...(field ? { column: spec.mapping[field] } : {}),
        ...(value === undefined ? {} : { value }),
        message,
        messageVi,
        ...extra,
      });
    };
    if (options.onProgress && row % 1000 === 0) options.onProgress(row, total);
    if (fields.length !== table.header.length)
      problem('error', 'ROW_SHAPE', undefined, `${fields.length} / ${table.header.length}`);
    const get = (field: keyof ColumnMapping): string | undefined => {
      const index = columns.get(field);
      return index === undefined ? undefined : fields[index];
    };

    const sttText = get('stt');
    if (sttText !== undefined) {
      const stt = /^\d+$/.test(sttText.trim()) ? Number(sttText.trim()) : undefined;
      if (stt === undefined) problem('error', 'STT_INVALID', 'stt', sttText);
      else {
        if (previousStt !== undefined && stt !== previousStt + 1)
          problem('warning', 'STT_SEQUENCE', 'stt', sttText, { suggestions: [String(previousStt + 1)] });
        previousStt = stt;
      }
    }

    const code = (spec.codeFromStt ? sttText : get('code'))?.trim() ?? '';
    const codeField: keyof ColumnMapping = spec.codeFromStt ? 'stt' : 'code';
    if (code === '') {
      problem('error', 'CODE_EMPTY', codeField, '');
      return;
    }
    if (spec.codePattern && !spec.codePattern.test(code)) {
      const suggestions = spec.suggestCode?.(code, get) ?? [];
      problem('error', 'CODE_PATTERN', codeField, code, suggestions.length > 0 ? { suggestions } : {});
    }

    let display = get('display') ?? '';
    const hasDisplay = spec.mapping.display !== undefined;
    const properties: ConceptProperties = { sourceRow: row };
    const setText = (key: keyof ConceptProperties & keyof ColumnMapping) => {
      const value = get(key)?.trim();
      if (value) (properties as Record<string, unknown>)[key] = value;
    };
    setText('specimen');
    setText('unit');
    setText('loinc');
    setText('loincName');
    setText('tt23Code');
    setText('tt23Name');
    setText('chapterSequence');
    const axes: Record<string, string> = {};
    for (const [key, axis] of [
      ['loincComponent', 'component'],
      ['loincProperty', 'property'],
      ['loincTime', 'time'],
      ['loincSystem', 'system'],
      ['loincScale', 'scale'],
      ['loincMethod', 'method'],
    ] as const) {
      const value = get(key)?.trim();
      if (value) axes[axis] = value;
    }
    if (Object.keys(axes).length > 0) properties.loincAxes = axes;

    if (properties.loinc !== undefined) {
      if (!/^\d{1,7}-\d$/.test(properties.loinc))
        problem('error', 'LOINC_PATTERN', 'loinc', properties.loinc);
      else if (!isLoincCode(properties.loinc))
        problem('error', 'LOINC_CHECK_DIGIT', 'loinc', properties.loinc);
    }
    if (properties.unit !== undefined && options.checkUnit && !options.checkUnit(properties.unit))
      problem('error', 'UNIT_UNKNOWN', 'unit', properties.unit);

    // Links: explicit, reported corrections only.
    const linksText = get('links');
    if (linksText !== undefined && spec.mapping.links !== undefined) {
      const links: string[] = [];
      if (linksText.trim() === '') problem('warning', 'LINK_EMPTY', 'links', '');
      const parts: string[] = [];
      for (const raw of linksText.split(';')) {
        const part = raw.trim();
        if (part === '') continue;
        if (/[\s,]/.test(part) && !/^\d+,\d+$/.test(part)) {
          const pieces = part
            .split(/,?\s+/)
            .flatMap((piece) => (/^\d+,\d+$/.test(piece) ? [piece] : piece.split(',')))
            .filter(Boolean);
          problem('warning', 'LINK_SEPARATOR', 'links', part, {
            correction: { rule: 'LINK_SEPARATOR', from: part, to: pieces.join(';') },
          });
          parts.push(...pieces);
        } else parts.push(part);
      }
      for (const part of parts) {
        let link = part;
        if (/^\d+,\d+$/.test(link)) {
          const fixed = link.replace(',', '.');
          problem('warning', 'LINK_COMMA_DECIMAL', 'links', link, {
            correction: { rule: 'LINK_COMMA_DECIMAL', from: link, to: fixed },
          });
          link = fixed;
        } else if (/^\d{3,}$/.test(link) && spec.linkTargets && !spec.linkTargets.has(link)) {
          const candidates: string[] = [];
          for (let cut = 1; cut < link.length; cut++) {
            const candidate = `${link.slice(0, cut)}.${link.slice(cut)}`;
            if (spec.linkTargets.has(candidate)) candidates.push(candidate);
          }
          problem('warning', 'LINK_MISSING_DOT', 'links', link, { suggestions: candidates });
          links.push(link);
          continue;
        }
        if (spec.linkTargets && !spec.linkTargets.has(link))
          problem('warning', 'LINK_UNRESOLVED', 'links', link);
        links.push(link);
      }
      if (links.length > 0) properties.links = links;
    }

    if (!hasDisplay) {
      // The layout has no name column (e.g. the verified QĐ 1227 rows): nothing to check.
    } else if (display.trim() === '') {
      const resolved = (properties.links ?? []).filter((l) => spec.linkTargets?.has(l));
      if (spec.nameFromLink && resolved.length === 1 && spec.linkTargets) {
        const name = spec.linkTargets.get(resolved[0]!)!;
        problem('warning', 'NAME_FROM_LINK', 'display', '', {
          correction: { rule: 'NAME_FROM_LINK', from: '', to: name },
        });
        display = name;
      } else problem('error', 'NAME_EMPTY', 'display', display);
    } else {
      const first = display.charAt(0);
      if (first !== first.toUpperCase() && first === first.toLowerCase() && /\p{Ll}/u.test(first))
        problem('warning', 'NAME_LOWERCASE_START', 'display', display);
      if (TRUNCATION_ENDINGS.test(display.trim()))
        problem('warning', 'NAME_MAYBE_TRUNCATED', 'display', display);
      if (display !== display.trim() || /\s{2,}/.test(display))
        problem('info', 'NAME_WHITESPACE', 'display', display);
    }

    const concept: Concept = { code, display, status: 'active', properties };
    const chapter = get('chapter')?.trim();
    if (chapter) concept.chapter = chapter;
    const parent = get('parent')?.trim();
    if (parent) concept.parent = parent;
    const displayEn = get('displayEn')?.trim();
    if (displayEn) concept.displayEn = displayEn;

    spec.checkRow?.({ row, line, get, concept, report });

    const first = firstRowOf.get(code);
    if (first !== undefined) {
      problem('error', 'DUPLICATE_CODE', codeField, code, { suggestions: [`row ${first}`] });
      return;
    }
    firstRowOf.set(code, row);
    concepts.push(concept);
  });
  options.onProgress?.(total, total);

  if (options.expectRows !== undefined && options.expectRows !== total) {
    const [message, messageVi] = issueMessage('ROW_COUNT');
    issues.push({
      severity: 'error',
      code: 'ROW_COUNT',
      file,
      row: 0,
      value: `${total} / ${options.expectRows}`,
      message: `${message}: ${total} rows, expected ${options.expectRows}`,
      messageVi: `${messageVi}: ${total} dòng, mong đợi ${options.expectRows}`,
    });
  }
  issues.sort((a, b) => a.row - b.row);
  const { counts, byCode } = summarizeIssues(issues);
  return {
    release: { system: spec.system, concepts },
    report: {
      file,
      system: spec.system.id,
      rows: total,
      concepts: concepts.length,
      ...(options.expectRows === undefined ? {} : { expectedRows: options.expectRows }),
      issues,
      counts,
      byCode,
    },
  };
}

/** Number of issues per severity and per issue code. */
export function summarizeIssues(issues: readonly ImportIssue[]): Pick<ImportReport, 'counts' | 'byCode'> {
  const counts = { error: 0, warning: 0, info: 0 };
  const byCode: Record<string, number> = {};
  for (const issue of issues) {
    counts[issue.severity]++;
    byCode[issue.code] = (byCode[issue.code] ?? 0) + 1;
  }
  return { counts, byCode };
}

/** Runs `fn`, turning anything thrown that is not a LienThongError into one. */
export function guarded<T>(file: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (isLienThongError(error)) throw error;
    throw new ValidationError({
      code: 'CATALOGUE_IMPORT_FAILED',
      message: `Import of ${file} failed: ${error instanceof Error ? error.message : String(error)}`,
      messageVi: `Nhập ${file} thất bại: ${error instanceof Error ? error.message : String(error)}`,
      path: file,
      cause: error,
    });
  }
}
