import { stat } from 'node:fs/promises';
import { LienThongError, NotFoundError, ValidationError } from '@lienthong/core';
import type { Context } from 'hono';
import { type ExportLevel, parametersOf, parseExportRequest } from '../../export/bulk-request.js';
import { groupInvalid } from '../../export/cohort-group.js';
import {
  cohortsStore,
  type MemberSnapshot,
  memberKeyLists,
  patientKeyText,
} from '../../export/cohorts-store.js';
import type { BulkExports } from '../../export/jobs-runner.js';
import type { ExportJob } from '../../export/jobs-store.js';
import { FHIR_ID } from '../../limits.js';
import { auditRead } from '../audited-read.js';
import { readJsonBody } from '../body.js';
import type { RouteDeps } from '../deps.js';
import type { HubEnv } from '../env.js';
import { hubFactory } from '../factory.js';
import { sendFile } from '../send-file.js';
import { deidentifiedOnly, exportAccess, jobNotFound, otherFacility, ownJob } from './bulk-access.js';
import { cohortOf, cohortRoutes, groupNotFound } from './cohort-routes.js';
import { baseOf, fhirJson } from './respond.js';

/** Where a job's status is polled (and cancelled), and its files downloaded, under the facade's base. */
const STATUS = '$export-status';
const OUTPUT = '$export-output';
const NDJSON = 'application/fhir+ndjson';

const informational = (text: string) => ({
  resourceType: 'OperationOutcome',
  issue: [{ severity: 'information', code: 'informational', diagnostics: text }],
});

const asyncRequired = () =>
  new ValidationError({
    code: 'BULK_RESPOND_ASYNC_REQUIRED',
    message: 'A bulk export runs asynchronously: send the header "Prefer: respond-async".',
    messageVi: 'Lệnh xuất hàng loạt chạy bất đồng bộ: hãy gửi header "Prefer: respond-async".',
    path: 'header.prefer',
  });

const deidentifyUnavailable = () =>
  new ValidationError({
    code: 'BULK_DEIDENTIFY_UNAVAILABLE',
    message: 'This hub has no de-identification configured: de-identified exports are not served.',
    messageVi: 'Sàn này chưa cấu hình khử định danh: không phục vụ lệnh xuất dữ liệu đã khử định danh.',
    path: 'query._deidentify',
  });

/** The audit entry of an export interaction: a population-level read, naming the job (and file), no patient. */
const auditExport = (deps: RouteDeps, c: Context<HubEnv>, action: string, resourceId: string) =>
  auditRead(deps.audit, c, { action, resourceType: 'BulkExport', resourceId });

/** The manifest of a completed job (Bulk Data v2 "complete status"). */
function manifestOf(base: string, job: ExportJob) {
  const url = (name: string) => `${base}/${OUTPUT}/${job.id}/${name}`;
  const files = (list: readonly { type: string; name: string; count: number }[]) =>
    list.map((f) => ({ type: f.type, url: url(f.name), count: f.count }));
  return {
    transactionTime: job.transactionTime,
    request: job.request.url,
    requiresAccessToken: true,
    output: files(job.output?.output ?? []),
    deleted: [],
    error: files(job.output?.error ?? []),
    ...(job.request.deidentify ? { extension: { 'urn:lienthong:bulk:deidentified': true } } : {}),
  };
}

/** Whether an `Accept` header admits NDJSON (no header: yes). */
function acceptsNdjson(accept: string | undefined): boolean {
  if (!accept) return true;
  return accept
    .split(',')
    .map((part) => part.split(';')[0]!.trim().toLowerCase())
    .some((t) => ['application/fhir+ndjson', 'application/ndjson', 'application/*', '*/*'].includes(t));
}

/**
 * FHIR Bulk Data Access (v2) export on the facade: kick-off at `$export` (system),
 * `Patient/$export` and `Group/<facility code or saved cohort id>/$export`, by GET or POST (a
 * `Parameters` body; `patient` is POSTed only); saved cohorts themselves (`cohort-routes.ts`);
 * status at `$export-status/<job>` (202 with `X-Progress` and `Retry-After`, then the manifest;
 * DELETE cancels); files at `$export-output/<job>/<file>`. Needs the `export` scope (or
 * `export-deidentified`, or `admin`); a facility exports its own records and patients, an
 * administrator every facility's. Kick-offs, downloads and cancellations are audited.
 */
export function bulkRoutes(deps: RouteDeps, exports: BulkExports) {
  const app = hubFactory.createApp();
  const cohorts = cohortsStore(deps.store);

  /**
   * The patients an export is restricted to: those of the `patient` parameter (their identifiers
   * in the directory; each one a member of the cohort, when the Group is one), else the cohort's
   * members; undefined: no restriction.
   */
  const membersOf = async (
    patients: readonly string[] | undefined,
    cohort: string | undefined,
  ): Promise<MemberSnapshot | undefined> => {
    if (patients === undefined) return cohort === undefined ? undefined : { cohortId: cohort };
    const lists = await memberKeyLists(
      deps.db,
      patients.map((patientId) => ({ patientId })),
      (i) => `parameter.patient[${i}]`,
    );
    if (cohort !== undefined) {
      const inCohort = await cohorts.membersAmong(cohort, lists.flat());
      const outside = lists.findIndex((keys) => !keys.some((k) => inCohort.has(patientKeyText(k))));
      if (outside >= 0)
        throw groupInvalid(
          `parameter.patient[${outside}]`,
          `parameter.patient[${outside}] is not a member of the Group.`,
          `parameter.patient[${outside}] không phải thành viên của nhóm.`,
        );
    }
    // Two patients never share a key in the directory; once each all the same (the snapshot's key).
    return { keys: [...new Map(lists.flat().map((k) => [patientKeyText(k), k])).values()] };
  };

  app.route('/', cohortRoutes(deps));

  const kickOff = (level: ExportLevel) => async (c: Context<HubEnv>) => {
    const caller = c.get('caller');
    const access = exportAccess(caller);
    const prefer = c.req.header('prefer') ?? '';
    if (!/\brespond-async\b/i.test(prefer)) throw asyncRequired();
    const url = new URL(c.req.url);
    // `_format` is the format of an OperationOutcome answer: JSON, whatever it says.
    const pairs: [string, string][] = [...url.searchParams].filter(([k]) => k !== '_format');
    if (c.req.method === 'POST') pairs.push(...parametersOf(await readJsonBody(c, { optional: true })));
    const groupId = level === 'group' ? c.req.param('id') : undefined;
    if (groupId !== undefined && !FHIR_ID.test(groupId)) throw groupNotFound();
    const request = parseExportRequest(pairs, {
      level,
      ...(groupId !== undefined ? { groupId } : {}),
      lenient: /\bhandling\s*=\s*lenient\b/i.test(prefer),
      queryNames: [...url.searchParams.keys()],
    });
    // A Group is a facility (by its code) first, else a saved cohort the caller may use.
    let cohort: string | undefined;
    if (groupId !== undefined) {
      const facility = await deps.db
        .selectFrom('facilities')
        .select('code')
        .where('code', '=', groupId)
        .executeTakeFirst();
      if (facility) {
        if (!access.admin && groupId !== caller.facilityCode) throw otherFacility();
      } else {
        cohort = (await cohortOf(deps, caller, groupId, access.admin))?.id;
        if (cohort === undefined) throw groupNotFound();
      }
    }
    const members = await membersOf(request.patients, cohort);
    if (access.deidentifiedOnly) {
      if (pairs.some(([k, v]) => k === '_deidentify' && v === 'false')) throw deidentifiedOnly();
      request.deidentify = true;
    }
    if (request.deidentify && !exports.canDeidentify) throw deidentifyUnavailable();
    const id = await exports.kickOff({
      facilityCode: caller.facilityCode,
      credentialId: caller.credentialId,
      // An administrator's cohort export reads every facility's records of its members.
      scopeFacility: access.admin ? (cohort === undefined ? groupId : undefined) : caller.facilityCode,
      members,
      request: {
        ...request,
        ...(cohort !== undefined ? { cohort } : {}),
        url: `${c.get('publicUrl')}${c.req.path}${url.search}`,
        reader: { facility: caller.facilityCode, purpose: caller.purpose },
      },
    });
    await auditExport(deps, c, 'fhir-export', id);
    c.header('content-location', `${baseOf(c)}/${STATUS}/${id}`);
    return fhirJson(c, informational(`Export ${id} queued.`), 202);
  };

  for (const [path, level] of [
    ['/$export', 'system'],
    ['/Patient/$export', 'patient'],
    ['/Group/:id/$export', 'group'],
  ] as const) {
    app.get(path, kickOff(level));
    app.post(path, kickOff(level));
  }

  /** The caller's job named by the path (403 without an export scope, 404 when not theirs). */
  const jobOfRequest = async (c: Context<HubEnv>) => {
    const caller = c.get('caller');
    exportAccess(caller);
    const id = c.req.param('job') ?? '';
    return ownJob(caller, FHIR_ID.test(id) ? await exports.get(id) : undefined);
  };

  app.get(`/${STATUS}/:job`, async (c) => {
    const job = await jobOfRequest(c);
    if (job.state === 'completed') {
      if (job.expiresAt) c.header('expires', new Date(job.expiresAt).toUTCString());
      return c.json(manifestOf(baseOf(c), job), 200);
    }
    if (job.state === 'failed')
      throw new LienThongError({
        code: job.error?.code ?? 'BULK_EXPORT_FAILED',
        message: `The export failed: ${job.error?.message ?? 'unknown error'}`,
        messageVi: `Lệnh xuất thất bại: ${job.error?.messageVi ?? 'lỗi không xác định'}`,
        details: { status: 500 },
      });
    c.header('x-progress', job.progress);
    c.header('retry-after', String(exports.retryAfterSeconds));
    return c.body(null, 202);
  });

  app.delete(`/${STATUS}/:job`, async (c) => {
    const job = await jobOfRequest(c);
    if (!(await exports.cancel(job.id))) throw jobNotFound();
    await auditExport(deps, c, 'fhir-export-cancel', job.id);
    return fhirJson(c, informational(`Export ${job.id} cancelled; its files are deleted.`), 202);
  });

  app.get(`/${OUTPUT}/:job/:file`, async (c) => {
    const job = await jobOfRequest(c);
    const name = c.req.param('file');
    const path = exports.fileOf(job, name);
    if (!path)
      throw new NotFoundError({
        code: 'BULK_FILE_NOT_FOUND',
        message: 'The export lists no such file.',
        messageVi: 'Lệnh xuất không có tệp này.',
      });
    if (!acceptsNdjson(c.req.header('accept')))
      throw new LienThongError({
        code: 'BULK_ACCEPT_UNSUPPORTED',
        message: `Export files are ${NDJSON} (Accept: ${NDJSON}).`,
        messageVi: `Tệp xuất có định dạng ${NDJSON} (Accept: ${NDJSON}).`,
        details: { status: 406 },
      });
    const size = (await stat(path).catch(() => undefined))?.size;
    if (size === undefined) throw jobNotFound();
    await auditExport(deps, c, 'fhir-export-download', `${job.id}/${name}`);
    // The connection closes after it: a keep-alive connection that carried a streamed body held
    // the hub's close() for ~3 s (@hono/node-server 1.19, measured); a file download is worth its
    // own connection anyway.
    return sendFile(c, path, size, { 'content-type': NDJSON, connection: 'close' });
  });

  return app;
}
