import {
  type BundleEntry,
  contentDigest,
  type Encounter,
  identifierCondition,
  LienThongError,
  type Patient,
} from '@lienthong/core';
import { createdResources, discard, entryStatus, type FhirClient, lostRace } from '@lienthong/core/fhir';
import type { Visit } from '../model.js';
import { encodeFhirVisitBundle } from './encode.js';
import { overlayExtension, type VisitOverlay } from './model-overlay.js';
import type { VisitFhirOptions } from './options.js';

/**
 * Writing one version of a visit in one transaction: its Encounter (created on condition that no
 * Encounter has the version's identifier `<facility>:<MA_LK>:v<N>` yet — the race's referee), its
 * Patient as recorded, and the resources of its rows, each identified by `<facility>:<MA_LK>:v<N>:<part>`
 * and created on condition of it (a re-sent Bundle creates nothing new).
 */

/** Where a version is written, and how it is told apart. */
export interface VisitWrite {
  fhir: FhirClient;
  codec: VisitFhirOptions;
  systems: { entry: string; key: string; patientRecord: string; idempotencyTag: string };
  versionUrl: string;
  /** The extension carrying what the mapping does not ({@link VisitOverlay}). */
  modelUrl: string;
}

/**
 * Types a version's write owns: everything but the Patient, which visits recording the same facts
 * share (a writer that lost may not delete what another one points at).
 */
const OWNED = [
  'Encounter',
  'Condition',
  'Procedure',
  'ChargeItem',
  'MedicationStatement',
  'ClinicalImpression',
  'DiagnosticReport',
  'Observation',
  'Specimen',
  'Provenance',
];

/** The scope of a version's entry identifiers: `<facility>:<MA_LK>:v<N>`. */
export const versionScope = (key: string, version: number): string => `${key}:v${version}`;

/** The transaction entries of version `version` of a visit. */
function versionEntries(
  w: VisitWrite,
  visit: Visit,
  key: string,
  version: number,
  idempotencyKey: string | undefined,
  overlay: VisitOverlay | undefined,
): BundleEntry[] {
  const scope = versionScope(key, version);
  const { value } = encodeFhirVisitBundle([visit], {
    ...w.codec,
    type: 'transaction',
    entryScope: () => scope,
  });
  const entries = value.entry ?? [];
  for (const e of entries) {
    const r = e.resource;
    if (r?.resourceType === 'Encounter') {
      const enc: Encounter = r;
      enc.identifier = [
        ...(enc.identifier ?? []),
        { system: w.systems.key, value: key },
        { system: w.systems.entry, value: scope },
      ];
      enc.extension = [
        ...(enc.extension ?? []),
        { url: w.versionUrl, valueInteger: version },
        ...(overlay ? [overlayExtension(w.modelUrl, overlay)] : []),
      ];
      if (idempotencyKey !== undefined)
        enc.meta = { ...enc.meta, tag: [{ system: w.systems.idempotencyTag, code: idempotencyKey }] };
      e.request = {
        method: 'POST',
        url: 'Encounter',
        ifNoneExist: identifierCondition(w.systems.entry, scope),
      };
    } else if (r?.resourceType === 'Patient') {
      const patient: Patient = r;
      const record = contentDigest(patient);
      patient.identifier = [
        ...(patient.identifier ?? []),
        { system: w.systems.patientRecord, value: record },
      ];
      e.request = {
        method: 'POST',
        url: 'Patient',
        ifNoneExist: identifierCondition(w.systems.patientRecord, record),
      };
    } else if (e.request) {
      // Created on condition of the version's own entry identifier (a lab report's create is
      // conditional on the report's id, which every version and facility may share); else as is.
      const own = (r as { identifier?: { system?: string; value?: string }[] } | undefined)?.identifier?.find(
        (i) => i.system === w.systems.entry && i.value?.startsWith(`${scope}:`),
      );
      const { ifNoneExist: _given, ...request } = e.request;
      e.request = own?.value
        ? { ...request, ifNoneExist: identifierCondition(w.systems.entry, own.value) }
        : request;
    }
  }
  return entries;
}

/**
 * Writes version `version` of a visit: `written`, or `lost` when another publisher wrote this
 * version first (the Encounter's conditional create found it) — then nothing this write created
 * is left on the server. A partly refused write is removed too, and refused (`FHIR_TRANSACTION_FAILED`).
 */
export async function writeVisitVersion(
  w: VisitWrite,
  visit: Visit,
  key: string,
  version: number,
  options: { idempotencyKey?: string; overlay?: VisitOverlay; signal?: AbortSignal },
): Promise<'written' | 'lost'> {
  const entries = versionEntries(w, visit, key, version, options.idempotencyKey, options.overlay);
  const at = entries.findIndex((e) => e.resource?.resourceType === 'Encounter');
  let answer: Awaited<ReturnType<FhirClient['transaction']>>;
  try {
    answer = await w.fhir.transaction(
      { resourceType: 'Bundle', type: 'transaction', entry: entries },
      {
        ...(options.idempotencyKey !== undefined ? { idempotencyKey: options.idempotencyKey } : {}),
        signal: options.signal,
      },
    );
  } catch (error) {
    // A server that runs transactions atomically refuses all of it: nothing to clean up.
    if (lostRace(error)) return 'lost';
    throw error;
  }
  // 200 to the conditional create: this version was already there (another publisher, or an
  // earlier attempt of this one that the network lost).
  const lost = entryStatus(answer.entry?.[at]) === 200;
  const statuses = (answer.entry ?? []).map(entryStatus);
  if (!lost && !statuses.some((s) => s >= 400)) return 'written';
  // Servers that run the Bundle as a batch created the rest anyway: remove it.
  await discard(w.fhir, createdResources(entries, answer, OWNED), options.signal);
  if (lost) return 'lost';
  throw new LienThongError({
    code: 'FHIR_TRANSACTION_FAILED',
    message: `The FHIR server refused part of the transaction (HTTP ${statuses.join(', ')})`,
    messageVi: 'Máy chủ FHIR từ chối một phần giao dịch',
    path: 'Bundle',
  });
}
