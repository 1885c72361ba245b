import { loadIcd10 } from '@lienthong/catalogue/icd10';
import { newVisit, type Visit } from '@lienthong/visits';
import { summaryParts } from '@lienthong/visits/provider-kit';
import { afterAll, describe, expect, it } from 'vitest';
import { createSummaryPool } from './summary-pool.js';
import { type SummaryInput, summaryBytes } from './summary-task.js';

const CCCD = 'http://fhir.ehealth.gov.vn/core/sid/national_id';
const ICD10 = 'http://hl7.org/fhir/sid/icd-10';
/** Real ICD-10 ranges (HIV disease), withheld from other facilities unless the purpose is ETREAT. */
const POLICY = { rules: [{ name: 'hiv', diagnoses: ['B20-B24', 'Z21'], allowPurposes: ['ETREAT'] }] };

/** A SYNTHETIC patient's visits at two facilities, one with a withheld diagnosis. */
function visitsOf(cccd: string): Visit[] {
  const patient = { name: 'Bệnh nhân tổng hợp', identifiers: [{ system: CCCD, value: cccd }] };
  return [
    newVisit({
      id: `LK-${cccd}-1`,
      facility: '01001',
      patient,
      visitType: '03',
      admittedAt: '2026-03-01T08:00:00+07:00',
      dischargedAt: '2026-03-05T10:00:00+07:00',
      mainDiagnosis: { system: ICD10, code: 'J18.9' },
      secondaryDiagnoses: [{ system: ICD10, code: 'B20' }],
      medications: [
        {
          code: 'SYN-THUOC-1',
          name: 'Thuốc tổng hợp 1 (SYNTHETIC)',
          orderedAt: '2026-03-02T09:00:00+07:00',
          source: {},
        },
      ],
    }),
    newVisit({
      id: `LK-${cccd}-2`,
      facility: '79001',
      patient,
      visitType: '01',
      admittedAt: '2026-04-10T08:00:00+07:00',
      mainDiagnosis: { system: ICD10, code: 'I10' },
    }),
  ];
}

const inputOf = (cccd: string, purpose = 'TREAT'): SummaryInput => ({
  // Parts, and a whole visit (as rows stored before the hub kept parts give).
  documents: visitsOf(cccd).map((v, i) => JSON.stringify(i ? v : summaryParts(v))),
  policy: POLICY,
  reader: { facility: '79001', purpose },
  patient: { system: CCCD, value: cccd },
  imaging: [],
  asOf: '2026-04-20T00:00:00+07:00',
});

describe('createSummaryPool (worker threads)', () => {
  const pool = createSummaryPool({ workers: 2 });
  afterAll(() => pool.close());

  it('answers the bytes the event loop would make, withheld diagnoses counted', async () => {
    const icd10 = await loadIcd10();
    for (const purpose of ['TREAT', 'ETREAT']) {
      const input = inputOf('001203012345', purpose);
      const inWorker = await pool.summarize(input);
      const here = summaryBytes(input, icd10);
      expect(Buffer.from(inWorker.bytes).equals(Buffer.from(here.bytes))).toBe(true);
      expect(inWorker.withheld).toBe(purpose === 'TREAT' ? 1 : 0);
      const summary = JSON.parse(Buffer.from(inWorker.bytes).toString('utf8'));
      expect(summary.problems.map((p: { code: { code: string } }) => p.code.code).sort()).toEqual(
        purpose === 'TREAT' ? ['I10', 'J18.9'] : ['B20', 'I10', 'J18.9'],
      );
    }
  });

  it('gives each of many concurrent summaries its own answer', async () => {
    const values = Array.from({ length: 24 }, (_, i) => `0012030${String(10000 + i)}`);
    const answers = await Promise.all(values.map((v) => pool.summarize(inputOf(v))));
    answers.forEach((answer, i) => {
      const summary = JSON.parse(Buffer.from(answer.bytes).toString('utf8'));
      expect(summary.patient.identifiers).toEqual([{ system: CCCD, value: values[i] }]);
    });
  });

  it('writes a next summary into the memory an answer gave back, its bytes exactly that summary’s', async () => {
    const icd10 = await loadIcd10();
    const single = createSummaryPool({ workers: 1 });
    try {
      // A long summary (ten patients' visits under one identifier), then a short one into its memory.
      const long = {
        ...inputOf('001203012345'),
        documents: Array.from({ length: 10 }, (_, i) => inputOf(`0012030${20000 + i}`).documents).flat(),
      };
      const first = await single.summarize(long);
      const memory = first.bytes.buffer;
      first.reuse?.();
      const short = inputOf('001203012346');
      const second = await single.summarize(short);
      expect(memory.byteLength).toBe(0); // moved to the worker, then back with the answer
      expect(second.bytes.buffer.byteLength).toBeGreaterThan(first.bytes.byteLength);
      expect(Buffer.from(second.bytes).equals(Buffer.from(summaryBytes(short, icd10).bytes))).toBe(true);
      // Given back twice, kept once: two summaries at once both answer (a buffer moved twice would fail one).
      second.reuse?.();
      second.reuse?.();
      const [third, fourth] = await Promise.all([single.summarize(long), single.summarize(short)]);
      // The short answer's memory was too small for the long summary: a new buffer, still exact.
      expect(Buffer.from(third.bytes).equals(Buffer.from(summaryBytes(long, icd10).bytes))).toBe(true);
      expect(Buffer.from(fourth.bytes).equals(Buffer.from(summaryBytes(short, icd10).bytes))).toBe(true);
    } finally {
      await single.close();
    }
  });

  it('fails an unreadable stored visit with HUB_SUMMARY_FAILED, quoting nothing of it, and goes on', async () => {
    for (const damaged of [
      '{"id":"LK-1","patient":{"name":"Nguyễn Văn A"',
      '{"summaryParts":1,"key":"79001:LK-1","patient":{"name":"Nguyễn Văn A"',
    ]) {
      const input = { ...inputOf('001203012345'), documents: [damaged] };
      const error = await pool.summarize(input).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'HUB_SUMMARY_FAILED', details: { status: 500 } });
      expect(JSON.stringify(error)).not.toContain('Nguyễn');
    }
    expect((await pool.summarize(inputOf('001203012345'))).withheld).toBe(1);
  });

  it('fails summaries after close with HUB_STOPPING (503)', async () => {
    const closing = createSummaryPool({ workers: 1 });
    const running = closing.summarize(inputOf('001203012345'));
    await closing.close();
    await expect(running).rejects.toMatchObject({ code: 'HUB_STOPPING', details: { status: 503 } });
    await expect(closing.summarize(inputOf('001203012345'))).rejects.toMatchObject({ code: 'HUB_STOPPING' });
  });

  it('refuses a worker count that is not a positive whole number', () => {
    for (const workers of [0, -1, 1.5, Number.NaN])
      expect(() => createSummaryPool({ workers })).toThrow(RangeError);
  });
});
