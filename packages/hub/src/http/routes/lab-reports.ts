import { NotFoundError, parseWith } from '@lienthong/core';
import { REPORT_STATUSES } from '@lienthong/result-exchange';
import type { Context } from 'hono';
import * as z from 'zod';
import { checkId } from '../../limits.js';
import { getReport, publishReport, queryReportDocuments, reportHistory } from '../../records/lab-reports.js';
import { auditedRead, auditRead, type Found, foundRecord } from '../audited-read.js';
import { needs } from '../auth.js';
import type { RouteDeps } from '../deps.js';
import type { HubEnv } from '../env.js';
import { hubFactory } from '../factory.js';
import { ownRecordsListing, searchAction } from '../search-scope.js';
import { publishWrite } from './idempotent-write.js';
import { pageParams, patientParam, readRequiredToken, storedJsonPage } from './params.js';

const dateOrDateTime = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);
// Built once: a zod schema compiles itself on first use, which costs more than the query it checks.
const ReportFilters = z.object({
  since: dateOrDateTime.optional(),
  until: dateOrDateTime.optional(),
  facility: z.string().min(1).optional(),
  status: z.array(z.enum(REPORT_STATUSES)).optional(),
});

const reportNotFound = (id: string) =>
  new NotFoundError({
    code: 'LAB_REPORT_NOT_FOUND',
    message: `No lab report ${id}.`,
    messageVi: `Không có phiếu kết quả ${id}.`,
  });

/**
 * `/v1/lab-reports`: idempotent publish (as the caller's facility only), get, history, and a
 * query of one patient's reports or of the caller's own (`facility`). Reads are audited.
 */
export function labReportRoutes({ db, store, audit }: RouteDeps) {
  const reports = hubFactory.createApp();

  reports.post('/', needs('write'), publishWrite(store, publishReport));

  /** `action` (read, history) of the report `:id` names, audited found or not; 404 when there is none. */
  const readReport = <T>(c: Context<HubEnv>, action: string, read: (id: string) => Promise<Found<T>>) => {
    const id = c.req.param('id') ?? ''; // always there: both routes take `:id`
    checkId(id, 'id');
    return auditedRead(
      audit,
      c,
      { action, resourceType: 'LabReport', resourceId: id },
      () => read(id),
      () => reportNotFound(id),
    );
  };

  reports.get('/:id/history', needs('read'), async (c) => {
    const items = await readReport(c, 'history', async (id) => {
      const versions = await reportHistory(db, id);
      return {
        answer: versions.length > 0 ? versions : undefined,
        patient: versions[0]?.patient.identifiers[0],
      };
    });
    return c.json({ items });
  });

  reports.get('/:id', needs('read'), async (c) =>
    c.json(await readReport(c, 'read', async (id) => foundRecord(await getReport(db, id)))),
  );

  // One patient per search, or the caller's own records (`facility`): see search-scope.ts.
  reports.get('/', needs('read'), async (c) => {
    const q = c.req.query();
    const rawPatient = patientParam(c, 'patient');
    const patient = rawPatient === undefined ? undefined : readRequiredToken(rawPatient, 'patient');
    const own = ownRecordsListing(c.get('caller'), {
      names: patient !== undefined,
      facility: q.facility,
    });
    const codes = (c.req.queries('code') ?? [])
      .map((raw) => readRequiredToken(raw, 'code'))
      .map((t) => ({ system: t.system, code: t.value }));
    const filters = parseWith(
      ReportFilters,
      { since: q.since, until: q.until, facility: q.facility, status: c.req.queries('status') },
      { code: 'HUB_PARAMETER_INVALID', pathPrefix: 'query' },
    );
    const page = await queryReportDocuments(
      db,
      {
        ...filters,
        ...(patient ? { patient } : {}),
        ...(codes.length ? { codes } : {}),
      },
      pageParams(c),
    );
    await auditRead(audit, c, {
      action: searchAction('search', own),
      resourceType: 'LabReport',
      patient,
    });
    return storedJsonPage(c, page);
  });

  return reports;
}
