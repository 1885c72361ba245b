import {
  type DiagnosticReport,
  type IdentifierValue,
  type Observation,
  type Resource,
  ValidationError,
} from '@lienthong/core';
import type { ImagingReference } from '@lienthong/imaging';
import { IMAGING_REPORT_IDENTIFIER_SYSTEM } from '@lienthong/imaging/fhir';
import { REPORT_STATUSES, type ReportStatus } from '@lienthong/result-exchange';
import type { Context } from 'hono';
import { getImaging, queryImaging } from '../../records/imaging.js';
import {
  getReportByFhirId,
  getReportVersion,
  queryReportRecords,
  type ReportFilter,
  reportVersionsByFhirId,
} from '../../records/lab-reports.js';
import { needs } from '../auth.js';
import type { RouteDeps } from '../deps.js';
import type { HubEnv } from '../env.js';
import { hubFactory } from '../factory.js';
import { ownRecordsListing } from '../search-scope.js';
import { resourceSpec } from './capability.js';
import { patientScope } from './patient-scope.js';
import {
  historyBundle,
  imagingReportResource,
  parseObservationId,
  reportResources,
  searchset,
  subset,
} from './resources.js';
import {
  auditSearch,
  baseOf,
  fhirJson,
  type Interaction,
  notFound,
  readInstance,
  readOf,
  selfOf,
} from './respond.js';
import {
  checkSort,
  elementsOf,
  includesOf,
  instantRange,
  oneValue,
  pageOf,
  readSearch,
  type SearchRequest,
  type Token,
  tokens,
} from './search-params.js';

const REPORT = resourceSpec('DiagnosticReport');
const OBSERVATION = resourceSpec('Observation');
/** What a search of imaging reports (by study UID) takes: it has no patient, date or code of its own. */
const IMAGING_REPORT_PARAMS = REPORT.searchParams.filter((p) =>
  ['identifier', '_count', '_cursor', '_offset', '_elements'].includes(p.name),
);
const FHIR_REPORT_STATUS = 'http://hl7.org/fhir/diagnostic-report-status';
const REPORT_READ = readOf('DiagnosticReport', 'phiếu kết quả');
const REPORT_HISTORY: Interaction = { ...REPORT_READ, action: 'fhir-history' };
const REPORT_VREAD: Interaction = {
  action: 'fhir-vread',
  resourceType: 'DiagnosticReport',
  notFound: () => notFound('DiagnosticReport version', 'phiên bản phiếu kết quả'),
};

const systemRequired = (name: string) =>
  new ValidationError({
    code: 'FHIR_PARAMETER_INVALID',
    message: `Parameter ${name} needs "system|code".`,
    messageVi: `Tham số ${name} cần dạng "system|code".`,
    path: `query.${name}`,
  });

/** `code` tokens (system required) as the records' code filter. */
function codesOf(search: SearchRequest): { system: string; code: string }[] | undefined {
  if (!search.has('code')) return undefined;
  return tokens(search.all('code'), 'code').map((t) => {
    if (!t.system) throw systemRequired('code');
    return { system: t.system, code: t.value };
  });
}

function statusesOf(search: SearchRequest): ReportStatus[] | undefined {
  if (!search.has('status')) return undefined;
  return tokens(search.all('status'), 'status').map((t) => {
    if (
      (t.system !== undefined && t.system !== FHIR_REPORT_STATUS) ||
      !REPORT_STATUSES.includes(t.value as ReportStatus)
    )
      throw new ValidationError({
        code: 'FHIR_PARAMETER_INVALID',
        message: `Unknown report status ${JSON.stringify(t.value)} (known: ${REPORT_STATUSES.join(', ')}).`,
        messageVi: `Trạng thái phiếu không hợp lệ ${JSON.stringify(t.value)} (hợp lệ: ${REPORT_STATUSES.join(', ')}).`,
        path: 'query.status',
      });
    return t.value as ReportStatus;
  });
}

/** Whether a resource's identifiers hold one of the tokens. */
const holdsIdentifier = (resource: DiagnosticReport, wanted: readonly Token[]) =>
  (resource.identifier ?? []).some((i) =>
    wanted.some((t) => t.value === i.value && (t.system === undefined || t.system === (i.system ?? ''))),
  );

/** Whether an Observation carries one of the codes. */
const hasCode = (o: Observation, codes: readonly { system: string; code: string }[]) =>
  (o.code.coding ?? []).some((k) => codes.some((c) => c.system === k.system && c.code === k.code));

/**
 * The filter and page shared by DiagnosticReport and Observation searches, which name a patient or
 * report ids, or list the caller's own reports (`facility`): see search-scope.ts.
 */
async function reportQuery(
  c: Context<HubEnv>,
  deps: RouteDeps,
  search: SearchRequest,
  identifiers: Token[] | undefined,
) {
  checkSort(search, 'date');
  const scope = await patientScope(deps.db, search, { systemRequired: true });
  const facility = oneValue(search, 'facility');
  const own = ownRecordsListing(c.get('caller'), {
    names: scope !== undefined || identifiers !== undefined,
    facility,
  });
  const codes = codesOf(search);
  const status = statusesOf(search);
  const filter: ReportFilter = {
    ...(scope ? { anyPatient: scope.identifiers } : {}),
    ...(facility !== undefined ? { facility } : {}),
    ...(identifiers
      ? { ids: [...new Set(identifiers.filter((t) => t.system !== '').map((t) => t.value))] }
      : {}),
    ...(codes ? { codes } : {}),
    ...(status ? { status } : {}),
    ...instantRange(search.all('date'), 'date'),
  };
  const page = await queryReportRecords(deps.db, filter, pageOf(search));
  return { named: scope?.named, own, codes, page };
}

/**
 * `DiagnosticReport?identifier=urn:lienthong:sid:imaging-report|<uid>`: the reports of imaging
 * studies, read again against what such a search takes (strict or lenient alike).
 */
async function imagingReportSearch(c: Context<HubEnv>, deps: RouteDeps, identifiers: Token[]) {
  const search = readSearch(c, IMAGING_REPORT_PARAMS);
  if (identifiers.some((t) => t.system !== IMAGING_REPORT_IDENTIFIER_SYSTEM))
    throw new ValidationError({
      code: 'FHIR_PARAMETER_UNSUPPORTED',
      message: 'Imaging report identifiers are searched alone, not with other identifiers.',
      messageVi: 'Mã phiếu kết quả chẩn đoán hình ảnh chỉ tìm riêng, không kèm mã khác.',
      path: 'query.identifier',
    });
  const elements = elementsOf(search);
  const page = await queryImaging(deps.db, {}, pageOf(search), {
    studyUids: [...new Set(identifiers.map((t) => t.value))],
  });
  const withReport = page.items.filter((r) => r.report);
  await auditSearch(
    deps.audit,
    c,
    'DiagnosticReport',
    { own: false, path: 'query.identifier' },
    withReport.map((r) => r.patient.identifiers),
  );
  const matches = withReport.map((r) => subset(imagingReportResource(r)!, elements));
  return fhirJson(c, searchset(selfOf(c, search), matches, [], page.nextCursor));
}

/** DiagnosticReport (lab reports, and imaging reports by identifier), Observation and Specimen. */
export function reportRoutes(deps: RouteDeps) {
  const { db, audit } = deps;
  const reports = hubFactory.createApp();

  reports.get('/DiagnosticReport', needs('read'), async (c) => {
    const search = readSearch(c, REPORT.searchParams, { include: REPORT.searchInclude ?? [] });
    const identifiers = search.has('identifier') ? tokens(search.all('identifier'), 'identifier') : undefined;
    if (identifiers?.some((t) => t.system === IMAGING_REPORT_IDENTIFIER_SYSTEM))
      return imagingReportSearch(c, deps, identifiers);
    const include = includesOf(search);
    const elements = elementsOf(search);
    const query = await reportQuery(c, deps, search, identifiers);
    const found = query.page.items
      .map((stored) => ({ stored, resources: reportResources(stored) }))
      .filter(({ resources }) => !identifiers || holdsIdentifier(resources.report, identifiers));
    await auditSearch(
      audit,
      c,
      'DiagnosticReport',
      { ...query, path: 'query.identifier' },
      found.map((f) => f.stored.report.patient.identifiers),
    );
    const matches = found.map((f) => subset(f.resources.report, elements));
    const included: Resource[] = found.flatMap(({ resources }) => [
      ...(include.has('DiagnosticReport:specimen') && resources.specimen ? [resources.specimen] : []),
      ...(include.has('DiagnosticReport:result') ? resources.observations : []),
    ]);
    return fhirJson(c, searchset(selfOf(c, search), matches, included, query.page.nextCursor));
  });

  reports.get('/DiagnosticReport/:id', needs('read'), async (c) => {
    const { answer } = await readInstance(audit, c, REPORT_READ, async (id) => {
      const stored = await getReportByFhirId(db, id);
      // Not a lab report: the report of an imaging study (same id as its ImagingStudy)?
      const imaging = stored ? undefined : await getImaging(db, id);
      return {
        answer: stored ? reportResources(stored).report : imaging && imagingReportResource(imaging),
        patient: (stored?.report ?? imaging)?.patient.identifiers[0],
      };
    });
    return fhirJson(c, answer);
  });

  /** Every version of a report (an imaging report: its current state only; it is updated in place). */
  async function versionsOf(id: string) {
    const versions = await reportVersionsByFhirId(db, id);
    if (versions.length > 0)
      return {
        patient: versions[0]!.report.patient.identifiers[0],
        resources: versions.map((v, i) => ({ resource: reportResources(v).report, created: i === 0 })),
      };
    const imaging: ImagingReference | undefined = await getImaging(db, id);
    const dr = imaging && imagingReportResource(imaging);
    return {
      patient: imaging?.patient.identifiers[0],
      resources: dr ? [{ resource: dr as Resource, created: false }] : [],
    };
  }

  reports.get('/DiagnosticReport/:id/_history', needs('read'), async (c) => {
    const { answer, search } = await readInstance(audit, c, REPORT_HISTORY, async (id) => {
      const { patient, resources } = await versionsOf(id);
      return { answer: resources.length > 0 ? resources : undefined, patient };
    });
    return fhirJson(c, historyBundle(selfOf(c, search).href, baseOf(c), answer));
  });

  reports.get('/DiagnosticReport/:id/_history/:vid', needs('read'), async (c) => {
    const { answer } = await readInstance(audit, c, REPORT_VREAD, async (id) => {
      const { patient, resources } = await versionsOf(id);
      return {
        answer: resources.find((r) => r.resource.meta?.versionId === c.req.param('vid')),
        patient,
      };
    });
    return fhirJson(c, answer.resource);
  });

  reports.get('/Observation', needs('read'), async (c) => {
    const search = readSearch(c, OBSERVATION.searchParams);
    const elements = elementsOf(search);
    const query = await reportQuery(c, deps, search, undefined);
    const found = query.page.items.map((stored) => ({
      stored,
      observations: reportResources(stored).observations.filter(
        (o) => !query.codes || hasCode(o as Observation, query.codes),
      ),
    }));
    await auditSearch(
      audit,
      c,
      'Observation',
      { ...query, path: 'query.patient' },
      found.filter((f) => f.observations.length > 0).map((f) => f.stored.report.patient.identifiers),
    );
    const matches = found.flatMap((f) => f.observations).map((o) => subset(o, elements));
    return fhirJson(c, searchset(selfOf(c, search), matches, [], query.page.nextCursor));
  });

  /** Reads a resource of a stored report version (current or superseded). */
  const versionPart = (
    type: 'Observation' | 'Specimen',
    vi: string,
    pick: (id: string) => { rowId: string; index: number } | undefined,
  ) =>
    reports.get(`/${type}/:id`, needs('read'), async (c) => {
      const { answer } = await readInstance(audit, c, readOf(type, vi), async (id) => {
        const at = pick(id);
        const stored = at ? await getReportVersion(db, at.rowId) : undefined;
        const resources = stored && reportResources(stored);
        return {
          answer: type === 'Specimen' ? resources?.specimen : resources?.observations[at?.index ?? -1],
          patient: stored?.report.patient.identifiers[0] as IdentifierValue | undefined,
        };
      });
      return fhirJson(c, answer);
    });
  versionPart('Observation', 'kết quả xét nghiệm', parseObservationId);
  versionPart('Specimen', 'mẫu bệnh phẩm', (id) => ({ rowId: id, index: 0 }));

  return reports;
}
