/**
 * SYNTHETIC lab reports for the hub load benchmark. Every identifier, code and value here is made
 * up: patients, tests and panels live in `urn:synthetic:` code systems (no national code, no real
 * person), and the facility code `SYN01` is not a real mã cơ sở KCB.
 */
import type { LabReport } from '@lienthong/result-exchange';
import type { Kysely } from 'kysely';
import type { HubDatabase } from '../../packages/hub/src/index.ts';

export const SYNTHETIC_FACILITY = { code: 'SYN01', name: 'Synthetic Laboratory (benchmark)' };
export const PATIENT_SYSTEM = 'urn:synthetic:patient-id';
const PANEL_SYSTEM = 'urn:synthetic:lab-panel';
const TEST_SYSTEM = 'urn:synthetic:lab-test';

const PANELS = [
  { code: 'P-CHEM', name: 'Synthetic chemistry panel', tests: ['T-GLU', 'T-URE', 'T-CRE', 'T-ALT'] },
  { code: 'P-CBC', name: 'Synthetic blood count', tests: ['T-WBC', 'T-RBC', 'T-HGB', 'T-PLT', 'T-HCT'] },
  { code: 'P-LIPID', name: 'Synthetic lipid panel', tests: ['T-CHOL', 'T-TG', 'T-HDL'] },
  { code: 'P-ELEC', name: 'Synthetic electrolytes', tests: ['T-NA', 'T-K', 'T-CL'] },
] as const;

/** A small deterministic PRNG (mulberry32), so a run is reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const patientValue = (n: number) => `SP${n.toString().padStart(7, '0')}`;

const START = Date.UTC(2025, 0, 1);
const SPAN = 700 * 24 * 3600 * 1000;
const HOUR = 3_600_000;

/** A clinical time in the seeded history: anywhere in the 700 days from 2025-01-01. */
export const historicClinicalTime = (rnd: () => number) => new Date(START + Math.floor(rnd() * SPAN));

/**
 * A clinical time of a live publish: a sample taken 1 to 48 hours ago, as a lab reports the day's
 * results (its report, issued an hour later, is never in the future).
 */
export const recentClinicalTime = (rnd: () => number) =>
  new Date(Date.now() - HOUR - Math.floor(rnd() * 47 * HOUR));

/**
 * Synthetic report number `n` of patient `patient` (id `idPrefix` + n), taken at `at` (default:
 * somewhere in the seeded history).
 */
export function syntheticReport(
  n: number,
  patient: number,
  rnd: () => number,
  idPrefix = 'SYN-',
  at = historicClinicalTime(rnd),
): LabReport {
  const panel = PANELS[n % PANELS.length]!;
  const issued = new Date(at.getTime() + HOUR);
  return {
    id: `${idPrefix}${n.toString().padStart(8, '0')}`,
    patient: { identifiers: [{ system: PATIENT_SYSTEM, value: patientValue(patient) }] },
    orderId: `ORD-${n}`,
    codes: [{ system: PANEL_SYSTEM, code: panel.code, display: panel.name }],
    name: panel.name,
    status: 'final',
    performingFacility: SYNTHETIC_FACILITY,
    effectiveAt: at.toISOString().replace(/\.\d{3}Z$/, '+07:00'),
    issuedAt: issued.toISOString().replace(/\.\d{3}Z$/, '+07:00'),
    observations: panel.tests.map((code) => ({
      codes: [{ system: TEST_SYSTEM, code }],
      name: `Synthetic ${code.slice(2)}`,
      status: 'final' as const,
      value: { kind: 'quantity' as const, value: Math.round(rnd() * 10_000) / 100, unit: 'mmol/L' },
      referenceRange: [{ low: 10, high: 90, unit: 'mmol/L' }],
    })),
  };
}

/** `count` synthetic reports spread round-robin over `patients` patients (count/patients each). */
export function* syntheticReports(count: number, patients: number, seed = 7): Generator<LabReport> {
  const rnd = prng(seed);
  for (let n = 0; n < count; n++) yield syntheticReport(n, n % patients, rnd);
}

type HubModule = typeof import('../../packages/hub/src/index.ts');

/**
 * A new API key of the synthetic facility, registering the facility first when the file has none
 * (a fresh seed, or its copy, holds reports but no facility).
 */
export async function syntheticFacilityKey(
  hub: Pick<HubModule, 'addCredential' | 'addFacility'>,
  db: Kysely<HubDatabase>,
): Promise<string> {
  const known = await db
    .selectFrom('facilities')
    .select('code')
    .where('code', '=', SYNTHETIC_FACILITY.code)
    .executeTakeFirst();
  const credential = known
    ? await hub.addCredential(db, SYNTHETIC_FACILITY.code)
    : (await hub.addFacility(db, SYNTHETIC_FACILITY)).credential;
  return credential.apiKey;
}
