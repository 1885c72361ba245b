import { describeResultExchangeConformance } from '@lienthong/conformance';
import { DEFAULT_IDENTIFIER_SYSTEMS } from '@lienthong/core';
import { describe, expect, it } from 'vitest';
import { createMemoryResultExchange } from './memory.js';
import type { LabReport } from './model.js';

describeResultExchangeConformance('memory', () => createMemoryResultExchange());

const OLD = 'http://fhir.hl7.org.vn/core/sid/cccd';
const NEW = DEFAULT_IDENTIFIER_SYSTEMS.cccd;
/** A SYNTHETIC report of a made-up patient. */
const report = (id: string, system: string): LabReport => ({
  id,
  patient: { identifiers: [{ system, value: '079085000091' }] },
  codes: [{ system: 'urn:synthetic:service', code: 'SYN-1' }],
  status: 'final',
  effectiveAt: '2026-11-20T08:00:00+07:00',
  observations: [],
});
const ids = async (x: AsyncIterable<LabReport>) => {
  const out: string[] = [];
  for await (const r of x) out.push(r.id);
  return out;
};

describe('memory result exchange and older identifier-system URIs', () => {
  it('finds a report published with the community VN Core URI by the current one, and back', async () => {
    const exchange = createMemoryResultExchange({ seed: [report('SYN-OLD', OLD), report('SYN-NEW', NEW)] });
    expect(await ids(exchange.query({ patient: { system: NEW, value: '079085000091' } }))).toEqual(
      expect.arrayContaining(['SYN-OLD', 'SYN-NEW']),
    );
    expect(await ids(exchange.query({ patient: { system: OLD, value: '079085000091' } }))).toHaveLength(2);
    // Kept as published.
    expect((await exchange.get('SYN-OLD'))?.patient.identifiers[0]?.system).toBe(OLD);
  });

  it('takes the same report again under the current URI as a retry, not a conflicting change', async () => {
    const exchange = createMemoryResultExchange({ seed: [report('SYN-1', OLD)] });
    expect(await exchange.publish(report('SYN-1', NEW))).toMatchObject({ version: 1, outcome: 'unchanged' });
  });
});
