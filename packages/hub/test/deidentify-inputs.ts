/**
 * Inputs of the de-identification tests, made by the SDK's own producers (SYNTHETIC people: the
 * visits package's XML 130 file set, the hub facade's resources, a directory Patient, an imaging
 * reference) and the real-world FHIR R4 examples; and the collector of what must never leave them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { isLienThongError, type Resource } from '@lienthong/core';
import { parseImagingReference } from '@lienthong/imaging';
import { toFhirPatient } from '@lienthong/patient-id';
import { encodeFhirVisitBundle } from '@lienthong/visits/fhir';
import { decodeXml130 } from '@lienthong/visits/xml130';
import { syntheticFileSet, syntheticVisits } from '../../visits/test/fixtures/synthetic-file-set.js';
import { createDeidentifier } from '../src/export/deidentify.js';
import { imagingReportResource, imagingStudyResource, reportResources } from '../src/http/fhir/resources.js';
import { visitResources } from '../src/http/fhir/visit-resources.js';

export const SECRET = 'SYNTHETIC test secret, 32+ bytes long, never a real one';

// ---- Inputs from the SDK's own producers (SYNTHETIC people) and the real-world FHIR examples ----

/** The synthetic XML 130 visits with the contact fields a real XML1 row carries (SYNTHETIC values). */
export function visitsXml(): string {
  const visits = syntheticVisits();
  Object.assign(visits[0]!.xml1, {
    DIA_CHI: 'Số 12 ngõ Thử Nghiệm, phường Mẫu Sơn, Hà Nội',
    DIEN_THOAI: '0912345678',
    // A birth time: FHIR's birthDate has none, so the whole value stays in the xml130-row extension.
    NGAY_SINH: '198501010830',
  });
  visits[0]!.xml4 = visits[0]!.xml4.map((row) => ({ ...row, MA_BS_DOC_KQ: 'SYN-BS-02' }));
  Object.assign(visits[2]!.xml1, { DIA_CHI: 'Thôn Giả Định, xã Ví Dụ', DIEN_THOAI: '0987654321' });
  return syntheticFileSet(visits);
}

export const fileSet = () => decodeXml130(visitsXml()).value;

/** The facade's resources of the synthetic visits and their lab reports, plus a richer lab report. */
export function facadeResources(): Resource[] {
  const set = fileSet();
  const out: Resource[] = [];
  for (const visit of set.visits) {
    out.push(...visitResources({ visit, version: 1 }, visit, { current: true }));
    for (const [i, report] of visit.labReports.entries()) {
      const r = reportResources({ rowId: `row-${i}`, report, storedAt: '2025-01-10T12:00:00Z' });
      out.push(r.report, ...r.observations, ...(r.specimen ? [r.specimen] : []));
    }
  }
  const first = set.visits[0]!.labReports[0]!;
  const signed = reportResources({
    rowId: 'row-signed',
    storedAt: '2025-01-10T12:00:00Z',
    report: {
      ...first,
      id: `report-of-${set.visits[0]!.patient.identifiers[0]!.value}`,
      signer: { id: 'SYN-BS-02', name: 'BS Phạm Văn Ký' },
      conclusion: 'Người bệnh Nguyễn Văn Thử: bạch cầu tăng',
      note: 'Gọi 0912345678 khi có kết quả',
      performingFacility: { code: '01001', name: 'Bệnh viện Mẫu' },
      specimen: {
        id: 'SPEC-001085012345',
        typeText: 'Máu toàn phần',
        collectedAt: '2025-01-10T10:05:00+07:00',
      },
    },
  });
  out.push(signed.report, ...signed.observations, ...(signed.specimen ? [signed.specimen] : []));
  return out;
}

/** SYNTHETIC directory record: every kind of identifier, contacts, addresses, insurance. */
export const directoryPatient = () =>
  toFhirPatient({
    id: 'directory-uuid-1',
    identifiers: [
      { system: 'http://fhir.ehealth.gov.vn/core/sid/national_id', value: '001085012345' },
      { system: 'http://fhir.ehealth.gov.vn/core/sid/insurance_number', value: 'DN4010123456789' },
      { system: 'http://fhir.ehealth.gov.vn/core/sid/citizen_id', value: '012345678' },
      { system: 'http://fhir.ehealth.gov.vn/core/sid/passport_number', value: 'C1234567' },
      { system: 'urn:lienthong:sid:mrn:01001', value: 'SYN-BN-01' },
    ],
    name: { family: 'Nguyễn', middle: 'Văn', given: 'Thử' },
    birthDate: '1985-01-01',
    sex: 'male',
    addresses: [
      {
        line: ['Số 12 ngõ Thử Nghiệm'],
        commune: 'phường Mẫu Sơn',
        provinceCode: '01',
        text: 'Số 12 ngõ Thử Nghiệm, phường Mẫu Sơn',
      },
    ],
    contacts: [{ system: 'phone', value: '0912345678', use: 'mobile' }],
    insurance: [{ cardNumber: 'DN4010123456789', validFrom: '2025-01-01', registeredFacility: '01001' }],
    deceased: false,
  });

/** SYNTHETIC imaging reference (the imaging package's test shape), as the facade serves it. */
export const imaging = parseImagingReference({
  studyInstanceUid: '2.25.123456789012345678901234567890',
  accessionNumber: 'CT-001085012345',
  patient: {
    identifiers: [
      { system: 'http://fhir.hl7.org.vn/core/sid/cccd', value: '001085012345' },
      { system: 'urn:lienthong:sid:mrn:01001', value: 'SYN-BN-01' },
    ],
  },
  performingFacility: { code: '01001', name: 'Bệnh viện Mẫu' },
  studyDate: '2025-03-14',
  modalities: ['CT'],
  description: 'CT sọ não của Nguyễn Văn Thử',
  series: [{ uid: '2.25.1', modality: 'CT', number: 1, instanceCount: 12, description: 'Nguyễn Văn Thử' }],
  instanceCount: 12,
  endpoints: { wadoRs: 'https://pacs.example.vn/dicom-web' },
  report: {
    text: 'Người bệnh Nguyễn Văn Thử, không thấy tổn thương.',
    conclusion: 'Bình thường',
    signers: [
      { role: 'performer', name: 'KTV Trần Văn B', identifier: { system: 'urn:x', value: 'CCHN-0002' } },
      { role: 'reader', name: 'BS Nguyễn Thị A', identifier: { system: 'urn:x', value: 'CCHN-0001' } },
    ],
    signedAt: '2025-03-14T10:15:00+07:00',
  },
  completeness: 'complete',
});

const REAL_WORLD = new URL('../../../fixtures/real-world/fhir-r4/', import.meta.url);
/** The real-world FHIR R4 examples of the types a de-identified export carries (and Bundles of them). */
export function realWorld(): { name: string; resource: Resource }[] {
  const de = createDeidentifier({ secret: SECRET });
  return readdirSync(REAL_WORLD)
    .filter((f) => f.endsWith('.json') && f !== 'fhir.schema.json')
    .map((name) => ({
      name,
      resource: JSON.parse(readFileSync(new URL(name, REAL_WORLD), 'utf8')) as Resource,
    }))
    .filter(({ resource }) => resource.resourceType === 'Bundle' || de.supports(resource.resourceType));
}

/** Every input: transaction and collection bundles of the visits, the facade's resources, the rest. */
export function allInputs(): { name: string; resource: Resource }[] {
  const set = fileSet();
  return [
    { name: 'visits transaction', resource: encodeFhirVisitBundle(set).value },
    { name: 'visits collection', resource: encodeFhirVisitBundle(set, { type: 'collection' }).value },
    ...facadeResources().map((resource, i) => ({ name: `facade ${i} ${resource.resourceType}`, resource })),
    { name: 'directory Patient', resource: directoryPatient() },
    { name: 'ImagingStudy', resource: imagingStudyResource(imaging) },
    { name: 'imaging report', resource: imagingReportResource(imaging)! },
    ...realWorld(),
  ];
}

// ---- What must never leave, collected from the inputs ----

const PERSON_TYPES = new Set(['Patient', 'Practitioner', 'RelatedPerson', 'Person', 'PractitionerRole']);
const PERSON_REFERENCES = new Set([
  'subject',
  'patient',
  'performer',
  'resultsInterpreter',
  'author',
  'recorder',
  'asserter',
  'requester',
  'collector',
  'interpreter',
  'referrer',
  'generalPractitioner',
  'who',
  'informationSource',
  'individual',
]);
export const XML130_PERSONAL = [
  'HO_TEN',
  'SO_CCCD',
  'MA_THE_BHYT',
  'MA_BN',
  'DIA_CHI',
  'DIEN_THOAI',
  'NGAY_SINH',
  'MA_HSBA',
  'MA_BAC_SI',
  'MA_BS_DOC_KQ',
  'NGUOI_THUC_HIEN',
];

/** Names, identifiers, addresses, phones, birth dates and reference displays found anywhere in `value`. */
export function personalStrings(value: unknown, out: Set<string>, inPerson = false, key = ''): void {
  const add = (v: unknown) => {
    if (typeof v === 'string')
      for (const part of v.split(';')) if (part.trim().length >= 4) out.add(part.trim());
  };
  if (Array.isArray(value)) {
    for (const v of value) personalStrings(v, out, inPerson, key);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const o = value as Record<string, unknown>;
  const person = inPerson || PERSON_TYPES.has(o.resourceType as string);
  if (key === 'name' && ('family' in o || 'given' in o || 'text' in o)) {
    add(o.family);
    add(o.text);
    for (const g of (o.given as unknown[]) ?? []) add(g);
  }
  if (person && key === 'telecom') add(o.value);
  if (person && key === 'address') {
    add(o.text);
    for (const l of (o.line as unknown[]) ?? []) add(l);
  }
  if (person && key === 'identifier') add(o.value);
  if (person && typeof o.birthDate === 'string') add(o.birthDate);
  // A display on a reference to a person; the patient's identifier on a reference.
  if (PERSON_REFERENCES.has(key) && typeof o.display === 'string') add(o.display);
  // Staff identifiers (licence numbers) on references that do not say they name an Organization.
  if (PERSON_REFERENCES.has(key) && !['subject', 'patient'].includes(key) && o.type !== 'Organization')
    add((o.identifier as { value?: string } | undefined)?.value);
  if (['subject', 'patient'].includes(key) && typeof o.identifier === 'object')
    add((o.identifier as { value?: string }).value);
  if (typeof o.authorString === 'string') add(o.authorString);
  // XML 130 fields, wherever a codec kept them (the row extension's sub-extensions are named after them).
  if (typeof o.url === 'string' && XML130_PERSONAL.includes(o.url)) add(o.valueString);
  for (const [k, v] of Object.entries(o)) personalStrings(v, out, person && k !== 'meta', k);
}

export function xml130Personal(out: Set<string>): void {
  for (const visit of syntheticVisits())
    for (const row of [visit.xml1, ...visit.xml2, ...visit.xml3, ...visit.xml4, ...visit.xml5])
      for (const field of XML130_PERSONAL) if (row[field] && row[field] !== 'X') out.add(row[field]!);
  // The fields added by visitsXml(), and the ISO form of the birth dates.
  for (const v of [
    'Số 12 ngõ Thử Nghiệm',
    '0912345678',
    '198501010830',
    'SYN-BS-02',
    'Thôn Giả Định',
    '0987654321',
  ])
    out.add(v);
  for (const d of ['1985-01-01', '1995-03-03', '1970-07-07']) out.add(d);
}

// Clinical dates are kept by design ("shifts nothing else"): a newborn's first observation falls on
// its birth date. Birth dates are looked for everywhere else.
const CLINICAL_DATE =
  /(DateTime|Instant|Period)$|^(issued|start|end|recorded|started|lastUpdated|receivedTime|recordedDate|date|timestamp)$/;

/** Every string of `value` (keys and numbers aside), clinical dates left out when `dates` is false. */
export function stringsOf(value: unknown, out: string[] = [], dates = true, key = ''): string[] {
  if (typeof value === 'string') {
    if (dates || !CLINICAL_DATE.test(key)) out.push(value);
  } else if (Array.isArray(value)) for (const v of value) stringsOf(v, out, dates, key);
  else if (typeof value === 'object' && value !== null)
    for (const [k, v] of Object.entries(value)) stringsOf(v, out, dates, CLINICAL_DATE.test(key) ? key : k);
  return out;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The strings of `secrets` found in the string values of `output` (case-insensitive). */
export function leaks(output: unknown, secrets: Iterable<string>): string[] {
  const all = stringsOf(output).join('\n').toLowerCase();
  const undated = stringsOf(output, [], false).join('\n').toLowerCase();
  return [...secrets].filter((s) => (ISO_DATE.test(s) ? undated : all).includes(s.toLowerCase()));
}

/** Every birthDate in `value` (anywhere, contained too). */
export function birthDates(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) birthDates(v, out);
  else if (typeof value === 'object' && value !== null)
    for (const [k, v] of Object.entries(value)) {
      if (k === 'birthDate' && typeof v === 'string') out.push(v);
      else birthDates(v, out);
    }
  return out;
}

export function deidentifyAll(
  de: { deidentify: <T extends Resource>(r: T) => T },
  inputs: { name: string; resource: Resource }[],
) {
  const out: Resource[] = [];
  const refused: string[] = [];
  for (const { name, resource } of inputs) {
    try {
      out.push(de.deidentify(resource));
    } catch (error) {
      if (!isLienThongError(error) || error.code !== 'DEIDENTIFY_MODIFIER_EXTENSION') throw error;
      refused.push(name);
    }
  }
  return { out, refused };
}
