import { NotFoundError, parseWith } from '@lienthong/core';
import { REPORT_STATUSES } from '@lienthong/result-exchange';
import type { Hono } from 'hono';
import * as z from 'zod';
import { checkId } from '../../limits.js';
import { getReport, publishReport, queryReportDocuments, reportHistory } from '../../records/lab-reports.js';
import { type HubEnv, publisherOf, requireScope } from '../app.js';
import { ownRecordsListing, searchAction } from '../search-scope.js';
import { auditRead, idempotentWrite, type RouteDeps } from './deps.js';
import { pageParams, patientParam, requiredToken, storedJsonPage } from './params.js';

const dateOrDateTime = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);
// Built once: a zod schema compiles itself on first use, which costs more than the query it checks.
const ReportFilters = z.object({
  since: dateOrDateTime.optional(),
  until: dateOrDateTime.optional(),
  facility: z.string().min(1).optional(),
  status: z.array(z.enum(REPORT_STATUSES)).optional(),
});

const notFound = (id: string) =>
  new NotFoundError({
    code: 'LAB_REPORT_NOT_FOUND',
    message: `No lab report ${id}.`,
    messageVi: `Không có phiếu kết quả ${id}.`,
  });

/**
 * Lab reports: idempotent publish (as the caller's facility only), get, history, and a query of one
 * patient's reports or of the caller's own (`facility`). Reads are audited.
 */
export function labReportRoutes(app: Hono<HubEnv>, { db, store, audit }: RouteDeps): void {
  idempotentWrite(app, 'post', '/lab-reports', store, async (trx, caller, body) => {
    const receipt = await publishReport(trx, publisherOf(caller), body);
    return { created: receipt.outcome === 'created', answer: receipt };
  });

  app.get('/lab-reports/:id/history', async (c) => {
    requireScope(c.get('caller'), 'read');
    const id = c.req.param('id');
    checkId(id, 'id');
    const versions = await reportHistory(db, id);
    await auditRead(audit, c.get('caller'), {
      action: 'history',
      resourceType: 'LabReport',
      resourceId: id,
      patient: versions[0]?.patient.identifiers[0],
    });
    if (versions.length === 0) throw notFound(id);
    return c.json({ items: versions });
  });

  app.get('/lab-reports/:id', async (c) => {
    requireScope(c.get('caller'), 'read');
    const id = c.req.param('id');
    checkId(id, 'id');
    const report = await getReport(db, id);
    await auditRead(audit, c.get('caller'), {
      action: 'read',
      resourceType: 'LabReport',
      resourceId: id,
      patient: report?.patient.identifiers[0],
    });
    if (!report) throw notFound(id);
    return c.json(report);
  });

  // One patient per search, or the caller's own records (`facility`): see search-scope.ts.
  app.get('/lab-reports', async (c) => {
    const caller = c.get('caller');
    requireScope(caller, 'read');
    const q = c.req.query();
    const rawPatient = patientParam(c, 'patient');
    const patient = rawPatient === undefined ? undefined : requiredToken(rawPatient, 'patient');
    const own = ownRecordsListing(caller, {
      names: patient !== undefined,
      facility: q.facility,
      patientPath: 'query.patient',
      facilityPath: 'query.facility',
    });
    const codes = (c.req.queries('code') ?? [])
      .map((raw) => requiredToken(raw, 'code'))
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
    await auditRead(audit, caller, {
      action: searchAction('search', own),
      resourceType: 'LabReport',
      patient,
    });
    return storedJsonPage(c, page);
  });
}
