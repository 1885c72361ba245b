import { readFileSync } from 'node:fs';
import { ValidationError } from '@lienthong/core';
import { describe, expect, it } from 'vitest';
import { thrown } from '../../test/thrown.js';
import type { LabReport } from '../model.js';
import { DEFAULT_LAB_SYSTEMS } from '../systems.js';
import { BUILT_IN_RESULT_FORMATS } from './built-in.js';
import type { ResultFormat } from './format.js';
import { createResultFormats } from './registry.js';

/**
 * A vendor's own format, as a vendor would write it: a SYNTHETIC analyser CSV export
 * (`report_id,patient_mrn,code,value,unit`, one row per result).
 */
const HEADER = 'report_id,patient_mrn,code,value,unit';
const MRN = 'urn:lienthong:sid:mrn:SYN01';
const lisCsv: ResultFormat = {
  name: 'lis-csv',
  aliases: ['csv'],
  mediaTypes: ['text/csv'],
  extensions: ['.csv'],
  detect: (text) => (text.startsWith(HEADER) ? 1 : 0),
  decode: (text) => {
    const reports = new Map<string, LabReport>();
    for (const line of text.split(/\r?\n/).slice(1).filter(Boolean)) {
      const [id = '', mrn = '', code = '', value = '', unit = ''] = line.split(',');
      const report = reports.get(id) ?? {
        id,
        patient: { identifiers: [{ system: MRN, value: mrn }] },
        codes: [],
        status: 'final' as const,
        observations: [],
      };
      report.observations.push({
        codes: [{ system: DEFAULT_LAB_SYSTEMS.national, code }],
        status: 'final',
        value: { kind: 'quantity', value: Number(value), unit },
      });
      reports.set(id, report);
    }
    return { value: [...reports.values()], warnings: [] };
  },
  encode: (reports) => ({
    value: [
      HEADER,
      ...reports.flatMap((r) =>
        r.observations.map((o) =>
          [
            r.id,
            r.patient.identifiers[0]?.value,
            o.codes[0]?.code,
            o.value?.kind === 'quantity' ? o.value.value : '',
            o.value?.kind === 'quantity' ? o.value.unit : '',
          ].join(','),
        ),
      ),
    ].join('\n'),
    warnings: [],
  }),
};
const CSV = `${HEADER}\nSYN-R1,SYN1,1071177,5.6,mmol/L\nSYN-R1,SYN1,1071178,4.1,mmol/L\nSYN-R2,SYN1,1071177,6.1,mmol/L\n`;

describe('createResultFormats: a vendor format beside the built-ins', () => {
  const formats = createResultFormats([...BUILT_IN_RESULT_FORMATS, lisCsv]);

  it('lists, detects, decodes and encodes the vendor format by name and alias', () => {
    expect(formats.names).toEqual(['hl7', 'hl7v2', 'xml4', 'fhir', 'cv365', 'json', 'lis-csv', 'csv']);
    expect(formats.detect(CSV)).toBe('lis-csv');
    expect(formats.detect('', { mediaType: 'text/csv' })).toBe('lis-csv');
    const { value: reports, warnings } = formats.decode(new TextEncoder().encode(CSV));
    expect(warnings).toEqual([]);
    expect(reports.map((r) => [r.id, r.observations.length])).toEqual([
      ['SYN-R1', 2],
      ['SYN-R2', 1],
    ]);
    expect(formats.encode(reports, 'csv')).toEqual({ value: CSV.trimEnd(), warnings: [] });
  });

  it('converts a vendor document into the built-in formats and a real HL7 v2 message into it', () => {
    const { value: reports } = formats.decode(CSV, { format: 'lis-csv' });
    const bundle = JSON.parse(formats.encode(reports, 'fhir').value);
    expect(formats.decode(JSON.stringify(bundle)).value.flatMap((r) => r.observations)).toHaveLength(3);
    const oru = readFileSync(
      new URL('../../../../fixtures/real-world/hl7v2/ORU-R01-01.hl7', import.meta.url),
    );
    const { value: csv } = formats.encode(formats.decode(oru).value, 'lis-csv');
    expect(formats.detect(csv)).toBe('lis-csv');
    expect(csv.split('\n')).toHaveLength(1 + 3);
  });

  it('a vendor format that needs the visit key gets the same hint as XML4, and the key fills the gaps', () => {
    const needy = createResultFormats([
      {
        ...lisCsv,
        needs: { encode: ['encounter'] },
        encode: (reports, options) => {
          if (reports.some((r) => !r.encounterId))
            throw new ValidationError({
              code: 'SYN_VISIT_MISSING',
              path: 'visit',
              message: 'No visit',
              messageVi: 'Thiếu lượt khám',
            });
          return lisCsv.encode!(reports, options);
        },
      },
    ]);
    const { value: reports } = needy.decode(CSV);
    const error = thrown(() => needy.encode(reports, 'csv'));
    expect(error).toMatchObject({ code: 'SYN_VISIT_MISSING', path: 'visit' });
    expect(error.message).toBe(
      'No visit. The document carries no visit key (MA_LK): give it with options.encounter',
    );
    expect(needy.encode(reports, 'csv', { encounter: 'SYN-LK-1' }).value).toBe(CSV.trimEnd());
  });

  it('keeps the built-in registry as it was: a vendor format is in the registry made with it only', () => {
    const builtIn = createResultFormats(BUILT_IN_RESULT_FORMATS);
    expect(thrown(() => builtIn.get('lis-csv')).code).toBe('RESULT_FORMAT_UNKNOWN');
    // Header-only CSV is no built-in format.
    expect(thrown(() => builtIn.detect(HEADER)).code).toBe('RESULT_FORMAT_UNDETECTED');
  });

  it('replaces a built-in when the built-in is left out; two formats of one name are refused', () => {
    const own = { ...lisCsv, name: 'xml4', aliases: [] };
    const replaced = createResultFormats([...BUILT_IN_RESULT_FORMATS.filter((f) => f.name !== 'xml4'), own]);
    expect(replaced.get('xml4')).toBe(own);
    const duplicate = thrown(() => createResultFormats([...BUILT_IN_RESULT_FORMATS, own]));
    expect(duplicate).toMatchObject({ code: 'RESULT_FORMAT_DUPLICATE', path: 'formats[5]' });
    expect(duplicate.messageVi).toContain('"xml4"');
    const alias = thrown(() =>
      createResultFormats([...BUILT_IN_RESULT_FORMATS, { ...lisCsv, aliases: ['hl7v2'] }]),
    );
    expect(alias.code).toBe('RESULT_FORMAT_DUPLICATE');
  });

  it('a format that reads only, or writes only, says so with a typed error', () => {
    const { encode: _e, ...readOnly } = lisCsv;
    const { decode: _d, ...writeOnly } = { ...lisCsv, name: 'csv-out', aliases: [] };
    const partial = createResultFormats([readOnly, writeOnly]);
    expect(partial.decode(CSV).value).toHaveLength(2);
    expect(thrown(() => partial.encode([], 'lis-csv'))).toMatchObject({
      code: 'RESULT_FORMAT_ENCODE_UNSUPPORTED',
      path: 'format',
    });
    expect(thrown(() => partial.decode(CSV, { format: 'csv-out' })).code).toBe(
      'RESULT_FORMAT_DECODE_UNSUPPORTED',
    );
  });

  it("wraps what a vendor's codec throws outside the error family, naming the format", () => {
    const broken = createResultFormats([
      {
        ...lisCsv,
        detect: (text) => (text === 'boom' ? (null as unknown as { x: number }).x : 1),
        decode: () => JSON.parse('{'),
      },
    ]);
    for (const run of [() => broken.detect('boom'), () => broken.decode(CSV)]) {
      expect(thrown(run)).toMatchObject({ code: 'RESULT_FORMAT_CODEC_FAILED', path: 'lis-csv' });
    }
    const decodedNothing = createResultFormats([{ ...lisCsv, decode: () => undefined as never }]);
    expect(thrown(() => decodedNothing.decode(CSV)).code).toBe('RESULT_FORMAT_CODEC_FAILED');
  });
});
