import type {
  Bundle,
  Condition,
  Encounter,
  EncounterDiagnosis,
  Extension,
  Identifier,
  Organization,
  Patient,
  Procedure,
  Provenance,
  Reference,
} from '@lienthong/core';
import {
  facilityRecordSystem,
  identifierSystemName,
  newUrnUuid,
  safeParseNationalDateTime,
  ValidationError,
  VN_CORE_PROFILES,
  type WithWarnings,
} from '@lienthong/core';
import { parseVisitFileSet, type Visit, type VisitFileSet } from '../model.js';
import { medicationToXml2, noteToXml5, visitToXml1 } from '../xml130/tables.js';
import {
  add,
  type BundleWriter,
  conditionalPost,
  entryId,
  icd10Coding,
  optional,
  type VisitRefs,
} from './bundle-writer.js';
import { courseNote, labReports, medicationStatement, serviceResource } from './encode-rows.js';
import { type VisitFhirOptions, visitFhirConfig } from './options.js';
import { RowCursor } from './row-cursor.js';
import { rowExtension, tableExtension, textExtension, XML130_EXTENSIONS } from './source-extensions.js';
import {
  AMBULATORY,
  CONDITION_CATEGORY,
  conceptOf,
  type DiagnosisUse,
  diagnosisUse,
  INPATIENT,
} from './vocabulary.js';

/** Options of {@link encodeFhirVisitBundle}. */
export interface EncodeFhirVisitBundleOptions extends VisitFhirOptions {
  /** `transaction` (default: conditional creates on business identifiers, ready to POST) or `collection`. */
  type?: 'transaction' | 'collection';
  /**
   * The prefix of each visit's entry identifiers (`<prefix>:<table>:<index>`; default its MA_LK):
   * a store holding visits of several facilities, or several versions of one, gives each its own
   * (the `fhir` visit history uses `<facility>:<MA_LK>:v<version>`) so their identifiers never collide.
   */
  entryScope?: (visit: Visit) => string;
}

const GENDER: Record<string, Patient['gender']> = { '1': 'male', '2': 'female', '3': 'unknown' };

/**
 * The visit's Patient (SO_CCCD and MA_THE_BHYT as the model's identifiers, MA_BN as the facility's
 * record number, HO_TEN, GIOI_TINH, NGAY_SINH); visits of one patient with the same facts share one.
 */
function patientOf(
  ctx: BundleWriter,
  visit: Visit,
  c: RowCursor,
  facility: string | undefined,
): Reference<Patient> {
  const identifier: Identifier[] = visit.patient.identifiers.map((i) => ({
    system: i.system,
    value: i.value,
  }));
  const names = new Set(visit.patient.identifiers.map((i) => identifierSystemName(i.system)));
  if (names.has('cccd')) c.text('SO_CCCD');
  if (names.has('bhyt')) c.text('MA_THE_BHYT');
  const localId = facility !== undefined ? c.text('MA_BN') : undefined;
  if (localId !== undefined) identifier.push({ system: facilityRecordSystem(facility!), value: localId });
  const name = c.text('HO_TEN');
  const sexCode = c.peek('GIOI_TINH');
  const gender = sexCode !== undefined ? GENDER[sexCode] : undefined;
  if (gender) c.text('GIOI_TINH');
  // FHIR's birthDate has no time: a birth time other than 00:00 also stays in the row extension.
  const birthText = c.peek('NGAY_SINH');
  const birth = birthText !== undefined ? safeParseNationalDateTime(birthText) : undefined;
  if (birth?.ok && birthText!.endsWith('0000')) c.text('NGAY_SINH');
  const patient: Patient = {
    resourceType: 'Patient',
    meta: { profile: [VN_CORE_PROFILES.patient] },
    ...(identifier.length > 0 ? { identifier } : {}),
    ...(name !== undefined ? { name: [{ text: name }] } : {}),
    ...optional('gender', gender),
    ...(birth?.ok ? { birthDate: birth.value.slice(0, 10) } : {}),
  };
  const key = JSON.stringify(patient);
  const known = ctx.patients.get(key);
  if (known) return known;
  const ref = add(ctx, patient, identifier[0]);
  ctx.patients.set(key, ref);
  return ref;
}

/** One Condition of the visit with its role on the Encounter. */
function condition(
  ctx: BundleWriter,
  refs: VisitRefs,
  part: string,
  code: Condition['code'],
  use: DiagnosisUse,
  rank?: number,
): EncounterDiagnosis {
  const identifier = entryId(ctx, refs, part);
  const resource: Condition = {
    resourceType: 'Condition',
    meta: { profile: [VN_CORE_PROFILES.conditionEncounterDiagnosis] },
    identifier: [identifier],
    category: [{ coding: [{ system: CONDITION_CATEGORY, code: 'encounter-diagnosis' }] }],
    ...(code ? { code } : {}),
    subject: refs.subject,
    encounter: refs.encounter,
  };
  return { condition: add(ctx, resource, identifier), use: diagnosisUse(use), ...optional('rank', rank) };
}

function diagnoses(ctx: BundleWriter, refs: VisitRefs, visit: Visit, c: RowCursor): EncounterDiagnosis[] {
  const out: EncounterDiagnosis[] = [];
  const main = visit.mainDiagnosis;
  if (main) c.text('MA_BENH_CHINH');
  const mainText = c.text('CHAN_DOAN_RV');
  if (main || mainText !== undefined)
    out.push(
      condition(
        ctx,
        refs,
        'MA_BENH_CHINH',
        conceptOf(main ? [icd10Coding(ctx, main)] : [], mainText),
        'DD',
        1,
      ),
    );
  const admission = c.text('CHAN_DOAN_VAO');
  if (admission !== undefined) out.push(condition(ctx, refs, 'CHAN_DOAN_VAO', { text: admission }, 'AD'));
  if (visit.secondaryDiagnoses.length > 0) c.text('MA_BENH_KT');
  for (const [i, d] of visit.secondaryDiagnoses.entries())
    out.push(condition(ctx, refs, `MA_BENH_KT:${i}`, { coding: [icd10Coding(ctx, d)] }, 'CM', i + 2));
  if (visit.traditionalDiagnoses.length > 0) c.text('MA_BENH_YHCT');
  for (const [i, code] of visit.traditionalDiagnoses.entries())
    out.push(
      condition(
        ctx,
        refs,
        `MA_BENH_YHCT:${i}`,
        { coding: [{ system: ctx.cfg.codes.MA_BENH_YHCT, code }] },
        'CM',
      ),
    );
  return out;
}

/** The visit's procedures of XML1 (MA_PTTT_QT, ICD-9-CM). */
function visitProcedures(ctx: BundleWriter, refs: VisitRefs, visit: Visit, c: RowCursor): void {
  if (visit.procedures.length > 0) c.text('MA_PTTT_QT');
  for (const [i, p] of visit.procedures.entries()) {
    const identifier = entryId(ctx, refs, `MA_PTTT_QT:${i}`);
    add<Procedure>(
      ctx,
      {
        resourceType: 'Procedure',
        identifier: [identifier],
        status: 'completed',
        code: { coding: [{ system: p.system, code: p.code }] },
        subject: refs.subject,
        encounter: refs.encounter,
      },
      identifier,
    );
  }
}

function encounterOf(ctx: BundleWriter, visit: Visit): void {
  const { ids, codes } = ctx.cfg;
  const c = new RowCursor(visitToXml1(visit));
  const visitId = c.text('MA_LK') ?? '';
  const facility = c.peek('MA_CSKCB') || undefined;
  const subject = patientOf(ctx, visit, c, facility);
  const encounterId: Identifier | undefined = visitId ? { system: ids.visit, value: visitId } : undefined;
  // The Encounter is written last but referenced first: its fullUrl is reserved now.
  const fullUrl = newUrnUuid();
  const refs: VisitRefs = {
    subject,
    encounter: { reference: fullUrl, ...(encounterId ? { identifier: encounterId } : {}) },
    visitId: visitId || fullUrl,
    scope: ctx.entryScope?.(visit) ?? (visitId || fullUrl),
  };
  const diagnosis = diagnoses(ctx, refs, visit, c);
  visitProcedures(ctx, refs, visit, c);
  for (const [i, m] of visit.medications.entries())
    medicationStatement(ctx, refs, medicationToXml2(m, visit.id), i);
  for (const i of visit.services.keys()) serviceResource(ctx, refs, visit, i);
  for (const [i, n] of visit.notes.entries()) courseNote(ctx, refs, noteToXml5(n, visit.id), i);
  const labRowExtensions = labReports(ctx, refs, visit);

  const start = c.dateTime('NGAY_VAO');
  const end = c.dateTime('NGAY_RA');
  const inpatientAt = c.dateTime('NGAY_VAO_NOI_TRU');
  const medicalRecord = c.text('MA_HSBA');
  const type = c.text('MA_LOAI_KCB');
  const reason = c.text('LY_DO_VV');
  const from = c.text('MA_NOI_DI');
  const to = c.text('MA_NOI_DEN');
  const disposition = c.text('MA_LOAI_RV');
  if (facility !== undefined) c.text('MA_CSKCB');
  const facilityRef = (code: string): Reference<Organization> => ({
    type: 'Organization',
    identifier: { system: ids.facility, value: code },
  });
  const hospitalization = {
    ...(from !== undefined ? { origin: facilityRef(from) } : {}),
    ...(to !== undefined ? { destination: facilityRef(to) } : {}),
    ...(disposition !== undefined
      ? { dischargeDisposition: { coding: [{ system: codes.MA_LOAI_RV, code: disposition }] } }
      : {}),
  };
  const encounter: Encounter = {
    resourceType: 'Encounter',
    meta: { profile: [VN_CORE_PROFILES.encounter] },
    extension: [
      rowExtension('XML1', c.rest()),
      ...visit.otherTables.map(tableExtension),
      ...labRowExtensions,
    ],
    identifier: [
      ...(encounterId ? [encounterId] : []),
      ...(medicalRecord !== undefined ? [{ system: ids.medicalRecord, value: medicalRecord }] : []),
    ],
    status: end !== undefined ? 'finished' : 'in-progress',
    class: inpatientAt !== undefined ? INPATIENT : AMBULATORY,
    ...(inpatientAt !== undefined
      ? { classHistory: [{ class: INPATIENT, period: { start: inpatientAt, ...optional('end', end) } }] }
      : {}),
    ...(type !== undefined ? { type: [{ coding: [{ system: codes.MA_LOAI_KCB, code: type }] }] } : {}),
    subject,
    ...(start !== undefined || end !== undefined
      ? { period: { ...optional('start', start), ...optional('end', end) } }
      : {}),
    ...(reason !== undefined ? { reasonCode: [{ text: reason }] } : {}),
    ...(diagnosis.length > 0 ? { diagnosis } : {}),
    ...(Object.keys(hospitalization).length > 0 ? { hospitalization } : {}),
    ...(facility !== undefined ? { serviceProvider: facilityRef(facility) } : {}),
  };
  ctx.entries.push({
    fullUrl,
    resource: encounter,
    ...(ctx.tx ? { request: conditionalPost('Encounter', encounterId) } : {}),
  });
}

/** What the file set says beyond its visits, on a Provenance over every resource written. */
function provenance(ctx: BundleWriter, set: VisitFileSet): void {
  const extension: Extension[] = [
    ...(set.facility !== undefined ? [textExtension('facility', set.facility)] : []),
    ...(set.createdOn !== undefined ? [textExtension('createdOn', set.createdOn)] : []),
  ];
  const leftovers = [
    ...set.unlinked.flatMap((u) => u.rows.map((row) => rowExtension(u.table, row))),
    ...set.otherTables.map(tableExtension),
  ];
  if (extension.length === 0 && leftovers.length === 0) return;
  const target = ctx.entries.map((e) => ({ reference: e.fullUrl! }));
  const resource: Provenance = {
    resourceType: 'Provenance',
    extension: [
      ...(extension.length > 0 ? [{ url: XML130_EXTENSIONS.fileSet, extension }] : []),
      ...leftovers,
    ],
    // A Provenance needs a target: a file set of leftovers only points at itself.
    target: target.length > 0 ? target : [{ display: 'XML 130 file set' }],
    recorded: new Date().toISOString(),
    agent: [
      {
        who:
          set.facility !== undefined
            ? { type: 'Organization', identifier: { system: ctx.cfg.ids.facility, value: set.facility } }
            : { display: 'XML 130 file set' },
      },
    ],
  };
  ctx.entries.push({
    fullUrl: newUrnUuid(),
    resource,
    ...(ctx.tx ? { request: { method: 'POST', url: 'Provenance' } } : {}),
  });
}

/**
 * Encodes visits as one FHIR R4 Bundle (`value`), VN Core profiles declared: per visit an Encounter
 * (MA_LK, period, class, type, diagnoses with their role and rank, discharge disposition, referral,
 * facility), its Patient, Conditions (ICD-10), Procedures (ICD-9-CM, and XML3 services), ChargeItems
 * (XML3 supplies), MedicationStatements (XML2), ClinicalImpressions (XML5) and the lab reports
 * through result-exchange, all referencing the Encounter and the Patient by `urn:uuid` and by
 * identifier. Fields with no FHIR element travel in the `xml130-row` extension and other tables in
 * `xml130-table`, so {@link decodeFhirVisitBundle} gives the same visits back. The value is checked
 * first (`VISIT_FILE_SET_INVALID`).
 * @example const { value: bundle } = encodeFhirVisitBundle(decodeXml130(xml).value);
 */
export function encodeFhirVisitBundle(
  input: VisitFileSet | readonly Visit[],
  options: EncodeFhirVisitBundleOptions = {},
): WithWarnings<Bundle> {
  const set = parseVisitFileSet(
    Array.isArray(input) ? { visits: input, unlinked: [], otherTables: [] } : input,
  );
  const ctx: BundleWriter = {
    cfg: visitFhirConfig(options),
    tx: (options.type ?? 'transaction') === 'transaction',
    entries: [],
    patients: new Map(),
    ...(options.entryScope ? { entryScope: options.entryScope } : {}),
  };
  for (const [i, visit] of set.visits.entries()) {
    try {
      encounterOf(ctx, visit);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      throw new ValidationError({
        code: 'VISIT_FHIR_ENCODE_FAILED',
        path: `visits[${i}]${error.path ? `.${error.path}` : ''}`,
        message: `Visit ${i} cannot be written as FHIR: ${error.message}`,
        messageVi: `Không ghi được lượt khám ${i} thành FHIR: ${error.messageVi}`,
      });
    }
  }
  provenance(ctx, set);
  return {
    value: { resourceType: 'Bundle', type: options.type ?? 'transaction', entry: ctx.entries },
    warnings: [],
  };
}
