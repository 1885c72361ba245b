import { readdirSync, readFileSync } from 'node:fs';
import { isValidationError } from '@lienthong/core';
import { describe, expect, it } from 'vitest';
import { thrown } from '../../test/thrown.js';
import { decodeCv365, encodeCv365 } from '../cv365/index.js';
import { decodeFhirBundle } from '../fhir/index.js';
import { decodeOru, encodeOru } from '../hl7/index.js';
import type { LabReport } from '../model.js';
import { decodeXml4 } from '../xml4/index.js';
import { decodeResults, detectFormat, encodeResults, resultFormats } from './defaults.js';

const REAL = new URL('../../../../fixtures/real-world/', import.meta.url);
const bytes = (path: string) => readFileSync(new URL(path, REAL));
const text = (path: string) => readFileSync(new URL(path, REAL), 'utf8');
const HL7_FILES = readdirSync(new URL('hl7v2/', REAL)).map((f) => `hl7v2/${f}`);
// `<ResourceType>-<id>.json`: the official R4 examples (not the package manifest or the JSON schema).
const FHIR_RESOURCES = readdirSync(new URL('fhir-r4/', REAL))
  .filter((f) => /^[A-Z]\w+-.+\.json$/.test(f))
  .map((f) => `fhir-r4/${f}`);

const synthetic = (over: Partial<LabReport> = {}): LabReport => ({
  id: 'SYN-R1',
  patient: { identifiers: [{ system: 'urn:lienthong:sid:mrn:SYN01', value: 'SYN1' }] },
  codes: [{ system: 'urn:lienthong:cs:service-code', code: '23.0075.1494' }],
  status: 'final',
  issuedAt: '2026-03-01T10:30:00+07:00',
  observations: [
    {
      codes: [{ system: 'urn:lienthong:cs:qd1227', code: '1071177' }],
      name: 'Glucose',
      status: 'final',
      value: { kind: 'quantity', value: 5.6, unit: 'mmol/L' },
    },
  ],
  ...over,
});

describe('built-in formats', () => {
  it('are listed by name and alias, in the order help texts show them', () => {
    expect(resultFormats.names).toEqual(['hl7', 'hl7v2', 'xml4', 'fhir', 'cv365', 'json']);
    expect(resultFormats.get('hl7v2')).toBe(resultFormats.get('hl7'));
    expect(resultFormats.get('xml4').needs).toEqual({ decode: ['patient'], encode: ['encounter'] });
    expect(resultFormats.get('cv365').needs).toEqual({ decode: ['patient'] });
  });

  it('detect every real HL7 v2 message, as text and as bytes (BOM, CR, LF)', () => {
    expect(HL7_FILES.length).toBeGreaterThanOrEqual(3);
    for (const file of HL7_FILES) {
      expect(detectFormat(text(file)), file).toBe('hl7');
      expect(detectFormat(bytes(file)), file).toBe('hl7');
    }
  });

  it('detect every real FHIR R4 example as FHIR, even where resourceType comes late', () => {
    expect(FHIR_RESOURCES.length).toBeGreaterThan(100);
    for (const file of FHIR_RESOURCES) expect(detectFormat(bytes(file)), file).toBe('fhir');
    // The package manifest is JSON but no FHIR resource: the SDK's own JSON is the only claim.
    expect(detectFormat(bytes('fhir-r4/package.json'))).toBe('json');
  });

  it('decode real HL7 v2 and FHIR as their codecs do, detected or named, keeping { value, warnings }', () => {
    for (const file of HL7_FILES) {
      const { value, warnings } = decodeOru(text(file));
      expect(decodeResults(bytes(file)), file).toEqual({ value, warnings });
      expect(decodeResults(text(file), { format: 'hl7v2' })).toEqual({ value, warnings });
    }
    const lipids = decodeFhirBundle(JSON.parse(text('fhir-r4/Bundle-lipids.json')));
    expect(lipids.value[0]!.observations).toHaveLength(4);
    expect(decodeResults(text('fhir-r4/Bundle-lipids.json'))).toEqual(lipids);
    const pap = decodeResults(bytes('fhir-r4/DiagnosticReport-pap.json'), { format: 'fhir' });
    expect(pap.value).toHaveLength(1);
  });

  it('convert real HL7 v2 into every format and back, the format detected each time', () => {
    const { value: reports } = decodeOru(text('hl7v2/LAB-ORU-1.hl7'));
    for (const format of ['hl7', 'xml4', 'fhir', 'cv365', 'json']) {
      const { value: document } = encodeResults(reports, format, { encounter: 'SYN-LK-1' });
      expect(detectFormat(document), format).toBe(format);
      const back = decodeResults(document, { patient: reports[0]!.patient });
      expect(back.value.flatMap((r) => r.observations).length, format).toBe(
        reports.flatMap((r) => r.observations).length,
      );
    }
    expect(decodeResults(encodeResults(reports, 'json').value)).toEqual({ value: reports, warnings: [] });
  });

  it('pass on what a format cannot carry as the encoder warns it, the document written all the same', () => {
    const report = synthetic({ lab: { code: 'SYN-LAB', qualityLevel: 2 } });
    const hl7 = encodeResults(report, 'hl7');
    expect(hl7.warnings).toEqual(encodeOru(report).warnings);
    expect(hl7.warnings.map((w) => `${w.code} ${w.path}`)).toEqual(['HL7_FIELD_NOT_CARRIED OBR[1]']);
    const cv365 = encodeResults(report, 'cv365');
    expect(cv365.warnings).toEqual(encodeCv365(report).warnings);
    expect(cv365.warnings.map((w) => w.code)).toContain('CV365_FIELD_UNNAMED');
    expect(decodeResults(cv365.value, { patient: report.patient }).value).toHaveLength(1);
    expect(encodeResults(report, 'fhir').warnings).toEqual([]);
    expect(encodeResults(report, 'json').warnings).toEqual([]);
  });

  it('write HL7 v2 with CRLF line ends and XML4, FHIR, CV 365 as their codecs do', () => {
    const report = synthetic({ encounterId: 'SYN-LK-1' });
    const { value: oru } = encodeResults(report, 'hl7');
    expect(oru).toMatch(/^MSH\|[^\r]*\r\nPID\|/);
    expect(decodeOru(oru).value[0]!.observations).toHaveLength(1);
    expect(decodeXml4(encodeResults([report], 'xml4').value).value[0]!.encounterId).toBe('SYN-LK-1');
    expect(JSON.parse(encodeResults([report], 'fhir').value)).toMatchObject({ type: 'transaction' });
    expect(
      decodeCv365(encodeResults([report], 'cv365').value).value[0]!.observations[0]!.codes[0]!.code,
    ).toBe('1071177');
    expect(encodeOru([report]).value.includes('\r\n')).toBe(false); // the codec's own output keeps CR
  });

  it('XML4 needs the visit key: the codec error keeps code, path and issues and names the option', () => {
    const report = synthetic();
    const plain = thrown(() => encodeResults([report, { ...report, id: 'SYN-R2' }], 'xml4'));
    expect(plain).toMatchObject({ code: 'XML4_FIELD_REQUIRED', path: 'CHI_TIET_CLS[1].MA_LK' });
    expect(plain.issues).toHaveLength(2);
    expect(plain.message).toMatch(/: give it with options\.encounter$/);
    expect(plain.messageVi).toMatch(/\(MA_LK\): cung cấp bằng options\.encounter$/);
    const named = thrown(() =>
      encodeResults([report], 'xml4', { optionNames: { encounter: '--encounter <MA_LK>' } }),
    );
    expect(named.message).toContain(
      'The document carries no visit key (MA_LK): give it with --encounter <MA_LK>',
    );
    // The key given fills only the reports without one.
    const { value: xml } = encodeResults(
      [report, { ...report, id: 'SYN-R2', encounterId: 'SYN-LK-2' }],
      'xml4',
      { encounter: 'SYN-LK-1' },
    );
    expect(xml.match(/<MA_LK>[^<]+<\/MA_LK>/g)).toEqual([
      '<MA_LK>SYN-LK-1</MA_LK>',
      '<MA_LK>SYN-LK-2</MA_LK>',
    ]);
    // Another problem, the key given: no hint.
    const named300 = synthetic({ observations: [{ ...report.observations[0]!, name: 'x'.repeat(300) }] });
    const tooLong = thrown(() => encodeResults([named300], 'xml4', { encounter: 'SYN-LK-1' }));
    expect(tooLong).toMatchObject({ code: 'XML4_FIELD_TOO_LONG', path: 'CHI_TIET_CLS[1].TEN_CHI_SO' });
    expect(tooLong.message).not.toContain('give it with');
  });

  it('XML4 and CV 365 take the patient from the options; HL7 v2 keeps its own', () => {
    const patient = { identifiers: [{ system: 'urn:lienthong:sid:mrn:SYN02', value: 'SYN2' }] };
    const { value: xml } = encodeResults([synthetic({ encounterId: 'SYN-LK-1' })], 'xml4');
    expect(decodeResults(xml).value[0]!.patient).toEqual({ identifiers: [] });
    expect(decodeResults(xml, { patient }).value[0]!.patient).toEqual(patient);
    const { value: cv365 } = encodeResults([synthetic()], 'cv365');
    expect(decodeResults(cv365, { patient }).value[0]!.patient).toEqual(patient);
    const hl7 = decodeResults(text('hl7v2/ORU-R01-01.hl7'), { patient });
    expect(hl7.value[0]!.patient).not.toEqual(patient);
  });

  it('read the SDK JSON as one report or a list, each checked, problems under [index]', () => {
    const report = synthetic();
    expect(decodeResults(JSON.stringify(report), { format: 'json' }).value).toEqual([report]);
    const bad = thrown(() => decodeResults(JSON.stringify([report, { ...report, status: 'done' }])));
    expect(isValidationError(bad)).toBe(true);
    expect(bad.path).toBe('[1].status');
    expect(thrown(() => decodeResults('{', { format: 'json' }))).toMatchObject({
      code: 'REPORTS_NOT_JSON',
      path: '$',
      message: 'The file is not JSON',
    });
    expect(thrown(() => decodeResults('<x/>', { format: 'fhir' }))).toMatchObject({
      code: 'FHIR_NOT_JSON',
      path: 'Bundle',
    });
  });

  it('drop a byte-order mark before JSON, whether given as text or bytes', () => {
    const json = `\uFEFF${JSON.stringify([synthetic()])}`;
    expect(decodeResults(json).value).toHaveLength(1);
    expect(decodeResults(new TextEncoder().encode(json)).value).toHaveLength(1);
  });
});

describe('detectFormat', () => {
  it('settles on the surer claim: CV 365 over XML4 and over FHIR', () => {
    expect(detectFormat('<?xml version="1.0"?>\n<HoSoBenhAn><KetQuaXetNghiem/></HoSoBenhAn>')).toBe('cv365');
    expect(detectFormat('<CHITIEU_CHITIET_DICHVUCANLAMSANG/>')).toBe('xml4');
    expect(detectFormat('{"HoSoBenhAn":{"resourceType":"x"}}')).toBe('cv365');
    expect(detectFormat('  \n{"resourceType":"Bundle"}')).toBe('fhir');
    expect(detectFormat('[]')).toBe('json');
  });

  it('uses a media type, then a file name, only when the content says nothing and one format claims it', () => {
    expect(detectFormat('', { fileName: 'LAB.HL7' })).toBe('hl7');
    expect(detectFormat('', { mediaType: 'application/fhir+json; charset=utf-8' })).toBe('fhir');
    expect(detectFormat('{"resourceType":"Bundle"}', { fileName: 'x.hl7' })).toBe('fhir');
    // .json and .xml are claimed by several formats: no decision, so the fallback or the error.
    expect(detectFormat('', { fileName: 'x.json', fallback: 'json' })).toBe('json');
    expect(thrown(() => detectFormat('', { fileName: 'x.xml' })).code).toBe('RESULT_FORMAT_UNDETECTED');
  });

  it('gives typed errors for undetectable input, an unknown name and something that is no document', () => {
    const undetected = thrown(() => detectFormat('PID|1||SYN1'));
    expect(undetected).toMatchObject({ code: 'RESULT_FORMAT_UNDETECTED', path: 'input' });
    expect(undetected.message).toContain('hl7, hl7v2, xml4, fhir, cv365, json');
    expect(undetected.messageVi).toContain('Không nhận ra định dạng');
    const unknown = thrown(() => decodeResults('MSH|', { format: 'pdf' }));
    expect(unknown).toMatchObject({ code: 'RESULT_FORMAT_UNKNOWN', path: 'format' });
    expect(unknown.message).toBe(
      'Unknown result format "pdf"; known formats: hl7, hl7v2, xml4, fhir, cv365, json',
    );
    expect(unknown.messageVi).toContain('Không có định dạng kết quả "pdf"');
    expect(thrown(() => encodeResults([], 'pdf')).code).toBe('RESULT_FORMAT_UNKNOWN');
    expect(thrown(() => detectFormat('', { fallback: 'pdf' })).code).toBe('RESULT_FORMAT_UNKNOWN');
    expect(thrown(() => detectFormat(42 as unknown as string)).code).toBe('RESULT_FORMAT_INPUT_INVALID');
  });
});
