/**
 * What the viewer reads from the hub, through the SDK's hub providers (fetch-based, so they run in
 * the browser): the patient, their shared lab reports and imaging references, and the reuse advice
 * for each ordered test; on demand, their visit history (summary and visits).
 */
import {
  createHubClient,
  createHubImagingRegistry,
  createHubPatientDirectory,
  createHubResultExchange,
  createHubVisitHistory,
  type HubClient,
} from '@lienthong/hub-api';
import type { ImagingReference } from '@lienthong/imaging';
import type { PatientIdentifier, PatientRecord } from '@lienthong/patient-id';
import type { LabReport, ReuseAdvice } from '@lienthong/result-exchange';
import type { PatientSummary, Visit } from '@lienthong/visits';
import { visitKeyOf } from './history.js';
import { latestVersions, orderCodeOf } from './model.js';

export interface PatientView {
  patient: PatientRecord;
  reports: LabReport[];
  imaging: ImagingReference[];
  advice: ReuseAdvice[];
}

export interface LoadOptions {
  /** Lab quality level of the facility that would order again (1–5). */
  requesterLabLevel: number;
  now: Date;
  signal?: AbortSignal;
}

/**
 * A hub client for the viewer. The API key is optional: served by `serveViewer`, the viewer's own
 * server adds the facility's key to every `/v1` and `/fhir` request, so no key reaches the browser.
 */
export function viewerHubClient(baseUrl: string, apiKey?: string): HubClient {
  return createHubClient({
    baseUrl,
    ...(apiKey ? { apiKey } : {}),
    user: 'viewer',
    purpose: 'TREAT',
    retry: 1,
  });
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Everything the page shows for one patient, or undefined when no patient has the identifier. */
export async function loadPatient(
  hub: HubClient,
  identifier: { system: string; value: string },
  options: LoadOptions,
): Promise<PatientView | undefined> {
  const signal = options.signal ? { signal: options.signal } : {};
  const directory = createHubPatientDirectory({ client: hub });
  const patient = await directory.findByIdentifier(identifier, signal);
  if (!patient) return undefined;
  const ids: PatientIdentifier[] = patient.identifiers.length ? patient.identifiers : [identifier];
  const exchange = createHubResultExchange({ client: hub, pageSize: 200 });
  const registry = createHubImagingRegistry({ client: hub });
  // A report or study may carry any of the patient's identifiers: ask for each, keep each once.
  const [reportLists, imagingLists] = await Promise.all([
    Promise.all(ids.map((id) => collect(exchange.query({ patient: id }, { pageSize: 200, ...signal })))),
    Promise.all(ids.map((id) => collect(registry.query({ patientIdentifier: id }, signal)))),
  ]);
  const reports = latestVersions(reportLists.flat());
  const imaging = [...new Map(imagingLists.flat().map((r) => [r.studyInstanceUid, r])).values()].sort(
    (a, b) => (b.studyDate ?? '').localeCompare(a.studyDate ?? ''),
  );
  const codes = new Map<string, { system: string; code: string }>();
  for (const r of reports) {
    const c = orderCodeOf(r);
    if (c) codes.set(`${c.system}|${c.code}`, c);
  }
  const advice = await Promise.all(
    [...codes.values()].map(
      (code) =>
        hub.POST('/v1/reuse-check', {
          body: {
            code,
            patient: ids.map((i) => ({ system: i.system, value: i.value })),
            at: options.now.toISOString(),
            requesterLabLevel: options.requesterLabLevel,
          },
          ...signal,
        }) as Promise<ReuseAdvice>,
    ),
  );
  return { patient, reports, imaging, advice };
}

export interface HistoryView {
  summary: PatientSummary;
  /** The visits the summary is made of, by key (`facility:MA_LK`), for the details on demand. */
  visits: Map<string, Visit>;
}

/**
 * The patient's visit history: the hub's summary and their visits, read by one identifier. The
 * personal ID is preferred: it is on every XML 130 visit since 2024 (SO_CCCD), while an insurance
 * card number changes when the card is renewed.
 */
export async function loadHistory(
  hub: HubClient,
  patient: PatientRecord,
  searched: { system: string; value: string },
  options: { signal?: AbortSignal } = {},
): Promise<HistoryView> {
  const signal = options.signal ? { signal: options.signal } : {};
  const cccd = patient.identifiers.find((i) => i.kind === 'cccd');
  const id = cccd ? { system: cccd.system, value: cccd.value } : searched;
  const history = createHubVisitHistory({ client: hub, pageSize: 100 });
  const [summary, visits] = await Promise.all([
    history.summary(id, signal),
    collect(history.query({ patient: id }, signal)),
  ]);
  return { summary, visits: new Map(visits.map((v) => [visitKeyOf(v), v])) };
}
