import type {
  Bundle,
  ChargeItem,
  ClinicalImpression,
  CodeableConcept,
  Condition,
  Encounter,
  Extension,
  MedicationStatement,
  Patient,
  Procedure,
  Reference,
  Resource,
} from '@lienthong/core';
import {
  attempt,
  facilityRecordSystem,
  identifierSystemName,
  indexBundle,
  type Result,
  resolveReference,
  ValidationError,
  type ValidationIssue,
  type WithWarnings,
} from '@lienthong/core';
import { isBundle } from '@lienthong/core/fhir';
import { DEFAULT_LAB_SYSTEMS, type LabReport } from '@lienthong/result-exchange';
import { decodeFhirBundle } from '@lienthong/result-exchange/fhir';
import { reportsToXml4Rows } from '@lienthong/result-exchange/xml4';
import { ICD9CM_SYSTEM, ICD10_SYSTEM, type RawTable, type Visit, type VisitFileSet } from '../model.js';
import {
  medicationFromXml2,
  noteFromXml5,
  orderRow,
  serviceFromXml3,
  visitFromXml1,
} from '../xml130/tables.js';
import type { Row } from '../xml130/xml.js';
import { type VisitFhirConfig, type VisitFhirOptions, visitFhirConfig } from './options.js';
import { putDateTime, putText } from './row-cursor.js';
import { checkShape } from './shapes.js';
import {
  readRowExtension,
  readTableExtensions,
  rowExtensions,
  subText,
  XML130_EXTENSIONS,
} from './source-extensions.js';
import { DIAGNOSIS_ROLE } from './vocabulary.js';

/** What {@link decodeFhirVisitBundle} returns: the visits as a file set, and the warnings. */
export type FhirVisitDecodeResult = WithWarnings<VisitFileSet>;

/** The resources of the bundle with their place, and who points at which Encounter. */
interface Read {
  cfg: VisitFhirConfig;
  bundle: Bundle;
  index: ReturnType<typeof indexBundle>;
  places: Map<Resource, string>;
  /** The bundle's resources, in entry order (entries without one skipped). */
  resources: Resource[];
  encountersById: Map<string, Encounter>;
  used: Set<Resource>;
  warnings: ValidationIssue[];
}

const codeOf = (cc: CodeableConcept | undefined, system: string): string | undefined =>
  cc?.coding?.find((c) => c.system === system)?.code;
const codesOf = (cc: CodeableConcept | undefined, system: string): string[] =>
  (cc?.coding ?? []).filter((c) => c.system === system && c.code !== undefined).map((c) => c.code!);
const joined = (codes: string[]): string | undefined => (codes.length > 0 ? codes.join(';') : undefined);

/** The fields of the row extension of `table` on a resource (one extension per resource). */
function extensionRow(extensions: Extension[] | undefined, table: string): Row {
  const own = rowExtensions(extensions)
    .map(readRowExtension)
    .find((r) => r.table === table);
  return { ...own?.row };
}

function encounterOf(read: Read, ref: Reference | undefined): Encounter | undefined {
  const resolved = resolveReference(ref, read.index);
  if (resolved?.resourceType === 'Encounter') return resolved;
  const id = ref?.identifier;
  return id?.system === read.cfg.ids.visit && id.value ? read.encountersById.get(id.value) : undefined;
}

function patientOf(read: Read, ref: Reference | undefined): Patient | undefined {
  const resolved = resolveReference(ref, read.index);
  if (resolved?.resourceType === 'Patient') return resolved;
  const id = ref?.identifier;
  if (!id) return undefined;
  for (const e of read.bundle.entry ?? []) {
    const r = e.resource;
    if (
      r?.resourceType === 'Patient' &&
      r.identifier?.some((i) => i.system === id.system && i.value === id.value)
    )
      return r;
  }
  return undefined;
}

/** A date of a resource as `yyyymmddHHMM`, with the element's place when it is not a FHIR date-time. */
function putDate(
  read: Read,
  row: Row,
  field: string,
  resource: Resource,
  element: string,
  iso: string | undefined,
) {
  try {
    putDateTime(row, field, iso);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw new ValidationError({
      code: 'VISIT_FHIR_DATE_INVALID',
      path: `${read.places.get(resource)}.${element}`,
      message: `${element} is not a date-time with hours and minutes: ${JSON.stringify(iso)}`,
      messageVi: `${element} không phải ngày giờ có giờ và phút: ${JSON.stringify(iso)}`,
    });
  }
}

function patientFields(read: Read, row: Row, encounter: Encounter): void {
  const patient = patientOf(read, encounter.subject);
  const identifiers =
    patient?.identifier ?? (encounter.subject?.identifier ? [encounter.subject.identifier] : []);
  if (patient) read.used.add(patient);
  const cards: string[] = [];
  const mrnPrefix = facilityRecordSystem('');
  for (const i of identifiers) {
    if (!i.system || !i.value) continue;
    const name = identifierSystemName(i.system);
    if (name === 'cccd' && row.SO_CCCD === undefined) row.SO_CCCD = i.value;
    else if (name === 'bhyt') cards.push(i.value);
    else if (i.system.startsWith(mrnPrefix)) row.MA_BN = i.value;
  }
  putText(row, 'MA_THE_BHYT', joined(cards));
  if (!patient) return;
  putText(row, 'HO_TEN', patient.name?.[0]?.text);
  const sex = { male: '1', female: '2', unknown: '3' }[patient.gender as string];
  putText(row, 'GIOI_TINH', sex);
  // NGAY_SINH with a time other than 00:00 stayed in the row extension (FHIR's birthDate has no time).
  const birth =
    row.NGAY_SINH === undefined && patient.birthDate ? `${patient.birthDate}T00:00:00+07:00` : undefined;
  putDate(read, row, 'NGAY_SINH', patient, 'birthDate', birth);
}

function diagnosisFields(read: Read, row: Row, encounter: Encounter): void {
  const secondary: string[] = [];
  const traditional: string[] = [];
  let mainSeen = false;
  for (const [i, d] of (encounter.diagnosis ?? []).entries()) {
    const condition = resolveReference(d.condition, read.index) as Condition | undefined;
    if (condition?.resourceType !== 'Condition') {
      read.warnings.push(
        warning(
          'VISIT_FHIR_REFERENCE_UNRESOLVED',
          `${read.places.get(encounter)}.diagnosis[${i}]`,
          'A diagnosis points at no Condition of the bundle; left out',
          'Chẩn đoán không trỏ tới Condition nào trong bundle; bỏ qua',
        ),
      );
      continue;
    }
    read.used.add(condition);
    const use = codeOf(d.use, DIAGNOSIS_ROLE);
    const icd10 = codeOf(condition.code, ICD10_SYSTEM);
    if (use === 'DD' && !mainSeen) {
      mainSeen = true;
      putText(row, 'MA_BENH_CHINH', icd10);
      putText(row, 'CHAN_DOAN_RV', condition.code?.text);
    } else if (use === 'AD') putText(row, 'CHAN_DOAN_VAO', condition.code?.text);
    else if (icd10 !== undefined) secondary.push(icd10);
    else {
      const yhct = codeOf(condition.code, read.cfg.codes.MA_BENH_YHCT);
      if (yhct !== undefined) traditional.push(yhct);
    }
  }
  putText(row, 'MA_BENH_KT', joined(secondary));
  putText(row, 'MA_BENH_YHCT', joined(traditional));
}

function warning(code: string, path: string, message: string, messageVi: string): ValidationIssue {
  return { code, path, message, messageVi };
}

/** Resources of a type pointing at `encounter` through `key`, in bundle order, marked used. */
function pointingAt<T extends Resource>(
  read: Read,
  type: T['resourceType'],
  key: string,
  encounter: Encounter,
): T[] {
  const out: T[] = [];
  for (const resource of read.resources) {
    const r = resource as T & Record<string, unknown>;
    if (r.resourceType !== type || read.used.has(r)) continue;
    if (encounterOf(read, r[key] as Reference | undefined) !== encounter) continue;
    read.used.add(r);
    out.push(r);
  }
  return out;
}

function xml1Row(read: Read, encounter: Encounter, procedures: Procedure[]): Row {
  const { ids, codes } = read.cfg;
  const row = extensionRow(encounter.extension, 'XML1');
  putText(row, 'MA_LK', encounter.identifier?.find((i) => i.system === ids.visit)?.value);
  putText(row, 'MA_HSBA', encounter.identifier?.find((i) => i.system === ids.medicalRecord)?.value);
  putText(row, 'MA_CSKCB', encounter.serviceProvider?.identifier?.value);
  putText(
    row,
    'MA_LOAI_KCB',
    encounter.type?.map((t) => codeOf(t, codes.MA_LOAI_KCB)).find((c) => c),
  );
  putDate(read, row, 'NGAY_VAO', encounter, 'period.start', encounter.period?.start);
  putDate(read, row, 'NGAY_RA', encounter, 'period.end', encounter.period?.end);
  const inpatient = encounter.classHistory?.find((h) => h.class?.code === 'IMP');
  putDate(read, row, 'NGAY_VAO_NOI_TRU', encounter, 'classHistory.period.start', inpatient?.period?.start);
  putText(row, 'LY_DO_VV', encounter.reasonCode?.[0]?.text);
  putText(row, 'MA_NOI_DI', encounter.hospitalization?.origin?.identifier?.value);
  putText(row, 'MA_NOI_DEN', encounter.hospitalization?.destination?.identifier?.value);
  putText(row, 'MA_LOAI_RV', codeOf(encounter.hospitalization?.dischargeDisposition, codes.MA_LOAI_RV));
  patientFields(read, row, encounter);
  diagnosisFields(read, row, encounter);
  putText(row, 'MA_PTTT_QT', joined(procedures.flatMap((p) => codesOf(p.code, ICD9CM_SYSTEM))));
  return orderRow('XML1', row);
}

function xml2Row(read: Read, m: MedicationStatement, visitId: string): Row {
  const { codes } = read.cfg;
  const row = extensionRow(m.extension, 'XML2');
  row.MA_LK = visitId;
  putText(row, 'MA_THUOC', codeOf(m.medicationCodeableConcept, codes.MA_THUOC));
  putText(row, 'TEN_THUOC', m.medicationCodeableConcept?.text);
  const field = m.status === 'completed' ? 'NGAY_TH_YL' : 'NGAY_YL';
  putDate(read, row, field, m, 'effectiveDateTime', m.effectiveDateTime);
  const dosage = m.dosage?.[0];
  putText(row, 'LIEU_DUNG', dosage?.text);
  putText(row, 'CACH_DUNG', dosage?.patientInstruction);
  putText(row, 'DUONG_DUNG', codeOf(dosage?.route, codes.DUONG_DUNG));
  return orderRow('XML2', row);
}

function xml3Row(read: Read, r: Procedure | ChargeItem, visitId: string): Row {
  const { codes } = read.cfg;
  const row = extensionRow(r.extension, 'XML3');
  row.MA_LK = visitId;
  if (r.resourceType === 'Procedure') {
    putText(row, 'MA_DICH_VU', codeOf(r.code, codes.MA_DICH_VU));
    putText(row, 'MA_PTTT_QT', joined(codesOf(r.code, ICD9CM_SYSTEM)));
    putText(row, 'TEN_DICH_VU', r.code?.text);
    putDate(read, row, 'NGAY_TH_YL', r, 'performedDateTime', r.performedDateTime);
    putText(row, 'MA_BENH', joined((r.reasonCode ?? []).flatMap((c) => codesOf(c, ICD10_SYSTEM))));
  } else {
    putText(row, 'MA_VAT_TU', codeOf(r.code, codes.MA_VAT_TU));
    putText(row, 'TEN_VAT_TU', r.code?.text);
    putDate(read, row, 'NGAY_TH_YL', r, 'occurrenceDateTime', r.occurrenceDateTime);
  }
  return orderRow('XML3', row);
}

function xml5Row(read: Read, n: ClinicalImpression, visitId: string): Row {
  const row = extensionRow(n.extension, 'XML5');
  row.MA_LK = visitId;
  putDate(read, row, 'THOI_DIEM_DBLS', n, 'effectiveDateTime', n.effectiveDateTime);
  putText(row, 'DIEN_BIEN_LS', n.summary);
  return orderRow('XML5', row);
}

const isXml3 = (r: Resource & { extension?: Extension[] }) =>
  rowExtensions(r.extension).some((e) => readRowExtension(e).table === 'XML3');

function visitOf(read: Read, encounter: Encounter, reports: LabReport[]): Visit {
  read.used.add(encounter);
  const procedures = pointingAt<Procedure>(read, 'Procedure', 'encounter', encounter);
  const visitProcedures = procedures.filter((p) => !isXml3(p));
  const visit = visitFromXml1(xml1Row(read, encounter, visitProcedures));
  const id = visit.id;
  visit.medications = pointingAt<MedicationStatement>(read, 'MedicationStatement', 'context', encounter).map(
    (m) => medicationFromXml2(xml2Row(read, m, id)),
  );
  // XML3 rows are Procedures and ChargeItems: bundle order keeps the table's order.
  const services = new Set<Resource>([
    ...procedures.filter(isXml3),
    ...pointingAt<ChargeItem>(read, 'ChargeItem', 'context', encounter),
  ]);
  visit.services = read.resources
    .filter((r): r is Procedure | ChargeItem => services.has(r))
    .map((r) => serviceFromXml3(xml3Row(read, r, id)));
  visit.notes = pointingAt<ClinicalImpression>(read, 'ClinicalImpression', 'encounter', encounter).map((n) =>
    noteFromXml5(xml5Row(read, n, id)),
  );
  // As the XML codec gives them: the visit's identifiers, no report identifier system when it is the default.
  const reportIds = read.cfg.lab.systems?.reportId ?? DEFAULT_LAB_SYSTEMS.reportId;
  visit.labReports = reports.map(({ idSystem, ...r }) => ({
    ...r,
    ...(idSystem !== undefined && idSystem !== reportIds ? { idSystem } : {}),
    patient: { identifiers: visit.patient.identifiers },
  }));
  const carried = rowExtensions(encounter.extension)
    .map(readRowExtension)
    .filter((r) => r.table === 'XML4')
    .map((r) => r.row);
  visit.labRows = carried.length > 0 ? carried : (reportsToXml4Rows(visit.labReports, read.cfg.lab) as Row[]);
  visit.otherTables = readTableExtensions(encounter.extension);
  return visit;
}

/** The file set's own facts and leftovers, from its Provenance. */
function fileSetFacts(read: Read): Pick<VisitFileSet, 'facility' | 'createdOn' | 'unlinked' | 'otherTables'> {
  let facility: string | undefined;
  let createdOn: string | undefined;
  const unlinked = new Map<string, Row[]>();
  let otherTables: RawTable[] = [];
  for (const p of read.resources) {
    if (p.resourceType !== 'Provenance') continue;
    const facts = p.extension?.find((x) => x.url === XML130_EXTENSIONS.fileSet);
    const rows = rowExtensions(p.extension).map(readRowExtension);
    const tables = readTableExtensions(p.extension);
    if (!facts && rows.length === 0 && tables.length === 0) continue;
    read.used.add(p);
    facility = subText(facts, 'facility') ?? facility;
    createdOn = subText(facts, 'createdOn') ?? createdOn;
    for (const { table, row } of rows) {
      const key = table ?? '';
      unlinked.set(key, [...(unlinked.get(key) ?? []), row]);
    }
    otherTables = [...otherTables, ...tables];
  }
  return {
    ...(facility !== undefined ? { facility } : {}),
    ...(createdOn !== undefined ? { createdOn } : {}),
    unlinked: [...unlinked].map(([table, rows]) => ({ table, rows })),
    otherTables,
  };
}

function decode(bundle: Bundle, options: VisitFhirOptions): FhirVisitDecodeResult {
  const cfg = visitFhirConfig(options);
  const read: Read = {
    cfg,
    bundle,
    index: indexBundle(bundle),
    places: new Map(),
    resources: [],
    encountersById: new Map(),
    used: new Set(),
    warnings: [],
  };
  const encounters: Encounter[] = [];
  for (const [i, e] of (bundle.entry ?? []).entries()) {
    const r = (e as { resource?: unknown } | null)?.resource as Resource | undefined;
    if (!r || typeof r !== 'object' || typeof r.resourceType !== 'string') continue;
    read.places.set(r, `Bundle.entry[${i}].resource`);
    read.resources.push(r);
    checkShape(r, `Bundle.entry[${i}].resource`);
    if (r.resourceType !== 'Encounter') continue;
    encounters.push(r);
    const id = r.identifier?.find((x) => x.system === cfg.ids.visit)?.value;
    if (id !== undefined && !read.encountersById.has(id)) read.encountersById.set(id, r);
  }
  const labs = decodeFhirBundle(bundle, cfg.lab);
  read.warnings.push(...labs.warnings);
  const reportsOf = new Map<Encounter, LabReport[]>();
  for (const [i, report] of labs.value.entries()) {
    const encounter =
      report.encounterId !== undefined ? read.encountersById.get(report.encounterId) : undefined;
    if (encounter) reportsOf.set(encounter, [...(reportsOf.get(encounter) ?? []), report]);
    else
      read.warnings.push(
        warning(
          'VISIT_FHIR_REPORT_UNLINKED',
          `DiagnosticReport[${i}]`,
          'A lab report points at no Encounter of the bundle; left out',
          'Kết quả xét nghiệm không trỏ tới Encounter nào trong bundle; bỏ qua',
        ),
      );
  }
  const visits = encounters.map((e) => visitOf(read, e, reportsOf.get(e) ?? []));
  const facts = fileSetFacts(read);
  // Lab resources are read by result-exchange; everything else not read is reported.
  const LAB = new Set(['DiagnosticReport', 'Observation', 'Specimen', 'Patient']);
  for (const [r, place] of read.places)
    if (!read.used.has(r) && !LAB.has(r.resourceType))
      read.warnings.push(
        warning(
          'VISIT_FHIR_RESOURCE_IGNORED',
          place,
          `${r.resourceType} is not part of a visit here; left out`,
          `${r.resourceType} không thuộc lượt khám nào; bỏ qua`,
        ),
      );
  return { value: { ...facts, visits }, warnings: read.warnings };
}

/** A Bundle given as JSON text or UTF-8 bytes, parsed; anything else as given. */
function parsedInput(input: unknown): unknown {
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) return input;
  const text = typeof input === 'string' ? input : new TextDecoder('utf-8').decode(input);
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ValidationError({
      code: 'VISIT_FHIR_JSON_INVALID',
      path: 'Bundle',
      message: `Not JSON: ${reason}`,
      messageVi: `Không phải JSON: ${reason}`,
    });
  }
}

/**
 * Decodes a FHIR R4 Bundle (an object, or its JSON as text or bytes; any type: the transaction
 * {@link encodeFhirVisitBundle} writes, a server's search set…) into visits: each Encounter with an
 * MA_LK identifier and what points at it. Every field the mapping reads is placed back in its XML 130
 * row and the row read as the XML codec reads it, so `encodeXml130` of the result writes the same
 * file set. What is left out (a resource tied to no visit, an unresolved reference) is in
 * `warnings`. Throws a `ValidationError` for input that is not a Bundle (`VISIT_FHIR_BUNDLE_INVALID`,
 * `VISIT_FHIR_JSON_INVALID`), or a date that is not a date-time (`VISIT_FHIR_DATE_INVALID`, with its
 * place: `Bundle.entry[3].resource.period.start`).
 * @example const { value: fileSet } = decodeFhirVisitBundle(await response.json());
 */
export function decodeFhirVisitBundle(input: unknown, options: VisitFhirOptions = {}): FhirVisitDecodeResult {
  const bundle = parsedInput(input);
  if (!isBundle(bundle) || (bundle.entry !== undefined && !Array.isArray(bundle.entry)))
    throw new ValidationError({
      code: 'VISIT_FHIR_BUNDLE_INVALID',
      path: 'Bundle',
      message: 'Expected a FHIR Bundle with an entry list',
      messageVi: 'Cần một FHIR Bundle có danh sách entry',
    });
  return decode(bundle, options);
}

/** {@link decodeFhirVisitBundle}, answering a `Result` instead of throwing. */
export function safeDecodeFhirVisitBundle(
  input: unknown,
  options: VisitFhirOptions = {},
): Result<FhirVisitDecodeResult, ValidationError> {
  return attempt<FhirVisitDecodeResult, ValidationError>(() => decodeFhirVisitBundle(input, options));
}
