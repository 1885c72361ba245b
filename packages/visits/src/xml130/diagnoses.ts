import type { CheckDiagnosisOptions, DiagnosisRole, Icd10 } from '@lienthong/catalogue/icd10';
import type { Visit } from '../model.js';
import { type Place, problem, type Xml130Problem } from './problems.js';

/** What the codec needs of ICD-10: `checkDiagnosis` (an `Icd10` from `loadIcd10()`). */
export type Icd10Checker = Pick<Icd10, 'checkDiagnosis'>;

/** At most 12 secondary codes in MA_BENH_KT (QĐ 130, description of the field). */
export const MAX_SECONDARY_DIAGNOSES = 12;

/** Checks MA_BENH_CHINH and MA_BENH_KT of one XML1 row with the Ministry's tables. */
export function checkDiagnoses(icd10: Icd10Checker, visit: Visit, place: Place, out: Xml130Problem[]): void {
  const base: Omit<CheckDiagnosisOptions, 'role'> = {
    ...(visit.patient.sex ? { sex: visit.patient.sex } : {}),
    ...(visit.patient.birth && visit.admittedAt
      ? { birthDate: visit.patient.birth.slice(0, 10), onDate: visit.admittedAt.slice(0, 10) }
      : {}),
  };
  const one = (code: string, role: DiagnosisRole, field: string) => {
    const at = { ...place, table: 'XML1', field };
    let check: ReturnType<Icd10Checker['checkDiagnosis']>;
    try {
      check = icd10.checkDiagnosis(code, { ...base, role });
    } catch {
      // A birth date after the admission: the dates are reported by the field checks.
      check = icd10.checkDiagnosis(code, { role, ...(base.sex ? { sex: base.sex } : {}) });
    }
    for (const reason of check.reasons)
      out.push(
        problem(
          reason.severity,
          reason.code,
          at,
          `${field} ${code}: ${reason.message}`,
          `${field} ${code}: ${reason.messageVi}`,
        ),
      );
  };
  if (visit.mainDiagnosis) one(visit.mainDiagnosis.code, 'main', 'MA_BENH_CHINH');
  for (const d of visit.secondaryDiagnoses) one(d.code, 'secondary', 'MA_BENH_KT');
  if (visit.secondaryDiagnoses.length > MAX_SECONDARY_DIAGNOSES)
    out.push(
      problem(
        'error',
        'XML130_TOO_MANY_SECONDARY_DIAGNOSES',
        { ...place, table: 'XML1', field: 'MA_BENH_KT' },
        `MA_BENH_KT holds ${visit.secondaryDiagnoses.length} codes; at most ${MAX_SECONDARY_DIAGNOSES}`,
        `MA_BENH_KT có ${visit.secondaryDiagnoses.length} mã; tối đa ${MAX_SECONDARY_DIAGNOSES} mã`,
      ),
    );
}
