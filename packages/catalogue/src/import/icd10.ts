/**
 * The ICD-10 import profile: the list of QĐ 4469/QĐ-BYT and its restriction appendices (the CSVs of
 * `data/icd10`, or the same tables read from the workbook) into one release (`icd10-vn`, system
 * `http://hl7.org/fhir/sid/icd-10`), its restriction rules and one report of every source defect.
 */
import { dotlessIcd10Code } from '../icd10/code.js';
import { ICD10_RULES_FORMAT, type Icd10Rules } from '../icd10/rules.js';
import type { CodeSystemMeta, Concept, ImportIssue } from '../model.js';
import {
  guarded,
  type ImportOptions,
  type ImportResult,
  type SourceTable,
  summarizeIssues,
  tableFromCsv,
} from './engine.js';
import {
  AppendixReader,
  ICD10_APPENDIX_TITLES,
  readAgeSexRestrictions,
  readDaggerAsteriskPairs,
  readNotMainDiagnosis,
} from './icd10-appendices.js';
import { importIcd10List } from './icd10-list.js';
import { systemMeta } from './system-meta.js';

/** The tables of one ICD-10 release: the list, and the appendices that restrict its use. */
export interface Icd10Sources {
  /** The list (sheet `ICD10`, `icd10_qd4469_2020.csv`). */
  list: string | SourceTable;
  /** Appendix A2, codes not used as the main diagnosis (`icd10_qd4469_not_main_diagnosis.csv`). */
  notMainDiagnosis?: string | SourceTable;
  /** Appendix A1, dagger–asterisk pairs (`icd10_qd4469_dagger_asterisk_pairs.csv`). */
  daggerAsteriskPairs?: string | SourceTable;
  /** Appendices A3.1–A4.2, age and sex (`icd10_qd4469_age_sex_restrictions.csv`). */
  ageSexRestrictions?: string | SourceTable;
}

/** Options of {@link importIcd10Vn}. */
export interface Icd10ImportOptions extends Omit<ImportOptions, 'file' | 'checkUnit'> {
  /** File names for the report, per table (default: the names in `data/icd10`). */
  files?: Partial<Record<keyof Icd10Sources, string>>;
  /**
   * Also read the English titles into `displayEn` (default false). They are WHO's ICD-10 titles, ©
   * WHO: WHO licenses their redistribution, so the bundled release leaves them out.
   */
  english?: boolean;
  version?: string;
  meta?: Partial<CodeSystemMeta>;
}

/** The release, its restriction rules and the report of every table read. */
export interface Icd10ImportResult extends ImportResult {
  rules: Icd10Rules;
}

/** The file names of `data/icd10`. */
export const ICD10_FILES: Readonly<Record<keyof Icd10Sources, string>> = {
  list: 'icd10_qd4469_2020.csv',
  notMainDiagnosis: 'icd10_qd4469_not_main_diagnosis.csv',
  daggerAsteriskPairs: 'icd10_qd4469_dagger_asterisk_pairs.csv',
  ageSexRestrictions: 'icd10_qd4469_age_sex_restrictions.csv',
};

/**
 * Imports the ICD-10 list of QĐ 4469/QĐ-BYT and its appendices. Codes are written with their dot and
 * without the † / * mark (kept as `properties.marker`); chapters and groups become concepts, so every
 * code has a parent up to its chapter. The report names each source defect with its file and row —
 * the duplicate J13, the 858 marked codes and 81 plain/marked twins, appendix codes missing from
 * the list, A1 codes with trailing spaces, the rows out of sequence or under the wrong group.
 * @example
 * const { release, rules, report } = importIcd10Vn(
 *   { list: listCsv, notMainDiagnosis: a2Csv, daggerAsteriskPairs: a1Csv, ageSexRestrictions: a3a4Csv },
 *   { version: 'QD4469-2020', expectRows: 12219 },
 * );
 * report.byCode.DUPLICATE_CODE; // 1 (J13)
 */
export function importIcd10Vn(sources: Icd10Sources, options: Icd10ImportOptions = {}): Icd10ImportResult {
  const files = { ...ICD10_FILES, ...options.files };
  return guarded(files.list, () => {
    const issues: ImportIssue[] = [];
    const tableOf = (input: string | SourceTable, file: string) =>
      typeof input === 'string' ? tableFromCsv(input, file, issues) : input;
    const system = systemMeta('icd10-vn', { version: options.version ?? 'unversioned', ...options.meta });
    const { concepts, rows } = importIcd10List(
      tableOf(sources.list, files.list),
      { ...options, file: files.list, system, english: options.english === true },
      issues,
    );
    const list = new Map<string, Concept>();
    for (const c of concepts) {
      const key =
        c.properties?.level === 'category' || c.properties?.level === 'subcategory'
          ? dotlessIcd10Code(c.code)
          : undefined;
      if (key !== undefined) list.set(key, c);
    }
    const reader = (input: string | SourceTable | undefined, file: string) =>
      input === undefined ? undefined : new AppendixReader(tableOf(input, file), file, list, issues);

    const a2 = reader(sources.notMainDiagnosis, files.notMainDiagnosis);
    const notMainDiagnosis = a2
      ? readNotMainDiagnosis(a2)
      : { appendix: 'A2', title: ICD10_APPENDIX_TITLES.A2, codes: [] };
    const a1 = reader(sources.daggerAsteriskPairs, files.daggerAsteriskPairs);
    const daggerAsterisk = a1
      ? readDaggerAsteriskPairs(a1, new Set(notMainDiagnosis.codes))
      : { appendix: 'A1', title: ICD10_APPENDIX_TITLES.A1, pairs: [] };
    const a3a4 = reader(sources.ageSexRestrictions, files.ageSexRestrictions);
    const { age, sex } = a3a4 ? readAgeSexRestrictions(a3a4) : { age: [], sex: [] };

    const order = Object.values(files);
    issues.sort((a, b) => order.indexOf(a.file) - order.indexOf(b.file) || a.row - b.row);
    return {
      release: { system, concepts },
      rules: {
        format: ICD10_RULES_FORMAT,
        version: system.version,
        notMainDiagnosis,
        daggerAsterisk,
        age,
        sex,
      },
      report: {
        file: files.list,
        system: system.id,
        rows,
        concepts: concepts.length,
        ...(options.expectRows === undefined ? {} : { expectedRows: options.expectRows }),
        issues,
        ...summarizeIssues(issues),
      },
    };
  });
}
