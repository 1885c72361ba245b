import {
  type ChargeItem,
  type ClinicalImpression,
  type Coding,
  type Extension,
  type MedicationStatement,
  type Procedure,
  type Reference,
  VN_CORE_PROFILES,
} from '@lienthong/core';
import { toFhirResources } from '@lienthong/result-exchange/fhir';
import { reportsToXml4Rows } from '@lienthong/result-exchange/xml4';
import type { Visit } from '../model.js';
import { serviceToXml3 } from '../xml130/tables.js';
import type { Row } from '../xml130/xml.js';
import { add, type BundleWriter, entryId, icd10Coding, optional, type VisitRefs } from './bundle-writer.js';
import { RowCursor } from './row-cursor.js';
import { rowExtension } from './source-extensions.js';
import { conceptOf } from './vocabulary.js';

/** The rows of XML2, XML3, XML4 and XML5 as FHIR resources of one visit. */

const codingOf = (system: string, code: string | undefined): Coding[] =>
  code === undefined ? [] : [{ system, code }];

/** An XML2 row as a MedicationStatement. */
export function medicationStatement(ctx: BundleWriter, refs: VisitRefs, row: Row, index: number): void {
  const { codes } = ctx.cfg;
  const c = new RowCursor(row);
  c.text('MA_LK');
  const medication = conceptOf(codingOf(codes.MA_THUOC, c.text('MA_THUOC')), c.text('TEN_THUOC'));
  // Given (NGAY_TH_YL) → completed at that time; only ordered (NGAY_YL) → active since the order.
  const givenAt = c.dateTime('NGAY_TH_YL');
  const effective = givenAt ?? c.dateTime('NGAY_YL');
  const doseText = c.text('LIEU_DUNG');
  const instruction = c.text('CACH_DUNG');
  const route = codingOf(codes.DUONG_DUNG, c.text('DUONG_DUNG'));
  const hasDosage = doseText !== undefined || instruction !== undefined || route.length > 0;
  const identifier = entryId(ctx, refs, `XML2:${index}`);
  add<MedicationStatement>(
    ctx,
    {
      resourceType: 'MedicationStatement',
      meta: { profile: [VN_CORE_PROFILES.medicationStatement] },
      extension: [rowExtension('XML2', c.rest())],
      identifier: [identifier],
      status: givenAt !== undefined ? 'completed' : 'active',
      medicationCodeableConcept: medication,
      subject: refs.subject,
      context: refs.encounter,
      ...optional('effectiveDateTime', effective),
      ...(hasDosage
        ? {
            dosage: [
              {
                ...optional('text', doseText),
                ...optional('patientInstruction', instruction),
                ...(route.length > 0 ? { route: { coding: route } } : {}),
              },
            ],
          }
        : {}),
    },
    identifier,
  );
}

/** An XML3 row: a service with its code is a Procedure; a supply line without one is a ChargeItem. */
export function serviceResource(ctx: BundleWriter, refs: VisitRefs, visit: Visit, index: number): void {
  const { codes } = ctx.cfg;
  const service = visit.services[index]!;
  const c = new RowCursor(serviceToXml3(service, refs.visitId));
  c.text('MA_LK');
  const identifier = entryId(ctx, refs, `XML3:${index}`);
  const serviceCode = c.text('MA_DICH_VU');
  const performed = c.dateTime('NGAY_TH_YL');
  if (serviceCode !== undefined) {
    if (service.procedures.length > 0) c.text('MA_PTTT_QT');
    if (service.diagnoses.length > 0) c.text('MA_BENH');
    const code = conceptOf(
      [{ system: codes.MA_DICH_VU, code: serviceCode }, ...service.procedures.map((p) => ({ ...p }))],
      c.text('TEN_DICH_VU'),
    );
    add<Procedure>(
      ctx,
      {
        resourceType: 'Procedure',
        extension: [rowExtension('XML3', c.rest())],
        identifier: [identifier],
        status: 'completed',
        code,
        subject: refs.subject,
        encounter: refs.encounter,
        ...optional('performedDateTime', performed),
        ...(service.diagnoses.length > 0
          ? { reasonCode: service.diagnoses.map((d) => ({ coding: [icd10Coding(ctx, d)] })) }
          : {}),
      },
      identifier,
    );
    return;
  }
  const code = conceptOf(codingOf(codes.MA_VAT_TU, c.text('MA_VAT_TU')), c.text('TEN_VAT_TU'));
  add<ChargeItem>(
    ctx,
    {
      resourceType: 'ChargeItem',
      extension: [rowExtension('XML3', c.rest())],
      identifier: [identifier],
      status: 'billable',
      code,
      subject: refs.subject,
      context: refs.encounter,
      ...optional('occurrenceDateTime', performed),
    },
    identifier,
  );
}

/** An XML5 row as a ClinicalImpression. */
export function courseNote(ctx: BundleWriter, refs: VisitRefs, row: Row, index: number): void {
  const c = new RowCursor(row);
  c.text('MA_LK');
  const identifier = entryId(ctx, refs, `XML5:${index}`);
  const at = c.dateTime('THOI_DIEM_DBLS');
  const summary = c.text('DIEN_BIEN_LS');
  add<ClinicalImpression>(
    ctx,
    {
      resourceType: 'ClinicalImpression',
      extension: [rowExtension('XML5', c.rest())],
      identifier: [identifier],
      status: 'completed',
      subject: refs.subject,
      encounter: refs.encounter,
      ...optional('effectiveDateTime', at),
      ...optional('summary', summary),
    },
    identifier,
  );
}

/** The lab reports through result-exchange, pointed at this visit's Patient and Encounter entries. */
export function labReports(ctx: BundleWriter, refs: VisitRefs, visit: Visit): Extension[] {
  for (const [i, report] of visit.labReports.entries()) {
    const { entries } = toFhirResources(
      { ...report, encounterId: refs.visitId },
      { ...ctx.cfg.lab, type: ctx.tx ? 'transaction' : 'collection', includePatient: false },
    );
    for (const e of entries) {
      const r = e.resource as { subject?: Reference; encounter?: Reference } | undefined;
      if (r?.subject) r.subject = refs.subject;
      if (r && 'encounter' in r && r.encounter) r.encounter = refs.encounter;
      // A scoped store also tells the report apart by its place in the visit (its id is the report's own).
      if (ctx.entryScope && e.resource?.resourceType === 'DiagnosticReport')
        e.resource.identifier = [...(e.resource.identifier ?? []), entryId(ctx, refs, `XML4:${i}`)];
      ctx.entries.push(e);
    }
  }
  // The rows travel as such only when the reports do not give them back (a row the XML4 codec could not read).
  const rebuilt = reportsToXml4Rows(visit.labReports, ctx.cfg.lab);
  return JSON.stringify(rebuilt) === JSON.stringify(visit.labRows)
    ? []
    : visit.labRows.map((row) => rowExtension('XML4', row));
}
