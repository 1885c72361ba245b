import { createHash } from 'node:crypto';
import { type Icd10, loadIcd10 } from '@lienthong/catalogue/icd10';
import {
  type IdentifierValue,
  isLienThongError,
  NotFoundError,
  parseWith,
  ValidationError,
} from '@lienthong/core';
import type { PatientSummary, Visit, VisitFileSet } from '@lienthong/visits';
import {
  type DisclosurePolicy,
  type DisclosureReader,
  discloseVisits,
  parseVisitKey,
} from '@lienthong/visits/provider-kit';
import { decodeXml130 } from '@lienthong/visits/xml130';
import type { Context } from 'hono';
import type { Kysely } from 'kysely';
import * as z from 'zod';
import type { HubDatabase } from '../../db/schema.js';
import { checkId } from '../../limits.js';
import {
  getVisit,
  pageOfVisits,
  patientSummarySources,
  patientVisits,
  publishVisit,
  publishVisitFileSet,
  visitVersions,
} from '../../records/visits.js';
import type { SummaryPool } from '../../summary/summary-pool.js';
import {
  type SummaryAnswer,
  type SummaryContext,
  summaryBytes,
  summaryOf,
} from '../../summary/summary-task.js';
import { afterSent } from '../after-sent.js';
import { auditedRead, auditRead } from '../audited-read.js';
import { needs, publisherOf } from '../auth.js';
import { isXmlMediaType, readXmlBody } from '../body.js';
import type { RouteDeps } from '../deps.js';
import type { HubEnv } from '../env.js';
import { hubFactory } from '../factory.js';
import { jsonBytes } from '../json-bytes.js';
import { idempotentWrite, publishWrite, type ReadBody } from './idempotent-write.js';
import { pageParams, readRequiredToken } from './params.js';

const dateOrDateTime = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);
// Built once: a zod schema compiles itself on first use, which costs more than the query it checks.
const VisitFilters = z.object({
  since: dateOrDateTime.optional(),
  until: dateOrDateTime.optional(),
  facility: z.string().min(1).max(200).optional(),
  visitType: z.array(z.string().min(1).max(20)).optional(),
  diagnosis: z.string().min(1).max(20).optional(),
});
const SummaryParams = z.object({ asOf: z.iso.datetime({ offset: true }).optional() });

/** `value` as a JSON answer: the bytes and headers of `c.json(value)`, made by {@link jsonBytes}. */
const jsonAnswer = (c: Context<HubEnv>, value: unknown) =>
  c.body(jsonBytes(value), 200, { 'Content-Type': 'application/json' });

/** Options of {@link visitRoutes} and {@link patientVisitRoutes}. */
export interface VisitRouteOptions {
  /** Sensitive diagnoses withheld from readers of other facilities (already validated). */
  disclosurePolicy: DisclosurePolicy;
  /** Worker threads that make summaries off the event loop; without them, summaries are made on it. */
  summaries?: SummaryPool | undefined;
}

const visitNotFound = (key: string) =>
  new NotFoundError({
    code: 'VISIT_NOT_FOUND',
    message: `No visit ${key}.`,
    messageVi: `Không có lượt khám ${key}.`,
  });

// ICD-10 is read once, on the first file set or summary: checks of the diagnoses, names in summaries.
let icd10: Promise<Icd10> | undefined;
const icd10List = (): Promise<Icd10> => {
  icd10 ??= loadIcd10().catch((error: unknown) => {
    icd10 = undefined;
    throw error;
  });
  return icd10;
};

/**
 * A whole XML 130 file set (`GIAMDINHHS`), decoded strictly on the hub: any error is 400
 * `XML130_INVALID` (or `XML130_UNREADABLE`) listing every problem with its place. Its fingerprint
 * is the digest of its bytes.
 */
const xmlFileSet: ReadBody<VisitFileSet> = async (c) => {
  const bytes = await readXmlBody(c);
  const checker = await icd10List();
  let fileSet: VisitFileSet;
  try {
    fileSet = decodeXml130(bytes, { icd10: checker }).value;
  } catch (error) {
    if (isLienThongError(error)) throw error;
    throw new ValidationError({
      code: 'HUB_XML_UNREADABLE',
      message: 'The request body could not be read as an XML 130 file set.',
      messageVi: 'Không đọc được nội dung yêu cầu như một bộ hồ sơ XML 130.',
      path: 'body',
      cause: error,
    });
  }
  return { value: fileSet, text: createHash('sha256').update(bytes).digest('hex') };
};

/**
 * The patient's summary as `reader` may see it under `policy`: the patient's visits disclosed,
 * summarized with ICD-10 names and the imaging studies the hub holds (`summary.withheld` counts
 * what the policy withheld). The one summary of the REST API and of the FHIR facade's
 * `Patient/$summary`.
 */
export async function patientSummary(
  db: Kysely<HubDatabase>,
  policy: DisclosurePolicy,
  reader: DisclosureReader,
  patient: IdentifierValue,
  asOf?: string,
): Promise<PatientSummary> {
  const sources = await patientSummarySources(db, patient);
  return summaryOf({ policy, reader, patient, asOf, ...sources }, await icd10List());
}

/**
 * {@link patientSummary} as the bytes of its JSON, made by a worker of `summaries` when the hub
 * has them (`summary/summary-pool.ts`), else on the event loop: the same bytes either way.
 */
async function patientSummaryBytes(
  db: Kysely<HubDatabase>,
  summaries: SummaryPool | undefined,
  context: Omit<SummaryContext, 'imaging'>,
): Promise<SummaryAnswer> {
  const input = { ...context, ...(await patientSummarySources(db, context.patient)) };
  return summaries ? summaries.summarize(input) : summaryBytes(input, await icd10List());
}

/** Who reads, for the disclosure policy: the caller's facility and purpose of use. */
export const readerOf = (c: Context<HubEnv>): DisclosureReader => {
  const caller = c.get('caller');
  return { facility: caller.facilityCode, purpose: caller.purpose };
};

/**
 * `/v1/visits`: idempotent publish of a visit (JSON) or of a whole XML 130 file set
 * (`application/xml`; all its visits or none), as the caller's facility only; get and history by
 * key. Reads are audited and pass the disclosure policy.
 */
export function visitRoutes({ db, store, audit }: RouteDeps, { disclosurePolicy }: VisitRouteOptions) {
  const visits = hubFactory.createApp();
  const disclose = (c: Context<HubEnv>, list: readonly Visit[]) =>
    discloseVisits(list, disclosurePolicy, readerOf(c));

  const publishJson = publishWrite(store, publishVisit);
  const publishXml = idempotentWrite(
    store,
    async (trx, caller, fileSet: VisitFileSet) => {
      const receipts = await publishVisitFileSet(trx, publisherOf(caller), fileSet);
      return { created: receipts.some((r) => r.outcome === 'created'), answer: { receipts } };
    },
    xmlFileSet,
  );
  visits.post('/', needs('write'), (c, next) =>
    isXmlMediaType(c.req.header('content-type')) ? publishXml(c, next) : publishJson(c, next),
  );

  /** `action` of the visit `:key` names (its versions, as the reader may see them), audited found or not. */
  const readVisit = async (c: Context<HubEnv>, action: string, read: (key: string) => Promise<Visit[]>) => {
    const key = c.req.param('key') ?? ''; // always there: both routes take `:key`
    const parsed = parseVisitKey(key);
    // No visit can have another key: like an unknown one, not found (nothing about a patient read).
    if (!parsed) throw visitNotFound(key);
    checkId(parsed.facility, 'key');
    checkId(parsed.id, 'key');
    return auditedRead(
      audit,
      c,
      { action, resourceType: 'Visit', resourceId: key },
      async () => {
        const versions = await read(key);
        const shown = disclose(c, versions);
        return {
          answer: versions.length > 0 ? shown.visits : undefined,
          patient: versions[0]?.patient.identifiers[0],
          withheld: shown.withheld,
        };
      },
      () => visitNotFound(key),
    );
  };

  visits.get('/:key/history', needs('read'), async (c) =>
    c.json({ items: await readVisit(c, 'history', (key) => visitVersions(db, key)) }),
  );

  visits.get('/:key', needs('read'), async (c) => {
    const [visit] = await readVisit(c, 'read', async (key) => {
      const found = await getVisit(db, key);
      return found ? [found] : [];
    });
    return c.json(visit);
  });

  return visits;
}

/**
 * `/v1/patients/{identifier}/visits` and `/summary`: one patient's visits across facilities
 * (filtered, paged) and their summary, with the imaging studies the hub holds for them. `identifier` is `system|value`, URL-encoded. Each read is
 * audited once, naming the patient and how many diagnoses the policy withheld.
 */
export function patientVisitRoutes(
  { db, audit }: RouteDeps,
  { disclosurePolicy, summaries }: VisitRouteOptions,
) {
  const patients = hubFactory.createApp();
  const patientOf = (c: Context<HubEnv>) =>
    readRequiredToken(c.req.param('identifier'), 'identifier', 'path');

  patients.get('/:identifier/visits', needs('read'), async (c) => {
    const patient = patientOf(c);
    const q = c.req.query();
    const filters = parseWith(
      VisitFilters,
      {
        since: q.since,
        until: q.until,
        facility: q.facility,
        visitType: c.req.queries('visitType'),
        diagnosis: q.diagnosis,
      },
      { code: 'HUB_PARAMETER_INVALID', pathPrefix: 'query' },
    );
    const reader = readerOf(c);
    // Each visit disclosed on its own, so the audit counts what this page withheld.
    const shown = (await patientVisits(db, patient)).map((v) => {
      const d = discloseVisits([v], disclosurePolicy, reader);
      return { visit: d.visits[0]!, withheld: d.withheld };
    });
    const page = pageOfVisits(shown, { ...filters, patient }, pageParams(c));
    await auditRead(audit, c, {
      action: 'search',
      resourceType: 'Visit',
      patient,
      withheld: page.items.reduce((n, v) => n + v.withheld, 0),
    });
    return jsonAnswer(c, { items: page.items.map((v) => v.visit), nextCursor: page.nextCursor });
  });

  patients.get('/:identifier/summary', needs('read'), async (c) => {
    const patient = patientOf(c);
    const { asOf } = parseWith(
      SummaryParams,
      { asOf: c.req.query('asOf') },
      { code: 'HUB_PARAMETER_INVALID', pathPrefix: 'query' },
    );
    const { bytes, withheld, reuse } = await patientSummaryBytes(db, summaries, {
      policy: disclosurePolicy,
      reader: readerOf(c),
      patient,
      asOf,
    });
    await auditRead(audit, c, { action: 'summary', resourceType: 'Visit', patient, withheld });
    afterSent(c, reuse);
    return c.body(bytes, 200, { 'Content-Type': 'application/json' });
  });

  return patients;
}
