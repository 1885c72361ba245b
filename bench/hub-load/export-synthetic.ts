/**
 * SYNTHETIC lab reports for the export benchmark: the load benchmark's reports
 * (`synthetic.ts`), each carrying a fixed number of observations, so an export's size is set in
 * observations. The extra results reuse the synthetic test codes (`urn:synthetic:` system, no
 * national code) cyclically; values come from the same seeded PRNG.
 */
import type { LabReport } from '@lienthong/result-exchange';
import { prng, syntheticReport } from './synthetic.ts';

/** The synthetic test codes of every panel, in order (what `syntheticReport` draws from). */
const TESTS = [
  'GLU',
  'URE',
  'CRE',
  'ALT',
  'WBC',
  'RBC',
  'HGB',
  'PLT',
  'HCT',
  'CHOL',
  'TG',
  'HDL',
  'NA',
  'K',
  'CL',
];

/**
 * Synthetic report `n` of `patient` with exactly `observations` results.
 * @example const r = reportWithObservations(0, 0, prng(7), 10); r.observations.length === 10;
 */
export function reportWithObservations(
  n: number,
  patient: number,
  rnd: () => number,
  observations: number,
): LabReport {
  const base = syntheticReport(n, patient, rnd);
  const first = base.observations[0]!;
  const system = first.codes[0]!.system;
  return {
    ...base,
    observations: Array.from({ length: observations }, (_, i) => {
      const code = TESTS[(n + i) % TESTS.length]!;
      return {
        ...first,
        codes: [{ system, code: `T-${code}` }],
        name: `Synthetic ${code}`,
        value: { kind: 'quantity' as const, value: Math.round(rnd() * 10_000) / 100, unit: 'mmol/L' },
      };
    }),
  };
}

/** `count` reports of `observations` results each, round-robin over `patients` patients. */
export function* reportsWithObservations(
  count: number,
  patients: number,
  observations: number,
  seed = 7,
): Generator<LabReport> {
  const rnd = prng(seed);
  for (let n = 0; n < count; n++) yield reportWithObservations(n, n % patients, rnd, observations);
}
