// The ICD-10 tables of QĐ 4469/QĐ-BYT read in place from the repository's data/icd10, so tests take
// codes and names from the source rather than from memory.
import { parseCsv } from '../src/csv.js';
import { ICD10_FILES, type Icd10Sources } from '../src/import/icd10.js';
import { REPO_ROOT, readText } from './data.js';

export const ICD10_DIR = new URL('data/icd10/', REPO_ROOT);

/** The text of each table, by its role. */
export function icd10Sources(): Record<keyof Icd10Sources, string> {
  const read = (file: string) => readText(new URL(file, ICD10_DIR));
  return {
    list: read(ICD10_FILES.list),
    notMainDiagnosis: read(ICD10_FILES.notMainDiagnosis),
    daggerAsteriskPairs: read(ICD10_FILES.daggerAsteriskPairs),
    ageSexRestrictions: read(ICD10_FILES.ageSexRestrictions),
  };
}

/** The columns of each table (data/icd10/SOURCES.md). */
interface Icd10Columns {
  list:
    | 'chapter_no'
    | 'chapter_code'
    | 'main_group_code'
    | 'sub_group_1_code'
    | 'sub_group_2_code'
    | 'category_code'
    | 'disease_code'
    | 'disease_code_no_dot'
    | 'disease_name_vi'
    | 'disease_name_en';
  notMainDiagnosis: 'code' | 'asterisk_mark' | 'disease_name_vi';
  daggerAsteriskPairs: 'dagger_code' | 'asterisk_code' | 'pdx_code';
  ageSexRestrictions: 'appendix' | 'appendix_title' | 'source_sheet' | 'source_row' | 'code';
}

/** The rows of a table as records keyed by header (data row n is `rows[n - 1]`). */
export function icd10Rows<R extends keyof Icd10Columns>(role: R): Record<Icd10Columns[R], string>[] {
  const [head, ...records] = parseCsv(readText(new URL(ICD10_FILES[role], ICD10_DIR))).records;
  return records.map(
    (r) =>
      Object.fromEntries(head!.fields.map((h, i) => [h, r.fields[i] ?? ''])) as Record<
        Icd10Columns[R],
        string
      >,
  );
}
