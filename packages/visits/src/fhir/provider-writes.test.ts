import type { Bundle, BundleEntry, Encounter, Reference, Resource, Transport } from '@lienthong/core';
import { describe, expect, it } from 'vitest';
import { fhirHistoryServer, syntheticXmlVisit } from '../../test/fhir-history-server.js';
import type { Visit } from '../model.js';
import { visitKey } from '../provider-kit/publish.js';
import { createFhirVisitHistory } from './provider.js';

/** The resources of a visit version that point at its Encounter, and through which element. */
const PARTS = {
  Condition: 'encounter',
  Procedure: 'encounter',
  ChargeItem: 'context',
  MedicationStatement: 'context',
  ClinicalImpression: 'encounter',
  DiagnosticReport: 'encounter',
} as const;

/** Resources of a visit nothing leads to: parts of no Encounter, lab results of no report. */
async function orphans(fhir: ReturnType<typeof fhirHistoryServer>): Promise<string[]> {
  const encounters = new Set((await fhir.all<Encounter>('Encounter')).map((e) => `Encounter/${e.id}`));
  const found: string[] = [];
  const reached = new Set<string>();
  for (const [type, element] of Object.entries(PARTS))
    for (const r of await fhir.all<Resource>(type as 'Condition')) {
      const at = (r as unknown as Record<string, Reference | undefined>)[element]?.reference;
      if (!at || !encounters.has(at)) found.push(`${type}/${r.id}`);
      if (r.resourceType === 'DiagnosticReport')
        for (const ref of [...(r.result ?? []), ...(r.specimen ?? [])]) reached.add(ref.reference!);
    }
  for (const type of ['Observation', 'Specimen'] as const)
    for (const r of await fhir.all<Resource>(type))
      if (!reached.has(`${type}/${r.id}`)) found.push(`${type}/${r.id}`);
  return found;
}

/** How many resources of a visit's types the server holds (to see that a refused write left none). */
async function counts(fhir: ReturnType<typeof fhirHistoryServer>): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const type of ['Encounter', ...Object.keys(PARTS), 'Observation', 'Specimen'])
    out[type] = (await fhir.all<Resource>(type as 'Encounter')).length;
  return out;
}

describe('fhir visit history: two publishes of one visit race', () => {
  // A server of its own: every resource on it belongs to these tests.
  const fhir = fhirHistoryServer();

  /** Holds each provider's write until all `n` have read the server: each sees the same current version. */
  function barrier(n: number) {
    const waiting: (() => void)[] = [];
    return () =>
      new Promise<void>((resolve) => {
        waiting.push(resolve);
        if (waiting.length === n) for (const go of waiting) go();
      });
  }
  /** A provider whose first transaction waits at `gate`. */
  function racer(gate: () => Promise<void>) {
    const base = fhir.transport();
    let first = true;
    const transport: Transport = {
      ...base,
      async post(path, options) {
        if (path === '' && first) {
          first = false;
          await gate();
        }
        return base.post(path, options);
      },
    };
    return createFhirVisitHistory({ transport });
  }
  const visit = { ...syntheticXmlVisit(), id: 'SYN-RACE-1' };

  it('the same visit twice at once: one creates it, the other finds it unchanged, nothing is left behind', async () => {
    const gate = barrier(2);
    const receipts = await Promise.all([racer(gate).publish(visit), racer(gate).publish(visit)]);
    expect(receipts.map((r) => `${r.outcome} ${r.version}`).sort()).toEqual(['created 1', 'unchanged 1']);
    expect(await fhir.all('Encounter')).toHaveLength(1);
    expect(await fhir.history().history(visitKey(visit))).toEqual([visit]);
    expect(await orphans(fhir)).toEqual([]);
  });

  it('two corrections at once: each becomes its own version, read back exactly, nothing is left behind', async () => {
    const gate = barrier(2);
    // Each has a row the other lacks: whichever loses, its Bundle created a resource the winner's
    // version does not have (its parts' creates are conditional on the version's identifiers).
    const extra = { ...visit.medications[0]!, name: 'Paracetamol (synthetic)' };
    const a: Visit = { ...visit, medications: [...visit.medications, extra], notes: [] };
    const b: Visit = { ...visit, dischargeDiagnosis: 'Sửa lần B (synthetic)' };
    const receipts = await Promise.all([racer(gate).publish(a), racer(gate).publish(b)]);
    expect(receipts.map((r) => `${r.outcome} ${r.version}`).sort()).toEqual(['updated 2', 'updated 3']);
    const history = await fhir.history().history(visitKey(visit));
    const second = receipts.find((r) => r.version === 2) === receipts[0] ? a : b;
    expect(history).toEqual([visit, second, second === a ? b : a]);
    expect(await fhir.all('Encounter')).toHaveLength(3);
    expect(await orphans(fhir)).toEqual([]);
  });
});

describe('fhir visit history: a Bundle the server refuses in part', () => {
  // A server of its own: every resource on it belongs to these tests.
  const fhir = fhirHistoryServer();

  /**
   * A provider whose transaction carries one MedicationStatement the server refuses (400: a
   * Patient sent to `POST MedicationStatement`); the server runs the Bundle as a batch, so the rest
   * goes through.
   */
  function refusing() {
    const base = fhir.transport();
    const transport: Transport = {
      ...base,
      post(path, options) {
        const bundle = options?.json as Bundle | undefined;
        if (path !== '' || bundle?.type !== 'transaction') return base.post(path, options);
        const entry: BundleEntry[] = [...bundle.entry!];
        const i = entry.findIndex((e) => e.resource?.resourceType === 'MedicationStatement');
        entry[i] = { ...entry[i], resource: { ...entry[i]!.resource!, resourceType: 'Patient' } as Resource };
        return base.post(path, { ...options, json: { ...bundle, entry } });
      },
    };
    return createFhirVisitHistory({ transport });
  }

  it('a first publish: refused, and nothing of the visit stays', async () => {
    const visit = { ...syntheticXmlVisit(), id: 'SYN-REFUSED-1' };
    const before = await counts(fhir);
    await expect(refusing().publish(visit)).rejects.toMatchObject({ code: 'FHIR_TRANSACTION_FAILED' });
    expect(await counts(fhir)).toEqual(before);
    expect(await fhir.history().get(visitKey(visit))).toBeUndefined();
  });

  it('a correction: version 1 stays current and alone; the next correction is version 2', async () => {
    const visit = { ...syntheticXmlVisit(), id: 'SYN-REFUSED-2' };
    const history = fhir.history();
    await history.publish(visit);
    const before = await counts(fhir);
    const corrected = { ...visit, dischargeDiagnosis: 'Sửa (synthetic)' };
    await expect(refusing().publish(corrected)).rejects.toMatchObject({ code: 'FHIR_TRANSACTION_FAILED' });
    expect(await counts(fhir)).toEqual(before);
    expect(await history.history(visitKey(visit))).toEqual([visit]);
    expect(await history.publish(corrected)).toMatchObject({ outcome: 'updated', version: 2 });
    expect(await history.history(visitKey(visit))).toEqual([visit, corrected]);
    expect(await orphans(fhir)).toEqual([]);
  });
});
