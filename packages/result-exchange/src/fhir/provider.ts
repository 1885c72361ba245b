import {
  ConflictError,
  formatTokenParam,
  identifierSearchToken,
  LienThongError,
  patientSearchParams,
  redactText,
  type SearchParamsInit,
  type Transport,
  type TransportOptions,
} from '@lienthong/core';
import { throwIfAborted, type WriteReceipt, writeReceipt } from '@lienthong/core/contract';
import {
  bundleMatches,
  createdResources,
  createFhirClient,
  discard,
  entryStatus,
  lostRace,
} from '@lienthong/core/fhir';
import type { Bundle, BundleEntry, DiagnosticReport, Meta } from '@medplum/fhirtypes';
import type { LabReportQuery, ResultExchange } from '../contract.js';
import type { LabReport } from '../model.js';
import { createIdempotencyCache } from '../provider-kit/idempotency.js';
import { checkPublishable, contentKey, decidePublish, idempotencyConflict } from '../provider-kit/publish.js';
import { matchesQuery, queryAnswer } from '../provider-kit/query.js';
import { DEFAULT_LAB_SYSTEMS } from '../systems.js';
import { fromFhirDiagnosticReport } from './decode-report.js';
import { toFhirResources } from './encode-report.js';
import type { FhirCodecOptions } from './options.js';
import { FHIR_IDEMPOTENCY_TAG_SYSTEM, FHIR_REPORT_VERSION_EXTENSION } from './server-conventions.js';

/** Options of {@link createFhirResultExchange}. */
export interface FhirResultExchangeOptions extends FhirCodecOptions {
  /** FHIR base URL (e.g. `https://fhir.benhvien.example.vn/fhir`), when no `transport` is given. */
  baseUrl?: string;
  /** A transport made with `createTransport` (auth, retries, events). */
  transport?: Transport;
  /** Options for the transport created from `baseUrl`. */
  transportOptions?: Omit<TransportOptions, 'baseUrl'>;
  /** Tag system marking the version a given idempotency key created. */
  idempotencyTagSystem?: string;
  /** Extension carrying the provider's version number on each DiagnosticReport version. */
  versionExtension?: string;
}

/** Writes of one publish that may lose a race before it gives up (each loss means another writer won). */
const MAX_WRITE_ATTEMPTS = 5;

const contended = (id: string) =>
  new ConflictError({
    code: 'REPORT_WRITE_CONTENDED',
    message: `Report ${redactText(id)} kept changing while it was being published; try again`,
    messageVi: `Phiếu ${redactText(id)} liên tục thay đổi trong lúc gửi; hãy thử lại`,
    path: 'id',
  });
const INCLUDES = ['DiagnosticReport:result', 'DiagnosticReport:specimen', 'DiagnosticReport:subject'];
function baseUrlMissing(): never {
  throw new LienThongError({
    code: 'FHIR_BASE_URL_MISSING',
    message: 'createFhirResultExchange needs a baseUrl or a transport',
    messageVi: 'createFhirResultExchange cần baseUrl hoặc transport',
    path: 'baseUrl',
  });
}

/**
 * Resource types a report's write owns (the Patient is shared). The DiagnosticReport's create is
 * conditional: 201 means this write created it — a partly refused write removes it too, else it
 * would point at the Observations removed with it.
 */
const OWN_TYPES = ['Observation', 'Specimen', 'DiagnosticReport'];

/** The resources a report points to, which `INCLUDES` asks for. */
const LINKED = ['Observation', 'Specimen', 'Patient'] as const;

/** `[type, id]` of a literal reference to a resource a report points to (`Observation/123`). */
function linked(reference: string | undefined): [(typeof LINKED)[number], string] | undefined {
  const [type, id, ...rest] = reference?.split('/') ?? [];
  const known = LINKED.find((t) => t === type);
  return known && id && rest.length === 0 ? [known, id] : undefined;
}

/**
 * A ResultExchange over any FHIR R4 server. A report is a DiagnosticReport (business identifier =
 * report id) with its Observations, Specimen and Patient, written in one transaction; creation is
 * conditional on the identifier (`ifNoneExist`) so retries never duplicate. A new version updates
 * the DiagnosticReport (version-aware: `ifMatch` on the version read) and adds new Observations —
 * the previous DiagnosticReport version, and the Observations it points to, stay readable through
 * `_history`. When two publishers race, the one whose write finds the report created or changed
 * meanwhile deletes the Observations and Specimen its transaction created (servers that run the
 * Bundle as a batch create them anyway) and decides again: same content → `unchanged`, other
 * content → the next version.
 *
 * Searches use portable parameters (`identifier`, `subject`, `status`, `_sort=-date`, `_include`,
 * `_count`); codes, facility and the time window are filtered on the client. A patient's reports
 * are found by `subject:identifier` (or a chain) when the server's CapabilityStatement declares
 * it — reports whose patient has no Patient resource included — else through the patient's
 * Patient resources (`Patient?identifier=`, then `subject=Patient/<id>`).
 */
export function createFhirResultExchange(options: FhirResultExchangeOptions): ResultExchange {
  const fhir = createFhirClient(
    options.transport
      ? { transport: options.transport }
      : { baseUrl: options.baseUrl ?? baseUrlMissing(), ...options.transportOptions },
  );
  const idSystemDefault = options.systems?.reportId ?? DEFAULT_LAB_SYSTEMS.reportId;
  const tagSystem = options.idempotencyTagSystem ?? FHIR_IDEMPOTENCY_TAG_SYSTEM;
  const versionUrl = options.versionExtension ?? FHIR_REPORT_VERSION_EXTENSION;
  const keys = createIdempotencyCache();

  /** Adds the resources the reports point to that the server did not `_include` (not every server does). */
  async function complete(bundle: Bundle, signal?: AbortSignal): Promise<Bundle> {
    const have = new Set(
      (bundle.entry ?? [])
        .map((e) => e.resource)
        .filter(Boolean)
        .map((r) => `${r!.resourceType}/${r!.id}`),
    );
    const missing = new Map<(typeof LINKED)[number], Set<string>>();
    for (const e of bundle.entry ?? []) {
      const r = e.resource;
      if (r?.resourceType !== 'DiagnosticReport') continue;
      for (const ref of [...(r.result ?? []), ...(r.specimen ?? []), r.subject]) {
        const target = linked(ref?.reference);
        if (target && !have.has(ref!.reference!)) {
          const [type, id] = target;
          missing.set(type, (missing.get(type) ?? new Set<string>()).add(id));
        }
      }
    }
    const extra: BundleEntry[] = [];
    for (const [type, ids] of missing) {
      const list = [...ids];
      for (let i = 0; i < list.length; i += 50) {
        const found = await fhir.search(
          type,
          { _id: list.slice(i, i + 50).join(','), _count: 50 },
          { signal },
        );
        for (const e of found.entry ?? []) if (e.resource) extra.push({ resource: e.resource });
      }
    }
    return extra.length ? { ...bundle, entry: [...(bundle.entry ?? []), ...extra] } : bundle;
  }

  const roundTrip = (report: LabReport): LabReport => {
    const bundle: Bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: toFhirResources(report, { ...options, type: 'collection' }).entries,
    };
    const dr = bundle.entry!.at(-1)!.resource as DiagnosticReport;
    const { version: _v, ...back } = toModel(dr, bundle);
    return back;
  };

  const versionOf = (dr: DiagnosticReport) =>
    dr.extension?.find((e) => e.url === versionUrl)?.valueInteger ?? 1;
  const toModel = (dr: DiagnosticReport, bundle: Bundle): LabReport => {
    const report = fromFhirDiagnosticReport(
      { ...dr, extension: dr.extension?.filter((e) => e.url !== versionUrl) },
      { ...options, bundle },
    );
    const { idSystem, ...rest } = report;
    return {
      ...rest,
      ...(idSystem && idSystem !== idSystemDefault ? { idSystem } : {}),
      version: versionOf(dr),
    };
  };

  /** The first report a search finds, as the server holds it and as a model. */
  async function findReport(
    params: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<{ dr: DiagnosticReport; report: LabReport } | undefined> {
    const page = await fhir.search('DiagnosticReport', { ...params, _include: INCLUDES }, { signal });
    const bundle = await complete(page, signal);
    const [dr] = bundleMatches(bundle, 'DiagnosticReport');
    return dr && { dr, report: toModel(dr, bundle) };
  }
  const find = (id: string, idSystem: string, signal?: AbortSignal) =>
    findReport({ identifier: formatTokenParam(idSystem, id) }, signal);

  /**
   * Writes one version in one transaction: `written`, or `lost` when another publisher wrote the
   * report first (its conditional create found the report, or its version-aware update found it
   * changed) — then nothing of this write is left on the server.
   */
  async function write(
    report: LabReport,
    version: number,
    current: DiagnosticReport | undefined,
    key: string | undefined,
    signal?: AbortSignal,
  ): Promise<'written' | 'lost'> {
    const resources = toFhirResources(report, { ...options, type: 'transaction' });
    const entries: BundleEntry[] = resources.entries;
    const drEntry = entries.at(-1)!;
    const dr = drEntry.resource as DiagnosticReport;
    dr.extension = [...(dr.extension ?? []), { url: versionUrl, valueInteger: version }];
    if (key) dr.meta = { tag: [{ system: tagSystem, code: key }] } satisfies Meta;
    if (current?.id) {
      dr.id = current.id;
      const seen = current.meta?.versionId;
      drEntry.request = {
        method: 'PUT',
        url: `DiagnosticReport/${current.id}`,
        // Version-aware: a report changed since we read it is not overwritten.
        ...(seen ? { ifMatch: `W/"${seen}"` } : {}),
      };
    }
    let answer: Bundle;
    try {
      answer = await fhir.transaction(
        { resourceType: 'Bundle', type: 'transaction', entry: entries },
        { idempotencyKey: key, signal },
      );
    } catch (error) {
      // A server that runs transactions atomically refuses all of it: nothing to clean up.
      if (lostRace(error)) return 'lost';
      throw error;
    }
    const reportStatus = entryStatus(answer.entry?.[entries.length - 1]);
    // 200 to a conditional create: the report was already there (another publisher, or an earlier
    // attempt of this one). 409/412 to the update: it changed since we read it.
    const lost = current?.id ? reportStatus === 409 || reportStatus === 412 : reportStatus === 200;
    const failed = (answer.entry ?? []).some((e) => entryStatus(e) >= 400);
    if (lost || failed) {
      // Servers that process the Bundle as a batch created the rest anyway: remove it (with the
      // report when this Bundle created it). If the report's update went through, its new version
      // points at Observations about to be removed: first put back the version we read, if the
      // report has not changed since (If-Match on the version this Bundle wrote).
      if (current?.id && reportStatus >= 200 && reportStatus < 300) {
        const { versionId: _v, lastUpdated: _l, ...meta } = current.meta ?? {};
        const done = answer.entry?.[entries.length - 1];
        const vid =
          done?.resource?.meta?.versionId ?? /_history\/([^/]+)/.exec(done?.response?.location ?? '')?.[1];
        const wrote = done?.response?.etag ?? (vid && `W/"${vid}"`);
        try {
          if (!wrote) throw new Error('no version in the answer');
          await fhir.update({ ...current, id: current.id, meta }, { ifMatch: wrote, signal });
        } catch (cause) {
          // Its Observations stay: the report points at what this Bundle did create.
          throw new LienThongError({
            code: 'FHIR_REPORT_RESTORE_FAILED',
            message: `The FHIR server refused part of the transaction but updated report ${redactText(report.id)}, which could not be put back: it may reference missing results`,
            messageVi: `Máy chủ FHIR từ chối một phần giao dịch nhưng đã cập nhật phiếu ${redactText(report.id)} và không khôi phục được: phiếu có thể trỏ tới kết quả bị thiếu`,
            path: 'Bundle',
            cause,
          });
        }
      }
      await discard(fhir, createdResources(entries, answer, OWN_TYPES), signal);
      if (lost) return 'lost';
      throw new LienThongError({
        code: 'FHIR_TRANSACTION_FAILED',
        message: `The FHIR server refused part of the transaction (HTTP ${(answer.entry ?? []).map(entryStatus).join(', ')})`,
        messageVi: 'Máy chủ FHIR từ chối một phần giao dịch',
        path: 'Bundle',
      });
    }
    return 'written';
  }

  async function logicalId(id: string, signal?: AbortSignal): Promise<string | undefined> {
    const first = async (params: SearchParamsInit) =>
      bundleMatches(await fhir.search('DiagnosticReport', params, { signal }), 'DiagnosticReport')[0]?.id;
    // Else a report published with its own idSystem: search by value only.
    return (
      (await first({ identifier: formatTokenParam(idSystemDefault, id), _elements: 'id' })) ??
      (await first({ identifier: formatTokenParam(undefined, id) }))
    );
  }

  return {
    contract: 'result-exchange/v1',
    capabilities: { write: true, history: true },

    async publish(input, opts = {}) {
      throwIfAborted(opts.signal);
      const report = checkPublishable(input);
      const { version: _ignored, ...content } = report;
      // Compare as the server will hold it: the report after a trip through the FHIR codec.
      const asStored = roundTrip(content);
      const key = opts.idempotencyKey;
      const contentHash = contentKey(asStored);
      const replayed = keys.replay(key, contentHash);
      if (replayed) return replayed;
      if (key !== undefined) {
        const tagged = (await findReport({ _tag: `${tagSystem}|${key}` }, opts.signal))?.report;
        if (tagged) {
          if (contentKey({ ...tagged, version: undefined }) !== contentHash) throw idempotencyConflict();
          return { id: tagged.id, version: tagged.version ?? 1, outcome: 'unchanged' };
        }
      }
      const idSystem = report.idSystem ?? idSystemDefault;
      let receipt: WriteReceipt | undefined;
      // A write that loses a race to another publisher left nothing behind: decide again on what
      // the server holds now (the same content is then unchanged, other content updates it).
      for (let attempt = 1; !receipt; attempt++) {
        const current = await find(report.id, idSystem, opts.signal);
        const outcome = decidePublish(current?.report && { ...current.report, version: undefined }, asStored);
        const next = writeReceipt(report.id, current?.report.version, outcome !== 'unchanged');
        if (next.outcome === 'unchanged') receipt = next;
        else if ((await write(content, next.version, current?.dr, key, opts.signal)) === 'written')
          receipt = next;
        else if (attempt >= MAX_WRITE_ATTEMPTS) throw contended(report.id);
      }
      keys.remember(key, contentHash, receipt);
      return receipt;
    },

    async get(id, opts = {}) {
      throwIfAborted(opts.signal);
      const found =
        (await find(id, idSystemDefault, opts.signal)) ??
        (await findReport({ identifier: formatTokenParam(undefined, id) }, opts.signal));
      return found?.report;
    },

    query(query: LabReportQuery, opts = {}) {
      return queryAnswer(query, opts, async function* (pageSize) {
        const params: Record<string, string | string[] | number> = {
          _include: INCLUDES,
          _count: pageSize,
          _sort: '-date',
        };
        const direct =
          query.patient && patientSearchParams(await fhir.capabilities(), 'DiagnosticReport', query.patient);
        throwIfAborted(opts.signal);
        if (direct) {
          Object.assign(params, direct);
        } else if (query.patient) {
          const patients = await fhir.search(
            'Patient',
            { identifier: identifierSearchToken(query.patient), _elements: 'id' },
            { signal: opts.signal },
          );
          const ids = bundleMatches(patients, 'Patient')
            .map((p) => p.id)
            .filter(Boolean);
          if (ids.length === 0) return;
          params.subject = ids.map((i) => `Patient/${i}`).join(',');
        }
        if (query.status !== undefined)
          params.status = typeof query.status === 'string' ? query.status : query.status.join(',');
        for await (const page of fhir.searchAll('DiagnosticReport', params, { signal: opts.signal })) {
          throwIfAborted(opts.signal);
          const full = await complete(page, opts.signal);
          for (const dr of bundleMatches(page, 'DiagnosticReport')) {
            const report = toModel(dr, full);
            if (matchesQuery(report, query)) yield report;
          }
        }
      });
    },

    async history(id, opts = {}) {
      throwIfAborted(opts.signal);
      const { signal } = opts;
      const lid = await logicalId(id, signal);
      if (!lid) return [];
      // Every page of `_history` (a much-corrected report spans several).
      const entries: BundleEntry[] = [];
      for await (const page of fhir.history('DiagnosticReport', lid, { signal }))
        entries.push(...(page.entry ?? []));
      // One entry per logical version. A partly refused correction N+1 is rolled back by putting
      // version N again, so several server versions may carry one number (same content: keep any
      // one) and numbers above the current one's were rolled back (their Observations deleted —
      // their references are not fetched).
      // The current number comes from a read: versions written within one millisecond may be
      // listed in any order.
      const current = await fhir.read('DiagnosticReport', lid, { signal });
      const latest = versionOf(current);
      const byNumber = new Map<number, DiagnosticReport>();
      for (const e of entries) {
        const v = e.resource;
        if (v?.resourceType !== 'DiagnosticReport') continue;
        const n = versionOf(v);
        if (n <= latest && !byNumber.has(n)) byNumber.set(n, v);
      }
      const versions = [...byNumber.values()];
      const refs = new Map<string, [(typeof LINKED)[number], string]>();
      for (const v of versions) {
        for (const ref of [...(v.result ?? []), ...(v.specimen ?? []), v.subject]) {
          const target = linked(ref?.reference); // not contained ones ('#…'): they are in the report
          if (target) refs.set(ref!.reference!, target);
        }
      }
      const resources: BundleEntry[] = [];
      for (const [type, rid] of refs.values())
        resources.push({ resource: await fhir.read(type, rid, { signal }) });
      const lookup: Bundle = { resourceType: 'Bundle', type: 'collection', entry: resources };
      return versions.map((v) => toModel(v, lookup)).sort((a, b) => (a.version ?? 0) - (b.version ?? 0));
    },
  };
}
