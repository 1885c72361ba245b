import { isValidationError } from '@lienthong/core';
import { describe, expect, it } from 'vitest';
import { icd10Rows, icd10Sources } from '../../test/icd10-data.js';
import { loadBundledReport } from '../bundled.js';
import { createCatalogue } from '../catalogue.js';
import { normalizeIcd10Code } from '../icd10/code.js';
import type { ImportIssue } from '../model.js';
import { issueMessage } from './engine.js';
import { ICD10_FILES, importIcd10Vn } from './icd10.js';

const sources = icd10Sources();
const { release, rules, report } = importIcd10Vn(sources, { version: 'QD4469-2020', expectRows: 12219 });
const list = icd10Rows('list');
const ageSex = icd10Rows('ageSexRestrictions');
/** Sheet row of the ICD10 sheet = CSV data row + 3 (data/icd10/SOURCES.md: title, subtitle and header rows). */
const sheetRow = (issue: ImportIssue) => issue.row + 3;
const issuesOf = (code: string, file = ICD10_FILES.list) =>
  report.issues.filter((i) => i.code === code && i.file === file);
const concept = (code: string) => release.concepts.find((c) => c.code === code);

describe('importIcd10Vn on the real QĐ 4469 tables (data/icd10)', () => {
  it('reads every row: chapters, groups and codes, each code once with its dot', () => {
    expect(report).toMatchObject({ rows: 12219, expectedRows: 12219, system: 'icd10-vn' });
    expect(report.byCode.ROW_COUNT).toBeUndefined();
    const codes = new Set(list.map((r) => normalizeIcd10Code(r.disease_code)));
    const chapters = new Set(list.map((r) => r.chapter_code));
    const groups = new Set(
      list.flatMap((r) => [r.main_group_code, r.sub_group_1_code, r.sub_group_2_code]).filter(Boolean),
    );
    expect([codes.size, chapters.size, groups.size]).toEqual([12137, 22, 274]);
    expect(release.concepts).toHaveLength(codes.size + chapters.size + groups.size);
    expect(release.system).toMatchObject({ id: 'icd10-vn', uri: 'http://hl7.org/fhir/sid/icd-10' });
    expect(release.concepts.every((c) => !/[*†]/.test(c.code))).toBe(true);
  });

  it('keeps the Vietnamese names as the list prints them, and no English unless asked', () => {
    for (const code of ['A00.0', 'J18.9', 'I21.9', 'O80']) {
      const row = list.find((r) => r.disease_code === code)!;
      expect(concept(code)).toMatchObject({ display: row.disease_name_vi });
      expect(concept(code)?.displayEn).toBeUndefined();
    }
  });

  it('reports the duplicate J13 (sheet rows 4238 and 4239), keeping the first', () => {
    const [duplicate, ...more] = issuesOf('DUPLICATE_CODE');
    expect(more).toEqual([]);
    expect(duplicate).toMatchObject({ severity: 'error', value: 'J13' });
    expect(sheetRow(duplicate!)).toBe(4239);
    expect(duplicate!.suggestions).toEqual([`row ${4238 - 3}`]);
  });

  it('reports every code printed with its † or * mark, and the 81 plain/marked twins', () => {
    const marked = list.filter((r) => /[*†]$/.test(r.disease_code));
    expect(issuesOf('MARKER_IN_CODE').map((i) => i.value)).toEqual(marked.map((r) => r.disease_code));
    expect(marked).toHaveLength(858);
    const twins = issuesOf('MARKER_TWIN');
    expect(twins).toHaveLength(81);
    expect(twins.filter((i) => ['D63', 'G01', 'A17', 'B59'].includes(i.value!)).map(sheetRow)).toEqual([
      95, 758, 1887, 2876,
    ]);
    expect(concept('D63')?.properties).toMatchObject({ level: 'category', marker: '*' });
    expect(concept('A17')?.properties).toMatchObject({ marker: '†' });
    expect(concept('J17')?.properties).toMatchObject({ marker: '*' });
  });

  it('reports the rows filed under the wrong category or group, and places them by their code', () => {
    const [category] = issuesOf('CATEGORY_MISMATCH');
    expect(sheetRow(category!)).toBe(4127);
    expect(category!.correction).toEqual({ rule: 'CATEGORY_MISMATCH', from: 'I80', to: 'I79' });
    expect(concept('I79.2')?.parent).toBe('I79');
    expect(issuesOf('GROUP_RANGE_MISMATCH').map(sheetRow)).toEqual([4127, 11032, 11033, 11034, 11035]);
    expect(concept('X58')?.parent).toBe('W00-X59');
    expect(concept('X59.0')?.parent).toBe('X59');
    const [conflict] = issuesOf('GROUP_PARENT_CONFLICT');
    expect([sheetRow(conflict!), conflict!.value]).toEqual([1477, 'C64-C68']);
  });

  it('reports the rows out of sequence (C64 after C97, I79.2* after I79.8*, chapter U after Z99.9)', () => {
    expect(issuesOf('CODE_OUT_OF_ORDER').map((i) => [sheetRow(i), i.value])).toEqual([
      [100, 'A17†'],
      [1477, 'C64'],
      [4127, 'I79.2*'],
      [12178, 'U04'],
    ]);
  });

  it('reports empty English names (A97), doubled spaces and line breaks in names', () => {
    const empty = issuesOf('NAME_EN_EMPTY');
    expect(empty.filter((i) => i.column === 'disease_name_en').map(sheetRow)).toEqual([456]);
    expect(empty.filter((i) => i.column === 'category_name_en').map(sheetRow)).toEqual([
      456, 457, 458, 459, 460,
    ]);
    expect(issuesOf('NAME_WHITESPACE')).toHaveLength(8);
    const breaks = issuesOf('NAME_LINE_BREAK');
    expect(breaks.length).toBeGreaterThan(0);
    for (const issue of breaks) expect(issue.correction?.to).not.toMatch(/\n/);
    expect(release.concepts.every((c) => !/\n/.test(c.display))).toBe(true);
  });

  it('reports appendix codes missing from the list, per appendix', () => {
    expect(issuesOf('APPENDIX_CODE_NOT_IN_LIST', ICD10_FILES.notMainDiagnosis)).toHaveLength(410);
    const a1 = issuesOf('APPENDIX_CODE_NOT_IN_LIST', ICD10_FILES.daggerAsteriskPairs);
    expect(a1.filter((i) => i.column === 'dagger_code')).toHaveLength(210);
    expect(a1.filter((i) => i.column === 'asterisk_code')).toHaveLength(411);
    expect(issuesOf('APPENDIX_CODE_NOT_IN_LIST', ICD10_FILES.ageSexRestrictions)).toHaveLength(571);
  });

  it('reports the A1 names lost to trailing spaces, the PDx column that contradicts A2, and A2 marks the list lacks', () => {
    expect(issuesOf('APPENDIX_NAME_NA', ICD10_FILES.daggerAsteriskPairs)).toHaveLength(149);
    expect(issuesOf('PDX_NOT_ALLOWED_AS_MAIN', ICD10_FILES.daggerAsteriskPairs)).toEqual([
      expect.objectContaining({ row: 0, value: '2287 / 2287 rows' }),
    ]);
    expect(issuesOf('ASTERISK_MARK_DIFFERS', ICD10_FILES.notMainDiagnosis).map((i) => i.value)).toEqual([
      'M074',
      'M075',
      'M076',
      'N330',
      'N338',
    ]);
  });

  it('reads the age and sex appendices from their titles and reports their repeated codes', () => {
    expect(rules.age.map((r) => r.appendix)).toEqual([
      'A3.1',
      'A3.2',
      'A3.3',
      'A3.4',
      'A3.5',
      'A3.6',
      'A3.7',
      'A3.8',
      'A3.9',
      'A3.10',
    ]);
    expect(rules.sex.map((r) => [r.appendix, r.sex])).toEqual([
      ['A4.1', 'female'],
      ['A4.2', 'male'],
    ]);
    for (const rule of [...rules.age, ...rules.sex]) {
      const rows = ageSex.filter((r) => r.appendix === rule.appendix);
      expect(rule.title).toBe(rows[0]!.appendix_title);
      expect(rule.codes).toEqual([...new Set(rows.map((r) => r.code))]);
    }
    const repeated = issuesOf('DUPLICATE_RULE_CODE', ICD10_FILES.ageSexRestrictions).map(
      (i) => ageSex[i.row - 1]!,
    );
    expect(repeated.map((r) => [r.source_sheet, r.source_row, r.code])).toEqual([
      ['A3.6', '304', 'Z302'],
      ['A3.9', '268', 'Z310'],
    ]);
    expect(issuesOf('RULE_CATEGORY_ONLY', ICD10_FILES.ageSexRestrictions).map((i) => i.value)).toEqual([
      'R95',
    ]);
    expect(rules.notMainDiagnosis.codes).toHaveLength(1263);
    expect(rules.daggerAsterisk.pairs).toHaveLength(2287);
  });

  it('every issue has its place and a message in both languages', () => {
    for (const issue of report.issues) {
      expect(Object.values(ICD10_FILES)).toContain(issue.file);
      expect(issue.row).toBeGreaterThanOrEqual(0);
      expect(issue.message).not.toBe(issue.code);
      expect(issue.messageVi).not.toBe(issue.code);
      expect(issueMessage(issue.code)[1]).toBe(issue.messageVi);
    }
  });

  it('the bundled report is this report, each issue in its own file', async () => {
    const bundled = await loadBundledReport('icd10-vn');
    expect(bundled.byCode).toEqual(report.byCode);
    expect(new Set(bundled.issues.map((i) => i.file))).toEqual(new Set(Object.values(ICD10_FILES)));
  });
});

describe('importIcd10Vn options and refusals', () => {
  it('reads the English titles only when asked, and searches them', () => {
    const english = importIcd10Vn({ list: sources.list }, { english: true });
    const row = list.find((r) => r.disease_code === 'J18.9')!;
    const j189 = english.release.concepts.find((c) => c.code === 'J18.9');
    expect(j189?.displayEn).toBe(row.disease_name_en);
    const catalogue = createCatalogue([english.release]);
    expect(catalogue.search(row.disease_name_en.toLowerCase(), { limit: 3 }).map((h) => h.code)).toContain(
      'J18.9',
    );
    expect(english.rules.notMainDiagnosis.codes).toEqual([]);
  });

  it('a list without its code column is a ValidationError; an appendix title without a range is reported', () => {
    expect(() => importIcd10Vn({ list: 'chapter_no,disease_name_vi\nI,x\n' })).toThrow(
      expect.objectContaining({ code: 'CATALOGUE_COLUMN_MISSING' }),
    );
    // SYNTHETIC appendix: a made-up title, to show that an unreadable title makes no rule.
    const synthetic = importIcd10Vn({
      list: sources.list,
      ageSexRestrictions:
        'appendix,appendix_title,source_sheet,source_row,code,disease_name_vi,disease_name_en\nX1,SYNTHETIC title with no range,X1,4,J189,,\n',
    });
    expect(synthetic.rules.age).toEqual([]);
    expect(synthetic.report.issues.filter((i) => i.code === 'RESTRICTION_TITLE_UNREADABLE')).toHaveLength(1);
    try {
      importIcd10Vn({ list: 42 as unknown as string });
      expect.unreachable();
    } catch (error) {
      expect(isValidationError(error)).toBe(true);
    }
  });
});
