import { readFileSync } from 'node:fs';
import { isLienThongError } from '@lienthong/core';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbReport, clean, stripFlags } from '../../test/arbitraries.js';
import {
  type LabCoding,
  type LabQuantity,
  type LabReport,
  LabReportSchema,
  type LabValue,
} from '../model.js';
import { normaliseUnit } from '../units.js';
import { decodeOru, safeDecodeOru } from './decode-oru.js';
import { encodeOru } from './encode-oru.js';
import { escapeHl7, unescapeHl7 } from './v2.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../../../fixtures/real-world/hl7v2/${name}`, import.meta.url), 'utf8');

describe('decodeOru on the real fixtures', () => {
  it('LAB-ORU-1 (BOM, LF, two OBR groups) decodes with LOINC codes and UCUM units', () => {
    const text = fixture('LAB-ORU-1.hl7');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const { value: reports, version } = decodeOru(text);
    expect(version).toBe('2.5');
    expect(reports).toHaveLength(2);
    const [cbc, diff] = reports as [LabReport, LabReport];
    expect(cbc.codes[0]).toMatchObject({ system: 'http://loinc.org', code: '24317-0' });
    expect(cbc.observations).toHaveLength(5);
    expect(cbc.observations[1]).toMatchObject({
      codes: [{ system: 'http://loinc.org', code: '11273-0' }],
      status: 'preliminary',
      value: { kind: 'quantity', value: 4.06, unit: '10*12/L', originalUnit: 'tera.l-1' },
      interpretation: ['N'],
      performedAt: '2014-10-06T06:27:00+07:00',
    });
    expect(cbc.observations[0]).not.toHaveProperty('value');
    expect(cbc.specimen).toMatchObject({
      id: 'SpecimenID',
      type: { code: 'BLD' },
      collectedAt: '2014-10-06T05:35:00+07:00',
    });
    expect(diff.observations.map((o) => (o.value as { value: number }).value)).toEqual([72, 2, 20, 6, 0]);
  });

  it('the same message with CR, CRLF or LF separators decodes identically', () => {
    const lf = fixture('LAB-ORU-1.hl7').replace(/\r\n|\r/g, '\n');
    const base = decodeOru(lf);
    expect(decodeOru(lf.replace(/\n/g, '\r'))).toEqual(base);
    expect(decodeOru(lf.replace(/\n/g, '\r\n'))).toEqual(base);
    expect(decodeOru(lf.replace(/^\uFEFF/, ''))).toEqual(base);
  });

  it('ORU-R01-01 (v2.5.1, escapes, NTE, CWE values, SN ranges) keeps everything it can and warns about the rest', () => {
    const { value: reports, warnings } = decodeOru(fixture('ORU-R01-01.hl7'));
    expect(reports).toHaveLength(1);
    const r = reports[0]!;
    expect(r.note).toContain('E.coli O157:H7 & other STECs'); // \T\ unescaped
    const culture = r.observations[0]!;
    expect(culture.value).toMatchObject({
      kind: 'coded',
      codings: [{ system: 'http://snomed.info/sct', code: '27268008' }],
    });
    expect(culture.referenceRange).toEqual([{ low: 70, high: 80 }]);
    expect(culture.note).toBe('Submission of serum\nNo Antibodies Detected');
    // The code of an unknown coding system is kept and flagged, never dropped.
    expect(culture.codes[0]).toMatchObject({ code: '625-4', unrecognised: true });
    expect(warnings.map((w) => w.code)).toContain('HL7_OBX_OUTSIDE_ORDER');
    expect(warnings.map((w) => w.path)).toContain('OBX[4]-5');
  });

  it('ORU-multiline-short (v2.6, TX values, no codes) decodes', () => {
    const { value: reports } = decodeOru(fixture('ORU-multiline-short.hl7'));
    expect(reports[0]!.observations.map((o) => o.value)).toEqual([
      undefined,
      { kind: 'text', text: '[PII] Emergency Department' },
      { kind: 'text', text: 'ED Encounter Arrival Date: [ADDRESS] [PERSONALNAME]:' },
    ]);
  });
});

describe('HL7 v2 escapes', () => {
  it('decodes \\F\\ \\S\\ \\T\\ \\R\\ \\E\\ \\X..\\ and .br', () => {
    const d = { field: '|', component: '^', repetition: '~', escape: '\\', subcomponent: '&' };
    expect(unescapeHl7('a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f\\X0D0A\\g\\.br\\h\\XC3A1\\', d)).toBe(
      'a|b^c&d~e\\f\r\ng\nhá',
    );
    expect(unescapeHl7('unterminated \\F', d)).toBe('unterminated \\F');
    fc.assert(fc.property(fc.string(), (s) => unescapeHl7(escapeHl7(s), d) === s));
  });
});

describe('typed errors', () => {
  it('names the segment and field of each problem', () => {
    const bad =
      'MSH|^~\\&|A|B|C|D|20250101||ORU^R01|1|P|2.5\rPID|1||SYN1\rOBR|1||R1|^x\rOBX|1|NM|^y||5||||||F|||2025-01-01';
    const r = safeDecodeOru(bad);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('HL7_TIMESTAMP_INVALID');
      expect(r.error.path).toBe('OBX[1]-14');
    }
    expect(() => decodeOru('PID|1')).toThrow(expect.objectContaining({ code: 'HL7_MSH_MISSING' }));
    expect(() => decodeOru('MSH|^~\\&|||||||ADT^A01|1|P|2.5')).toThrow(
      expect.objectContaining({ code: 'HL7_MESSAGE_TYPE_UNSUPPORTED', path: 'MSH-9' }),
    );
  });

  it('any input gives reports or a typed error with a path, never another exception', () => {
    const prefix = fc.constantFrom(
      '',
      'MSH|^~\\&|A|B|C|D|20250101||ORU^R01|1|P|2.5\r',
      '\uFEFFMSH|^~\\&|||||||ORU^R01|1|P|2.3\n',
    );
    const segment = fc
      .tuple(
        fc.constantFrom('PID', 'OBR', 'OBX', 'NTE', 'SPM', 'ORC', 'PV1', 'ZZZ'),
        fc.array(fc.string({ maxLength: 12 }), { maxLength: 26 }),
      )
      .map(([n, f]) => [n, ...f].join('|'));
    fc.assert(
      fc.property(
        prefix,
        fc.array(segment, { maxLength: 8 }),
        fc.constantFrom('\r', '\n', '\r\n'),
        (p, segs, sep) => {
          try {
            const r = decodeOru(p + segs.join(sep));
            expect(Array.isArray(r.value)).toBe(true);
          } catch (error) {
            expect(isLienThongError(error)).toBe(true);
            expect((error as { path?: string }).path).toBeTruthy();
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('decoded reports are valid LabReports (no schema pass in decodeOru relies on this)', () => {
  // Field values built from the pieces the decoder branches on: delimiters, escapes, blanks,
  // value types, statuses, units, timestamps (valid, imprecise, impossible), CONCL, URI, names of
  // Object.prototype members.
  const d = { field: '|', component: '^', repetition: '~', escape: '\\', subcomponent: '&' };
  const token = fc.constantFrom(
    ...'^~&\\ \t.-+<>=:/'.split(''),
    '\\F\\',
    '\\X0D\\',
    '\\.br\\',
    '\\H\\',
    'a',
    'á',
    '5',
    '4.06',
    '1e3',
    'NM',
    'SN',
    'CWE',
    'TX',
    'ST',
    'XX',
    'LN',
    'UCUM',
    'URI',
    'urn:x:y',
    'NNVNM',
    '11156-7',
    'mg/dl',
    'tera.l-1',
    '%',
    'F',
    'P',
    'X',
    'W',
    'CONCL',
    '20141006092900+0700',
    '2014',
    '20140230',
    'toString',
    'constructor',
    '__proto__',
    '\u2028',
    'x'.repeat(256),
    '9'.repeat(400),
  );
  const value = fc.oneof(
    { weight: 3, arbitrary: fc.constant('') },
    { weight: 3, arbitrary: token },
    { weight: 2, arbitrary: fc.array(token, { maxLength: 6 }).map((t) => t.join('')) },
  );
  // Each segment up to the last field the decoder reads (NTE-4, OBX-23, OBR-32, …); time fields
  // mostly hold times, else nearly every message would be refused for an impossible timestamp.
  const LAST_READ = { PID: 3, PV1: 19, ORC: 21, OBR: 32, OBX: 23, NTE: 4, SPM: 18, ZZZ: 3 };
  const TIMES: Partial<Record<keyof typeof LAST_READ, number[]>> = {
    OBR: [7, 14, 22],
    OBX: [14],
    SPM: [17, 18],
  };
  const time = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('', '20141006', '201410060929', '20141006092900.12-0230') },
    { weight: 1, arbitrary: fc.constantFrom('2014', '201410', '2014^x', ' 20141006 ') },
  );
  const segment = fc.constantFrom(...(Object.keys(LAST_READ) as (keyof typeof LAST_READ)[])).chain((name) =>
    fc
      .array(value, { maxLength: LAST_READ[name] })
      .chain((fields) =>
        fc.tuple(...fields.map((f, i) => (TIMES[name]?.includes(i + 1) ? time : fc.constant(f)))),
      )
      .map((fields) => [name, ...fields].join(d.field)),
  );

  it('for any message the decoder accepts', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('2.3', '2.5.1', '2.6'),
        fc.array(segment, { maxLength: 10 }),
        fc.constantFrom('\r', '\n', '\r\n'),
        (version, segments, sep) => {
          const text = [`MSH|^~\\&|A|FAC|C|D|20250101||ORU^R01|1|P|${version}`, ...segments].join(sep);
          const r = safeDecodeOru(text);
          if (!r.ok) return; // a typed error (HL7_CODE_TOO_LONG; see the malformed-input property)
          for (const report of r.value.value) {
            const checked = LabReportSchema.safeParse(report);
            expect(checked.success ? [] : checked.error.issues).toEqual([]);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('values the model cannot hold: a typed error, text or a warning, never an invalid report', () => {
    const msh = 'MSH|^~\\&|A|FAC|C|D|20250101||ORU^R01|1|P|2.5.1';
    const huge = '9'.repeat(400); // Number() gives Infinity
    const { value: reports, warnings } = decodeOru(
      [msh, 'OBR|1||R1^^not a uri^URI|x', `OBX|1|NM|a||${huge}`, `OBX|2|NM|b||5||<${huge}`].join('\r'),
    );
    const [r] = reports as [LabReport];
    expect(LabReportSchema.safeParse(r).success).toBe(true);
    expect(r).not.toHaveProperty('idSystem');
    expect(r.observations[0]!.value).toEqual({ kind: 'text', text: huge });
    expect(r.observations[1]!.referenceRange).toEqual([{ text: `<${huge}` }]);
    expect(warnings.map((w) => `${w.code} ${w.path}`)).toEqual([
      'HL7_ID_SYSTEM_INVALID OBR[1]-3',
      'HL7_NM_NOT_NUMERIC OBX[1]-5',
    ]);
    expect(() => decodeOru([msh, 'OBR|1||R1|x', `OBX|1|NM|${'x'.repeat(256)}||5`].join('\r'))).toThrow(
      expect.objectContaining({ code: 'HL7_CODE_TOO_LONG', path: 'OBX[1]-3' }),
    );
  });

  it('a blank conclusion line, and statuses or coding systems named like Object members', () => {
    const msh = 'MSH|^~\\&|A|FAC|C|D|20250101||ORU^R01|1|P|2.5.1';
    const { value: reports, warnings } = decodeOru(
      [
        msh,
        'OBR|1||R1|x^y^constructor|||||||||||||||||||||toString',
        'NTE|1||||CONCL',
        'OBX|1|NM|a^b^toString||5||||||constructor',
      ].join('\r'),
    );
    const [r] = reports as [LabReport];
    expect(LabReportSchema.safeParse(r).success).toBe(true);
    expect(r).not.toHaveProperty('conclusion');
    expect(r.status).toBe('preliminary');
    expect(r.codes[0]!.system).toBe('urn:lienthong:hl7-cs:constructor');
    expect(r.observations[0]).toMatchObject({
      status: 'preliminary',
      codes: [{ system: 'urn:lienthong:hl7-cs:toString', code: 'a' }],
    });
    expect(warnings.map((w) => `${w.code} ${w.path}`)).toEqual([
      'HL7_STATUS_UNKNOWN OBR[1]-25',
      'HL7_STATUS_UNKNOWN OBX[1]-11',
    ]);
  });
});

// What HL7 v2 carries of a report (see encodeOru): two codings per code, amended → corrected,
// no lab quality level/accreditation, no version/supersedes, one reference range per OBX.
const first2 = (c: readonly LabCoding[]) => c.slice(0, 2);
const q = (x: LabQuantity | undefined, unitFrom: LabQuantity | undefined = x) =>
  x && {
    value: x.value,
    unit: unitFrom?.unit ?? (unitFrom?.originalUnit ? normaliseUnit(unitFrom.originalUnit) : undefined),
    originalUnit: unitFrom?.originalUnit ?? unitFrom?.unit,
  };
function value(v: LabValue | undefined) {
  if (!v) return undefined;
  switch (v.kind) {
    case 'quantity':
      return { ...q(v), kind: v.kind, comparator: v.comparator };
    case 'coded':
      return { kind: v.kind, codings: first2(v.codings), text: v.text };
    case 'ratio':
      return { kind: v.kind, numerator: q(v.numerator), denominator: { value: v.denominator.value } };
    case 'range':
      return { kind: v.kind, low: q(v.low, v.low ?? v.high), high: q(v.high, v.low ?? v.high) };
    default:
      return v;
  }
}
const status = <S extends string>(s: S) => (s === 'amended' ? 'corrected' : s);
function hl7View(r: LabReport) {
  return clean(
    stripFlags({
      id: r.id,
      idSystem: r.idSystem,
      orderId: r.orderId,
      patient: r.patient,
      encounterId: r.encounterId,
      codes: first2(r.codes),
      name: r.name ?? r.codes[0]?.display,
      status: status(r.status),
      orderingFacility: r.orderingFacility,
      performingFacility: r.performingFacility,
      specimen: r.specimen,
      effectiveAt: r.effectiveAt,
      issuedAt: r.issuedAt,
      signer: r.signer,
      conclusion: r.conclusion,
      note: r.note,
      observations: r.observations.map((o) => ({
        codes: first2(o.codes),
        name: o.name ?? o.codes[0]?.display,
        status: status(o.status),
        value: value(o.value),
        referenceRange: o.referenceRange?.slice(0, 1),
        interpretation: o.interpretation,
        method: o.method,
        performedAt: o.performedAt,
        note: o.note,
      })),
    }),
  );
}

describe('encodeOru ∘ decodeOru round trip', () => {
  it('every field HL7 v2 carries survives (v2.5.1 and v2.6)', () => {
    fc.assert(
      fc.property(arbReport(), fc.constantFrom('2.5.1', '2.6') as fc.Arbitrary<'2.6'>, (report, version) => {
        const { value: text } = encodeOru(report, { version, messageTime: '2025-01-01T00:00:00+07:00' });
        const [back] = decodeOru(text).value;
        expect(hl7View(back!)).toEqual(hl7View(report));
      }),
      { numRuns: 300 },
    );
  });

  it('several reports of one patient travel in one message', () => {
    fc.assert(
      fc.property(
        fc.array(arbReport(fc.constant([{ system: 'urn:lienthong:sid:mrn:SYN01', value: 'SYN1' }])), {
          minLength: 1,
          maxLength: 3,
        }),
        (generated) => {
          // One MSH/PID/PV1 per message: the reports share patient, encounter and sending facility.
          const reports = generated.map((r) =>
            clean({
              ...r,
              encounterId: generated[0]!.encounterId,
              performingFacility: generated[0]!.performingFacility,
            }),
          );
          const back = decodeOru(encodeOru(reports).value).value;
          expect(back.map(hl7View)).toEqual(reports.map(hl7View));
        },
      ),
      { numRuns: 50 },
    );
  });

  it('v2.3 uses OBR-15 for the specimen type', () => {
    const [r] = decodeOru(fixture('LAB-ORU-1.hl7')).value;
    const back = decodeOru(encodeOru(r!, { version: '2.3' }).value).value[0]!;
    expect(back.specimen?.type).toMatchObject({ code: 'BLD' });
    expect(back.observations.map((o) => o.value)).toEqual(r!.observations.map((o) => o.value));
  });

  it('answers what HL7 v2 cannot carry in warnings, beside the message', () => {
    const [r] = decodeOru(fixture('LAB-ORU-1.hl7')).value;
    const codes = [
      { system: 'http://loinc.org', code: '11273-0' },
      { system: 'urn:lienthong:cs:qd1227', code: '1071177' },
      { system: 'urn:lienthong:cs:local', code: 'SYN-3' },
    ];
    const report: LabReport = {
      ...r!,
      lab: { code: 'SYN-LAB', qualityLevel: 3 },
      performingFacility: { code: 'SYN01', system: 'urn:synthetic:facility' },
      observations: [{ ...r!.observations[0]!, codes }],
    };
    const { value, warnings } = encodeOru(report);
    expect(value.startsWith('MSH|')).toBe(true);
    expect(warnings.map((w) => w.code)).toEqual([
      'HL7_FIELD_NOT_CARRIED',
      'HL7_FIELD_NOT_CARRIED',
      'HL7_CODING_NOT_CARRIED',
    ]);
    expect(warnings[1]).toMatchObject({
      path: 'OBR[1]',
      message: 'HL7 v2 XON is written without the system of a facility code',
    });
    expect(encodeOru(r!).warnings).toEqual([]);
  });
});
