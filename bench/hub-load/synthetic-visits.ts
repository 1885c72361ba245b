/**
 * SYNTHETIC visits for the visit-history load benchmark, coded from the catalogues the repository
 * ships: diagnoses are real ICD-10 codes of the Vietnamese list (QĐ 4469, bundled release
 * `icd10-vn`, subcategories without a dagger/asterisk marker); procedures are real techniques of
 * TT 23/2024 Appendix 01 (bundled release `tt23-pl01`) with their Vietnamese names. The repository
 * ships no medication list, so medication codes and names are made up (`SYN-THUOC-…`). Patients,
 * cards, MA_LK and the facility `SYN01` are made up too (no real person, no real mã cơ sở KCB).
 */
import { loadBundledRelease } from '@lienthong/catalogue/bundled';
import { ICD10_SYSTEM, newVisit, type Visit } from '@lienthong/visits';
import { PATIENT_SYSTEM, patientValue, prng, SYNTHETIC_FACILITY } from './synthetic.ts';

export const CARD_SYSTEM = 'urn:synthetic:insurance-card';

/** The catalogue codes visits are drawn from. */
export interface VisitCodes {
  diagnoses: readonly string[];
  techniques: readonly { code: string; name: string }[];
  techniqueSystem: string;
}

/** Loads the bundled ICD-10 (leaf codes without a marker) and TT 23 PL01 techniques. */
export async function loadVisitCodes(): Promise<VisitCodes> {
  const [icd, tt23] = await Promise.all([loadBundledRelease('icd10-vn'), loadBundledRelease('tt23-pl01')]);
  return {
    diagnoses: icd.concepts
      .filter((c) => c.properties?.level === 'subcategory' && !c.properties.marker && c.status === 'active')
      .map((c) => c.code),
    techniques: tt23.concepts
      .filter((c) => c.status === 'active')
      .map((c) => ({ code: c.code, name: c.display })),
    techniqueSystem: tt23.system.uri,
  };
}

const DAY = 24 * 3600 * 1000;
const SPAN_DAYS = 700;
// The visits span the 700 days before the run's day, so a summary (as of now) lists the recent
// medications of about half of them, as it would for a patient followed over two years.
const START = Math.floor(Date.now() / DAY) * DAY - SPAN_DAYS * DAY;
const pick = <T>(list: readonly T[], rnd: () => number): T => list[Math.floor(rnd() * list.length)]!;
/** An instant as Vietnam time with its offset (as the XML 130 codec writes it). */
const vnTime = (ms: number) => new Date(ms + 7 * 3600 * 1000).toISOString().replace(/\.\d{3}Z$/, '+07:00');

/**
 * Synthetic visit number `n` of patient `patient` (MA_LK `idPrefix` + n): 1–3 diagnoses, 2–5
 * medications, 1–3 procedures, one course note; outpatient (one day) or inpatient (1–10 days).
 */
export function syntheticVisit(
  codes: VisitCodes,
  n: number,
  patient: number,
  rnd: () => number,
  idPrefix = 'SYN-LK-',
): Visit {
  const inpatient = rnd() < 0.4;
  // Admitted between 07:00 and 17:00 Vietnam time (UTC+7).
  const admitted = START + Math.floor(rnd() * SPAN_DAYS) * DAY + Math.floor(rnd() * 10) * 3600 * 1000;
  const discharged = admitted + (inpatient ? (1 + Math.floor(rnd() * 10)) * DAY : 3 * 3600 * 1000);
  const at = (f: number) => vnTime(admitted + Math.floor((discharged - admitted) * f));
  const diagnoses = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => ({
    system: ICD10_SYSTEM,
    code: pick(codes.diagnoses, rnd),
  }));
  return newVisit({
    id: `${idPrefix}${n.toString().padStart(8, '0')}`,
    facility: SYNTHETIC_FACILITY.code,
    patient: {
      localId: `SYN-BN-${patient}`,
      sex: patient % 2 ? 'male' : 'female',
      birth: vnTime(Date.UTC(1940 + (patient % 70), patient % 12, 1 + (patient % 28))),
      identifiers: [
        { system: PATIENT_SYSTEM, value: patientValue(patient) },
        { system: CARD_SYSTEM, value: `SYN-BHYT-${patientValue(patient)}` },
      ],
    },
    visitType: inpatient ? '03' : '01',
    admittedAt: vnTime(admitted),
    ...(inpatient ? { inpatientAt: vnTime(admitted + 3600 * 1000) } : {}),
    dischargedAt: vnTime(discharged),
    department: 'SYN-K01',
    reason: 'Lý do vào viện (SYNTHETIC)',
    mainDiagnosis: diagnoses[0],
    secondaryDiagnoses: diagnoses.slice(1),
    outcome: '1',
    medications: Array.from({ length: 2 + Math.floor(rnd() * 4) }, (_, i) => {
      const drug = Math.floor(rnd() * 500);
      return {
        code: `SYN-THUOC-${drug}`,
        name: `Thuốc tổng hợp ${drug} (SYNTHETIC)`,
        unit: 'viên',
        dose: `${1 + (drug % 3)} viên x ${1 + (i % 3)} lần/ngày`,
        quantity: String(2 + (drug % 20)),
        orderedAt: at(0.1 * i),
        administeredAt: at(0.1 * i + 0.05),
        source: {},
      };
    }),
    services: Array.from({ length: 1 + Math.floor(rnd() * 3) }, (_, i) => {
      const technique = pick(codes.techniques, rnd);
      return {
        name: technique.name,
        procedures: [{ system: codes.techniqueSystem, code: technique.code }],
        quantity: '1',
        orderedAt: at(0.2 * i),
        performedAt: at(0.2 * i + 0.1),
        diagnoses: [diagnoses[0]!],
        source: {},
      };
    }),
    notes: [{ text: 'Diễn biến lâm sàng ổn định (SYNTHETIC)', at: at(0.5), source: {} }],
  });
}

/** `count` synthetic visits, `perPatient` for each patient (patient = n / perPatient). */
export function* syntheticVisits(
  codes: VisitCodes,
  count: number,
  perPatient: number,
  seed = 7,
): Generator<Visit> {
  const rnd = prng(seed);
  for (let n = 0; n < count; n++) yield syntheticVisit(codes, n, Math.floor(n / perPatient), rnd);
}
