/**
 * `@lienthong/catalogue/import` — importers for the official layouts (TT 23/2024 PL01 and PL02,
 * QĐ 1227 appendices) and for any CSV with a column mapping. Every problem is reported with file,
 * row and column; nothing is dropped or "fixed" silently: a correction is an explicit rule that
 * appears in the report (`LINK_COMMA_DECIMAL`: `18,125` → `18.125`). An importer returns the
 * release and its report; an input it cannot read at all (a required column missing) throws a
 * `ValidationError`.
 * @packageDocumentation
 */
import type { CodeSystemMeta, ImportIssue, Release } from '../model.js';
import { KNOWN_SYSTEMS, type KnownSystemId } from '../systems.js';
import {
  type ColumnMapping,
  guarded,
  type ImportOptions,
  type ImportResult,
  type LayoutSpec,
  runImport,
  type SourceTable,
  tableFromCsv,
} from './engine.js';
import { systemMeta } from './system-meta.js';

export type { ColumnMapping, ImportOptions, ImportReport, ImportResult, SourceTable } from './engine.js';
export { issueMessage } from './engine.js';
export {
  ICD10_FILES,
  type Icd10ImportOptions,
  type Icd10ImportResult,
  type Icd10Sources,
  importIcd10Vn,
} from './icd10.js';
export { ICD10_LIST_COLUMNS } from './icd10-list.js';
export { systemMeta } from './system-meta.js';

/** Column names of TT 23/2024 Appendix 01 as published in `data/tt23`. */
export const TT23_PL01_COLUMNS: ColumnMapping = {
  stt: 'stt',
  code: 'ma_ky_thuat',
  chapter: 'ten_chuong',
  display: 'ten_ky_thuat',
};

/** Column names of TT 23/2024 Appendix 02. PL02 prints no code: the printed STT is the key. */
export const TT23_PL02_COLUMNS: ColumnMapping = {
  stt: 'stt',
  code: 'stt',
  chapterSequence: 'stt_cua_chuong',
  chapter: 'ten_chuong',
  links: 'ma_lien_ket',
  display: 'ten_ky_thuat',
};

/**
 * Column names of a QĐ 1227 appendix (docs/en/guide/domain.md: row no., 7-digit code, indicator name, TT 23
 * technique code + name, reference LOINC code + name + 6 axes, unit). Header matching ignores case
 * and diacritics; pass your own mapping when the spreadsheet's headers differ.
 */
export const QD1227_COLUMNS: ColumnMapping = {
  stt: 'stt',
  code: 'ma_chi_so',
  display: 'ten_chi_so',
  tt23Code: 'ma_ky_thuat',
  tt23Name: 'ten_ky_thuat',
  loinc: 'ma_loinc',
  loincName: 'ten_loinc',
  loincComponent: 'component',
  loincProperty: 'property',
  loincTime: 'time',
  loincSystem: 'system',
  loincScale: 'scale',
  loincMethod: 'method',
  unit: 'don_vi',
};

function chapterNumber(chapter: string | undefined): string | undefined {
  return chapter === undefined ? undefined : /^\s*(\d+)\./.exec(chapter)?.[1];
}

/** Runs an import: problems in the data are in its report; an input it cannot read at all throws. */
function finish(result: () => ImportResult, file: string): ImportResult {
  return guarded(file, result);
}

/**
 * Imports TT 23/2024 Appendix 01 (techniques, `chapter.sequence` / `BS_chapter.sequence`).
 * Checks STT continuity, code pattern, duplicates, empty or suspicious names and that the code's
 * chapter agrees with the chapter column; suggests (never applies) `19.165` for a printed `19165`.
 * @example
 * const { release, report } = importTt23Pl01(csvText, { file: 'pl01.csv', expectRows: 19438, version: 'TT23-2024' });
 * console.log(report.byCode); // { CODE_PATTERN: 3, … }
 */
export function importTt23Pl01(
  text: string | SourceTable,
  options: ImportOptions & { version?: string; meta?: Partial<CodeSystemMeta> } = {},
): ImportResult {
  const file = options.file ?? 'tt23-pl01.csv';
  return finish(() => {
    const issues: ImportIssue[] = [];
    const table = typeof text === 'string' ? tableFromCsv(text, file, issues) : text;
    const spec: LayoutSpec = {
      mapping: TT23_PL01_COLUMNS,
      system: systemMeta('tt23-pl01', { version: options.version ?? 'unversioned', ...options.meta }),
      codePattern: KNOWN_SYSTEMS['tt23-pl01'].pattern,
      // A code printed without its dot (`19165` in chapter 19): suggest the dotted form, never apply it.
      suggestCode: (code, get) => {
        const chapter = chapterNumber(get('chapter'));
        return chapter !== undefined &&
          /^\d+$/.test(code) &&
          code.startsWith(chapter) &&
          code.length > chapter.length
          ? [`${chapter}.${code.slice(chapter.length)}`]
          : [];
      },
      checkRow: ({ concept, get, report }) => {
        const chapter = chapterNumber(get('chapter'));
        const code = concept.code;
        const codeChapter = /^(?:BS_)?(\d+)\./.exec(code)?.[1];
        if (chapter !== undefined && codeChapter !== undefined && Number(chapter) !== Number(codeChapter)) {
          report({
            severity: 'warning',
            code: 'CHAPTER_MISMATCH',
            column: 'ma_ky_thuat',
            value: code,
            message: `Code chapter ${codeChapter} differs from chapter column ${chapter}`,
            messageVi: `Chương trong mã (${codeChapter}) khác cột chương (${chapter})`,
          });
        }
      },
    };
    return runImport(table, spec, { ...options, file }, issues);
  }, file);
}

/**
 * Imports TT 23/2024 Appendix 02 (by organ system) and resolves its `ma_lien_ket` links against a
 * PL01 release. Comma decimal marks (`18,125`) are corrected by the reported rule
 * `LINK_COMMA_DECIMAL`; links that lost their dot (`15254`) are reported with candidates, not
 * corrected; an empty name is filled from a single resolved link by the reported rule `NAME_FROM_LINK`.
 * @example
 * const pl02 = importTt23Pl02(text, { pl01: pl01Release, expectRows: 9128 });
 */
export function importTt23Pl02(
  text: string | SourceTable,
  options: ImportOptions & { pl01?: Release; version?: string; meta?: Partial<CodeSystemMeta> } = {},
): ImportResult {
  const file = options.file ?? 'tt23-pl02.csv';
  return finish(() => {
    const issues: ImportIssue[] = [];
    const table = typeof text === 'string' ? tableFromCsv(text, file, issues) : text;
    const targets = options.pl01
      ? new Map(options.pl01.concepts.map((c) => [c.code, c.display] as const))
      : undefined;
    const spec: LayoutSpec = {
      mapping: TT23_PL02_COLUMNS,
      system: systemMeta('tt23-pl02', {
        version: options.version ?? 'unversioned',
        ...(options.pl01 ? { linksTo: options.pl01.system.uri } : {}),
        ...options.meta,
      }),
      codePattern: KNOWN_SYSTEMS['tt23-pl02'].pattern,
      codeFromStt: true,
      nameFromLink: true,
      ...(targets ? { linkTargets: targets } : {}),
    };
    return runImport(table, spec, { ...options, file }, issues);
  }, file);
}

/**
 * Imports a QĐ 1227 appendix (national 7-digit indicator codes with reference LOINC). With
 * `appendixBase` (e.g. `1070000` for Appendix 05, where code = 1070000 + STT per the verified rows)
 * each code is checked against its STT.
 * @example
 * const { release, report } = importQd1227(csv, { mapping: { ...QD1227_COLUMNS, code: 'ma_dung_chung' }, appendixBase: 1070000 });
 */
export function importQd1227(
  text: string | SourceTable,
  options: ImportOptions & {
    mapping?: ColumnMapping;
    appendixBase?: number;
    version?: string;
    meta?: Partial<CodeSystemMeta>;
  } = {},
): ImportResult {
  const file = options.file ?? 'qd1227.csv';
  return finish(() => {
    const issues: ImportIssue[] = [];
    const table = typeof text === 'string' ? tableFromCsv(text, file, issues) : text;
    const mapping = options.mapping ?? QD1227_COLUMNS;
    const spec: LayoutSpec = {
      mapping,
      system: systemMeta('qd1227', { version: options.version ?? 'unversioned', ...options.meta }),
      codePattern: KNOWN_SYSTEMS.qd1227.pattern,
      checkRow: ({ concept, get, report }) => {
        const stt = get('stt');
        if (options.appendixBase === undefined || stt === undefined || !/^\d+$/.test(stt)) return;
        const expected = String(options.appendixBase + Number(stt));
        if (expected !== concept.code)
          report({
            severity: 'error',
            code: 'CODE_STT_MISMATCH',
            column: mapping.code,
            value: concept.code,
            message: `Code ${concept.code} differs from ${options.appendixBase} + STT ${stt}`,
            messageVi: `Mã ${concept.code} khác ${options.appendixBase} + STT ${stt}`,
            suggestions: [expected],
          });
      },
    };
    return runImport(table, spec, { ...options, file }, issues);
  }, file);
}

/**
 * Imports any table (CSV text or rows read from a spreadsheet) with a column mapping into a release
 * of the given system. With a known system id its code pattern is checked.
 * @example
 * const { release } = importGeneric(csv, { mapping: { code: 'Mã', display: 'Tên', unit: 'Đơn vị' },
 *   system: systemMeta('qd7603-pl11', { version: '2019' }) });
 */
export function importGeneric(
  input: string | SourceTable,
  options: ImportOptions & { mapping: ColumnMapping; system: CodeSystemMeta; codePattern?: RegExp },
): ImportResult {
  const file = options.file ?? 'input.csv';
  return finish(() => {
    const issues: ImportIssue[] = [];
    const table = typeof input === 'string' ? tableFromCsv(input, file, issues) : input;
    const known = KNOWN_SYSTEMS[options.system.id as KnownSystemId];
    const pattern = options.codePattern ?? known?.pattern;
    const spec: LayoutSpec = {
      mapping: options.mapping,
      system: options.system,
      ...(pattern ? { codePattern: pattern } : {}),
    };
    return runImport(table, spec, { ...options, file }, issues);
  }, file);
}

/**
 * One line per issue, for terminals and logs: `file row 15893 (line 15894), column ma_ky_thuat: CODE_PATTERN "19165" …`.
 * @example for (const line of formatIssues(report.issues)) console.error(line);
 */
export function formatIssues(issues: readonly ImportIssue[], lang: 'vi' | 'en' = 'en'): string[] {
  return issues.map((i) => {
    const where = `${i.file} row ${i.row}${i.line === undefined ? '' : ` (line ${i.line})`}${i.column ? `, column ${i.column}` : ''}`;
    const value = i.value === undefined ? '' : ` "${i.value}"`;
    const fix = i.correction ? ` → "${i.correction.to}"` : '';
    const hint = i.suggestions?.length ? ` (suggest: ${i.suggestions.join(', ')})` : '';
    return `${i.severity.toUpperCase()} ${where}: ${i.code}${value}${fix}${hint} — ${lang === 'vi' ? i.messageVi : i.message}`;
  });
}
