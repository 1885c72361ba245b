import { loadIcd10 } from '@lienthong/catalogue/icd10';
import { visitHistoryFixtures } from '@lienthong/conformance';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VisitSchema } from '../src/model.js';
import {
  type DisclosurePolicy,
  discloseVisits,
  isSummaryParts,
  summarizeVisits,
  summaryJson,
  summaryParts,
  summaryView,
} from '../src/provider-kit/index.js';
import { decodeXml130 } from '../src/xml130/index.js';
import { syntheticFileSet } from './fixtures/synthetic-file-set.js';
import { visitsArb } from './fixtures/visit-arbitraries.js';

// SYNTHETIC visits: the decoded synthetic XML 130 file set with random values, and the
// conformance fixtures of one patient (an old visit, an open inpatient stay, a recent one).
const { query } = visitHistoryFixtures('SYN-view');
const visitsOf = (rows: Parameters<typeof syntheticFileSet>[0]) => [
  ...decodeXml130(syntheticFileSet(rows), { lenient: true }).value.visits,
  query.old,
  query.inpatient,
  query.recent,
];
const icd10 = await loadIcd10();

const ruleArb = fc.record({
  name: fc.constant('rule'),
  diagnoses: fc.array(fc.constantFrom('A00-M99', 'J18', 'I10', 'B20-B24', 'N00-Z99', 'K35.8'), {
    minLength: 1,
    maxLength: 2,
  }),
  allowPurposes: fc.subarray(['ETREAT', 'TREAT']),
  scope: fc.constantFrom('diagnoses', 'visit', undefined),
});
const policyArb = fc
  .array(ruleArb, { maxLength: 2 })
  .map(
    (rules): DisclosurePolicy => ({ rules: rules.map(({ scope, ...r }) => (scope ? { ...r, scope } : r)) }),
  );

const readerArb = fc.record({
  facility: fc.constantFrom('01001', 'SYN99'),
  purpose: fc.constantFrom('TREAT', 'ETREAT'),
});
const asOfArb = fc.constantFrom('2025-02-01T00:00:00+07:00', '2026-06-20T12:00:00Z', '2030-01-01T00:00:00Z');

describe('summaryParts and summaryJson', () => {
  it('give, under any disclosure policy, reader and date, the summary of the visits as discloseVisits discloses them', () => {
    fc.assert(
      fc.property(visitsArb, policyArb, readerArb, asOfArb, (rows, policy, reader, asOf) => {
        const visits = visitsOf(rows);
        // Stored as text and read back, as a store keeps them.
        const parts = visits.map((v) => JSON.parse(JSON.stringify(summaryParts(v))));
        expect(parts.every(isSummaryParts)).toBe(true);
        const disclosed = discloseVisits(visits, policy, reader);
        const options = { patient: query.patient, icd10, asOf, labResults: 1 };
        const made = summaryJson(parts, { ...options, disclosure: { policy, reader } });
        expect(made.withheld).toBe(disclosed.withheld);
        expect(JSON.parse(made.pieces.join(''))).toEqual(
          summarizeVisits(disclosed.visits, { ...options, withheld: disclosed.withheld }),
        );
      }),
      { numRuns: 120 },
    );
  });

  it('tell parts from visits', () => {
    expect(isSummaryParts(query.recent)).toBe(false);
    expect(isSummaryParts(null)).toBe(false);
    expect(isSummaryParts(summaryParts(query.recent))).toBe(true);
  });
});

describe('summaryView', () => {
  it('gives the summary the visit gives, under any disclosure policy, reader and date', () => {
    fc.assert(
      fc.property(visitsArb, policyArb, readerArb, asOfArb, (rows, policy, reader, asOf) => {
        const visits = visitsOf(rows);
        const views = visits.map(summaryView);
        for (const view of views) expect(VisitSchema.safeParse(view).success).toBe(true);
        const full = discloseVisits(visits, policy, reader);
        const viewed = discloseVisits(views, policy, reader);
        expect(viewed.withheld).toBe(full.withheld);
        const options = { patient: query.patient, icd10, asOf, withheld: full.withheld };
        expect(summarizeVisits(viewed.visits, options)).toEqual(summarizeVisits(full.visits, options));
      }),
      { numRuns: 80 },
    );
  });

  it('leaves out what a summary never shows: notes, source rows, verbatim tables, quantities', () => {
    const [visit] = decodeXml130(syntheticFileSet()).value.visits;
    const view = summaryView(visit!);
    expect(visit!.notes.length + visit!.otherTables.length + visit!.labRows.length).toBeGreaterThan(0);
    expect(view).toMatchObject({ notes: [], otherTables: [], labRows: [], source: {}, followUpDates: [] });
    expect(
      view.medications.every((m) => m.quantity === undefined && Object.keys(m.source).length === 0),
    ).toBe(true);
    expect(view.patient).not.toHaveProperty('localId');
    expect(view.labReports).toEqual(visit!.labReports);
    expect(JSON.stringify(view).length).toBeLessThan(JSON.stringify(visit).length / 2);
  });
});
