/** The requests the hub benchmarks send (SYNTHETIC data), each as autocannon makes it. */
import { randomBytes } from 'node:crypto';
import type { Req } from './runner.ts';
import {
  historicClinicalTime,
  PATIENT_SYSTEM,
  patientValue,
  prng,
  recentClinicalTime,
  syntheticReport,
} from './synthetic.ts';

const patientQuery = (value: string, apiKey: string): Req => ({
  method: 'GET',
  path: `/v1/lab-reports?patient=${encodeURIComponent(`${PATIENT_SYSTEM}|${value}`)}&limit=50`,
  headers: { authorization: `Bearer ${apiKey}` },
});

/**
 * The requests of one benchmark process, over the `patients()` seeded patients (a
 * function: a grown file has more). Publishes share one counter and one tag, so every
 * Idempotency-Key is new however many hubs the process measures.
 *
 * - `query`: a random seeded patient's 50 newest reports;
 * - `publish`: a new report of a random seeded patient, with its own Idempotency-Key, of a sample
 *   taken in the last two days (a lab publishes the day's results: its clinical time lands after
 *   the stored ones in the facility's index by time);
 * - `visit`: the same, four reports in a row for each random patient, as a lab sends the panels
 *   of one visit together (what patient-ordered storage meets in practice);
 * - `backfill`: the same as `publish` with a clinical time anywhere in the seeded 700 days (a
 *   facility sending its history: each lands on a random page of that index too). The benchmark's
 *   publishes had this shape until 2026-12-05;
 * - `nobody`: the same query naming a patient with no reports (past the seeded numbers, which
 *   publishes never name): what a query costs before any report is read;
 * - `catalogue`: the list of catalogue releases, authenticated (no patient, no audit entry);
 * - `health`: `GET /health`, no key (the HTTP server, routing and the access log alone).
 */
export function hubRequests(patients: () => number) {
  const tag = randomBytes(3).toString('hex');
  let published = 0;
  const queryRnd = prng(11);
  const publishRnd = prng(13);
  const nobodyRnd = prng(17);
  const visitRnd = prng(19);
  return {
    health: (_apiKey: string) => (): Req => ({ method: 'GET', path: '/health' }),
    catalogue: (apiKey: string) => (): Req => ({
      method: 'GET',
      path: '/v1/catalogue/releases',
      headers: { authorization: `Bearer ${apiKey}` },
    }),
    query: (apiKey: string) => (): Req =>
      patientQuery(patientValue(Math.floor(queryRnd() * patients())), apiKey),
    nobody: (apiKey: string) => (): Req =>
      patientQuery(patientValue(patients() + Math.floor(nobodyRnd() * 1_000_000)), apiKey),
    publish: (apiKey: string) => (): Req =>
      publishRequest(apiKey, Math.floor(publishRnd() * patients()), recentClinicalTime),
    backfill: (apiKey: string) => (): Req =>
      publishRequest(apiKey, Math.floor(publishRnd() * patients()), historicClinicalTime),
    visit: (apiKey: string) => {
      let patient = 0;
      let left = 0;
      return (): Req => {
        if (left-- === 0) [patient, left] = [Math.floor(visitRnd() * patients()), VISIT_REPORTS - 1];
        return publishRequest(apiKey, patient, recentClinicalTime);
      };
    },
  };

  /** A new report of `patient` with its own Idempotency-Key, taken at `clinicalTime()`. */
  function publishRequest(apiKey: string, patient: number, clinicalTime: (rnd: () => number) => Date): Req {
    const n = published++;
    return {
      method: 'POST',
      path: '/v1/lab-reports',
      headers: {
        authorization: `Bearer ${apiKey}`,
        'content-type': 'application/json',
        'idempotency-key': `load-${tag}-${n}`,
      },
      body: JSON.stringify(syntheticReport(n, patient, publishRnd, `LOAD-${tag}-`, clinicalTime(publishRnd))),
    };
  }
}

/** Reports per visit in the `visit` case. */
const VISIT_REPORTS = 4;
