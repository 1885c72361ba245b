import { describe, expect, it } from 'vitest';
import { syntheticXmlVisit } from '../../test/fhir-history-server.js';
import { decodeFhirVisitBundle } from './decode.js';
import { encodeFhirVisitBundle } from './encode.js';
import { applyVisitOverlay, visitOverlay } from './model-overlay.js';

const throughMapping = (v: ReturnType<typeof syntheticXmlVisit>) =>
  decodeFhirVisitBundle(encodeFhirVisitBundle([v], { type: 'collection' }).value).value.visits[0]!;

describe('what the FHIR mapping does not carry of a visit', () => {
  it('is nothing for a visit read from XML 130', () => {
    const visit = syntheticXmlVisit();
    expect(visitOverlay(visit, throughMapping(visit))).toBeUndefined();
  });

  it('puts back the fields of a visit built by hand, set and removed, exactly', () => {
    const visit = {
      ...syntheticXmlVisit(),
      notes: [{ text: 'Ổn định (synthetic)', source: {} }],
      source: {},
    };
    const stored = throughMapping(visit);
    expect(stored).not.toEqual(visit);
    const overlay = visitOverlay(visit, stored)!;
    expect(Object.keys(overlay.set).sort()).toEqual(['notes']);
    expect(applyVisitOverlay(stored, JSON.stringify(overlay))).toEqual(visit);
    // A field the mapping adds is removed.
    expect(
      visitOverlay({ ...visit, dischargeDiagnosis: undefined }, { ...visit, dischargeDiagnosis: 'x' }),
    ).toEqual({ set: {}, unset: ['dischargeDiagnosis'] });
  });

  it('is ignored when it is not JSON or does not give a valid visit', () => {
    const visit = syntheticXmlVisit();
    expect(applyVisitOverlay(visit, '{')).toBe(visit);
    expect(applyVisitOverlay(visit, JSON.stringify({ set: { admittedAt: 42 }, unset: [] }))).toBe(visit);
    expect(applyVisitOverlay(visit, undefined)).toBe(visit);
  });
});
