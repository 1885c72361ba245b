import type { Bundle, BundleEntry, CapabilityStatement, Resource } from '@lienthong/core';
import {
  LienThongError,
  NotFoundError,
  toLienThongError,
  toOperationOutcome,
  ValidationError,
} from '@lienthong/core';
import { toFhirImagingStudy } from '@lienthong/imaging/fhir';
import { toFhirPatient } from '@lienthong/patient-id';
import type { LabReport } from '@lienthong/result-exchange';
import { toFhirResources } from '@lienthong/result-exchange/fhir';
import type { Context, Hono } from 'hono';
import { fhirId } from '../fhir-id.js';
import { getImaging, queryImaging } from '../records/imaging.js';
import { getReport, queryReports } from '../records/lab-reports.js';
import { searchPatients } from '../records/patients.js';
import { type HubEnv, requireScope } from './app.js';
import { problemOf } from './problem.js';
import { auditRead, type RouteDeps } from './routes/deps.js';
import { tokenParam } from './routes/params.js';

const FHIR_JSON = 'application/fhir+json';

/** The patient token of FHIR searches: `patient:identifier`, `subject:identifier` or `patient.identifier`. */
function patientToken(c: Context<HubEnv>) {
  const raw =
    c.req.query('patient:identifier') ??
    c.req.query('subject:identifier') ??
    c.req.query('patient.identifier') ??
    c.req.query('subject.identifier');
  return tokenParam(raw, 'patient:identifier');
}

function dateBounds(values: string[] | undefined, name: string): { since?: string; until?: string } {
  const out: { since?: string; until?: string } = {};
  for (const v of values ?? []) {
    const m = /^(ge|gt|le|lt|eq)?(\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?)$/.exec(v);
    if (!m)
      throw new ValidationError({
        code: 'FHIR_PARAMETER_INVALID',
        message: `Unsupported ${name} value ${JSON.stringify(v)}.`,
        messageVi: `Giá trị ${name} không được hỗ trợ: ${JSON.stringify(v)}.`,
        path: `query.${name}`,
      });
    const [, prefix = 'eq', date] = m;
    if (prefix === 'ge' || prefix === 'gt' || prefix === 'eq') out.since = date!;
    if (prefix === 'le' || prefix === 'lt' || prefix === 'eq')
      out.until = date!.length === 10 ? `${date}T23:59:59+07:00` : date!;
  }
  return out;
}

/** The resources of one report with server ids, `urn:uuid` links rewritten to `Type/id`. */
function reportResources(report: LabReport, base: string): BundleEntry[] {
  const resources = toFhirResources(report, { type: 'collection', includePatient: false });
  const reportId = fhirId(`${report.id}`);
  const ids = new Map<string, string>();
  resources.entries.forEach((entry, i) => {
    const r = entry.resource!;
    const id =
      r.resourceType === 'DiagnosticReport' ? reportId : fhirId(`${report.id}#${r.resourceType}#${i}`);
    ids.set(entry.fullUrl!, `${r.resourceType}/${id}`);
  });
  let json = JSON.stringify(resources.entries);
  for (const [urn, ref] of ids) json = json.split(JSON.stringify(urn)).join(JSON.stringify(ref));
  return (JSON.parse(json) as BundleEntry[]).map((entry) => {
    const [type, id] = entry.fullUrl!.split('/') as [string, string];
    return { fullUrl: `${base}/${type}/${id}`, resource: { ...entry.resource!, id } as Resource };
  });
}

function searchset(
  c: Context<HubEnv>,
  matches: BundleEntry[],
  includes: BundleEntry[],
  nextCursor: string | null,
): Bundle {
  const self = new URL(c.req.url);
  const next = new URL(self.href);
  if (nextCursor) next.searchParams.set('_cursor', nextCursor);
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    link: [
      { relation: 'self', url: self.href },
      ...(nextCursor ? [{ relation: 'next', url: next.href }] : []),
    ],
    entry: [
      ...matches.map((e) => ({ ...e, search: { mode: 'match' as const } })),
      ...includes.map((e) => ({ ...e, search: { mode: 'include' as const } })),
    ],
  };
}

const page = (c: Context<HubEnv>) => {
  const count = Number(c.req.query('_count') ?? 50);
  const limit = Number.isInteger(count) && count >= 1 && count <= 500 ? count : 50;
  const cursor = c.req.query('_cursor');
  return cursor ? { limit, cursor } : { limit };
};

/**
 * A read-and-search FHIR R4 facade over the hub's data, so plain FHIR clients can read it:
 * `metadata`, `Patient`, `DiagnosticReport` (with `_include=DiagnosticReport:result`),
 * `Observation`, `ImagingStudy` (Endpoints contained). Writes go through the hub API. Every read
 * of patient data is audited like the API's.
 */
export function fhirFacade(app: Hono<HubEnv>, { db, audit }: RouteDeps): void {
  const fhir = (c: Context<HubEnv>, body: unknown, status = 200) =>
    c.body(JSON.stringify(body), status as 200, { 'content-type': FHIR_JSON });
  const baseOf = (c: Context<HubEnv>) => `${new URL(c.req.url).origin}/fhir`;

  app.onError((error, c) => {
    const family = error instanceof LienThongError ? error : toLienThongError(error);
    return fhir(c, toOperationOutcome(family), problemOf(family).status);
  });

  app.get('/metadata', (c) => {
    const search = (names: string[]) => names.map((name) => ({ name, type: 'token' as const }));
    const statement: CapabilityStatement = {
      resourceType: 'CapabilityStatement',
      status: 'active',
      date: '2026-11-25',
      kind: 'instance',
      fhirVersion: '4.0.1',
      format: ['json'],
      software: { name: 'Liên Thông hub FHIR facade' },
      implementation: { description: 'Liên Thông exchange hub (read and search)', url: baseOf(c) },
      rest: [
        {
          mode: 'server',
          resource: [
            {
              type: 'Patient',
              interaction: [{ code: 'read' }, { code: 'search-type' }],
              searchParam: search(['identifier', 'family', 'given', 'name', 'birthdate', 'gender']),
            },
            {
              type: 'DiagnosticReport',
              interaction: [{ code: 'read' }, { code: 'search-type' }],
              searchParam: search(['patient', 'subject', 'code', 'date', 'status']),
              searchInclude: ['DiagnosticReport:result'],
            },
            {
              type: 'Observation',
              interaction: [{ code: 'search-type' }],
              searchParam: search(['patient', 'subject', 'code', 'date']),
            },
            {
              type: 'ImagingStudy',
              interaction: [{ code: 'read' }, { code: 'search-type' }],
              searchParam: search(['patient', 'subject', 'modality', 'started']),
            },
          ],
        },
      ],
    };
    return fhir(c, statement);
  });

  app.get('/Patient', async (c) => {
    const caller = c.get('caller');
    requireScope(caller, 'read');
    const identifier = tokenParam(c.req.query('identifier'), 'identifier', { systemOptional: true });
    const gender = c.req.query('gender');
    const result = await searchPatients(
      db,
      {
        ...(identifier ? { identifier } : {}),
        ...(c.req.query('family') ? { family: c.req.query('family')! } : {}),
        ...(c.req.query('given') ? { given: c.req.query('given')! } : {}),
        ...(c.req.query('birthdate') ? { birthDate: c.req.query('birthdate')! } : {}),
        ...(gender === 'male' || gender === 'female' || gender === 'other' || gender === 'unknown'
          ? { sex: gender }
          : {}),
        ...(c.req.query('name') ? ({ name: c.req.query('name') } as object) : {}),
      },
      page(c),
    );
    await auditRead(audit, caller, { action: 'fhir-search', resourceType: 'Patient', patient: identifier });
    const base = baseOf(c);
    const matches = result.items.map((r) => ({
      fullUrl: `${base}/Patient/${r.id}`,
      resource: { ...toFhirPatient(r), id: r.id } as Resource,
    }));
    return fhir(c, searchset(c, matches, [], result.nextCursor));
  });

  app.get('/Patient/:id', async (c) => {
    const caller = c.get('caller');
    requireScope(caller, 'read');
    const row = await db
      .selectFrom('patients')
      .select('document')
      .where('id', '=', c.req.param('id'))
      .executeTakeFirst();
    const record = row ? JSON.parse(row.document) : undefined;
    await auditRead(audit, caller, {
      action: 'fhir-read',
      resourceType: 'Patient',
      resourceId: c.req.param('id'),
      patient: record?.identifiers?.[0],
    });
    if (!record)
      throw new NotFoundError({
        code: 'FHIR_NOT_FOUND',
        message: 'Patient not found.',
        messageVi: 'Không tìm thấy người bệnh.',
      });
    return fhir(c, { ...toFhirPatient(record), id: record.id });
  });

  const reportSearch = async (c: Context<HubEnv>, kind: 'DiagnosticReport' | 'Observation') => {
    const caller = c.get('caller');
    requireScope(caller, 'read');
    const patient = patientToken(c);
    const codes = (c.req.queries('code') ?? [])
      .flatMap((v) => v.split(','))
      .map((t) => tokenParam(t, 'code')!)
      .filter((t) => t.system)
      .map((t) => ({ system: t.system!, code: t.value }));
    const statuses = (c.req.queries('status') ?? []).flatMap((v) => v.split(','));
    const result = await queryReports(
      db,
      {
        ...(patient?.system ? { patient: { system: patient.system, value: patient.value } } : {}),
        ...(codes.length ? { codes } : {}),
        ...(statuses.length ? { status: statuses as LabReport['status'][] } : {}),
        ...dateBounds(c.req.queries('date'), 'date'),
      },
      page(c),
    );
    await auditRead(audit, caller, { action: 'fhir-search', resourceType: kind, patient });
    const base = baseOf(c);
    const perReport = result.items.map((r) => reportResources(r, base));
    if (kind === 'Observation') {
      const obs = perReport.flat().filter((e) => e.resource?.resourceType === 'Observation');
      return fhir(c, searchset(c, obs, [], result.nextCursor));
    }
    const include = (c.req.queries('_include') ?? []).includes('DiagnosticReport:result');
    const matches = perReport.map(
      (entries) => entries.find((e) => e.resource?.resourceType === 'DiagnosticReport')!,
    );
    const included = include
      ? perReport.flatMap((entries) => entries.filter((e) => e.resource?.resourceType !== 'DiagnosticReport'))
      : [];
    return fhir(c, searchset(c, matches, included, result.nextCursor));
  };
  app.get('/DiagnosticReport', (c) => reportSearch(c, 'DiagnosticReport'));
  app.get('/Observation', (c) => reportSearch(c, 'Observation'));

  app.get('/DiagnosticReport/:id', async (c) => {
    const caller = c.get('caller');
    requireScope(caller, 'read');
    const id = c.req.param('id');
    // The FHIR id is the report id itself, or its hash when the report id is not a valid FHIR id.
    const row = await db
      .selectFrom('lab_reports')
      .select('id')
      .where('fhir_id', '=', id)
      .where('current', '=', 1)
      .executeTakeFirst();
    const report = row ? await getReport(db, row.id) : undefined;
    await auditRead(audit, caller, {
      action: 'fhir-read',
      resourceType: 'DiagnosticReport',
      resourceId: id,
      patient: report?.patient.identifiers[0],
    });
    if (!report)
      throw new NotFoundError({
        code: 'FHIR_NOT_FOUND',
        message: 'DiagnosticReport not found.',
        messageVi: 'Không tìm thấy phiếu kết quả.',
      });
    return fhir(
      c,
      reportResources(report, baseOf(c)).find((e) => e.resource?.resourceType === 'DiagnosticReport')!
        .resource,
    );
  });

  const imagingResource = (uid: string, ref: Parameters<typeof toFhirImagingStudy>[0]) => {
    const { imagingStudy } = toFhirImagingStudy(ref, { ids: { imagingStudy: fhirId(uid) } });
    return { ...imagingStudy, id: fhirId(uid) } as Resource;
  };

  app.get('/ImagingStudy', async (c) => {
    const caller = c.get('caller');
    requireScope(caller, 'read');
    const patient = patientToken(c);
    const { since, until } = dateBounds(c.req.queries('started'), 'started');
    const result = await queryImaging(
      db,
      {
        ...(patient ? { patientIdentifier: patient } : {}),
        ...(c.req.query('modality')
          ? { modality: tokenParam(c.req.query('modality'), 'modality', { systemOptional: true })!.value }
          : {}),
        ...(since ? { dateFrom: since.slice(0, 10) } : {}),
        ...(until ? { dateTo: until.slice(0, 10) } : {}),
      },
      page(c),
    );
    await auditRead(audit, caller, { action: 'fhir-search', resourceType: 'ImagingStudy', patient });
    const base = baseOf(c);
    const matches = result.items.map((r) => ({
      fullUrl: `${base}/ImagingStudy/${fhirId(r.studyInstanceUid)}`,
      resource: imagingResource(r.studyInstanceUid, r),
    }));
    return fhir(c, searchset(c, matches, [], result.nextCursor));
  });

  app.get('/ImagingStudy/:id', async (c) => {
    const caller = c.get('caller');
    requireScope(caller, 'read');
    const id = c.req.param('id');
    const reference = await getImaging(db, id);
    await auditRead(audit, caller, {
      action: 'fhir-read',
      resourceType: 'ImagingStudy',
      resourceId: id,
      patient: reference?.patient.identifiers[0],
    });
    if (!reference)
      throw new NotFoundError({
        code: 'FHIR_NOT_FOUND',
        message: 'ImagingStudy not found.',
        messageVi: 'Không tìm thấy ca chụp.',
      });
    return fhir(c, imagingResource(id, reference));
  });
}
