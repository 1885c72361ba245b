import { describe, expect, it } from 'vitest';
import type { LabReport } from '../model.js';
import { matchesQuery, statusesOf } from './query.js';

// SYNTHETIC: a made-up report under urn:synthetic: systems.
const report = (status: LabReport['status']): LabReport => ({
  id: 'SYN-R1',
  patient: { identifiers: [{ system: 'urn:synthetic:patient-id', value: 'P1' }] },
  codes: [],
  status,
  observations: [],
});

describe('statusesOf', () => {
  it('answers one status or several as a list, and nothing for any status', () => {
    expect(statusesOf({ status: 'final' })).toEqual(['final']);
    expect(statusesOf({ status: ['final', 'amended'] })).toEqual(['final', 'amended']);
    expect(statusesOf({})).toBeUndefined();
  });

  it('gives a copy: the query’s own list is never the one a provider changes', () => {
    const asked = ['final', 'corrected'] as const;
    const list = statusesOf({ status: asked });
    expect(list).not.toBe(asked);
    list!.push('amended');
    expect(asked).toEqual(['final', 'corrected']);
  });
});

describe('matchesQuery by status', () => {
  it('keeps the reports whose status is asked for, one or several', () => {
    expect(matchesQuery(report('final'), { status: 'final' })).toBe(true);
    expect(matchesQuery(report('amended'), { status: 'final' })).toBe(false);
    expect(matchesQuery(report('amended'), { status: ['final', 'amended'] })).toBe(true);
    expect(matchesQuery(report('registered'), {})).toBe(true);
  });
});
