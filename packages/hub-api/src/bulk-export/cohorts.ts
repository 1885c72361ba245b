import { clientOf, type HubProviderOptions } from '../providers/options.js';
import { protocolError } from './manifest.js';

/** A saved cohort on the hub: a FHIR Group of patients, exported by `bulkExport({ level: { group: id } })`. */
export interface HubCohort {
  /** The Group's id on the hub (a UUID). */
  id: string;
  name?: string;
  /** How many members were given. */
  quantity: number;
}

/** What a cohort holds: patients by their hub FHIR Patient id, or by an identifier. */
export interface CohortInput {
  name?: string;
  /** Ids of the hub's FHIR Patient resources (each stands for every identifier of that patient). */
  patients?: readonly string[];
  /** Identifiers (each also stands for the other identifiers of its patient, when the hub's directory knows it). */
  identifiers?: readonly { system: string; value: string }[];
  signal?: AbortSignal;
}

const FHIR_JSON = 'application/fhir+json';

/**
 * Saves a cohort on the hub (`POST /fhir/Group`; the key needs the `export` scope): the members are
 * snapshotted by each export of it, and only the key's facility (or an administrator) may read,
 * export or delete it. A member the hub does not know is refused (400 `BULK_PATIENT_UNKNOWN`, its index).
 * @example const cohort = await createCohort({ baseUrl, apiKey, name: 'HbA1c 2026', patients: ['4f1c…'] });
 */
export async function createCohort(options: HubProviderOptions & CohortInput): Promise<HubCohort> {
  const { transport } = clientOf(options);
  const member = [
    ...(options.patients ?? []).map((id) => ({ entity: { reference: `Patient/${id}` } })),
    ...(options.identifiers ?? []).map((i) => ({
      entity: { identifier: { system: i.system, value: i.value } },
    })),
  ];
  const group = (await transport.request('POST', 'fhir/Group', {
    json: {
      resourceType: 'Group',
      type: 'person',
      actual: true,
      ...(options.name ? { name: options.name } : {}),
      member,
    },
    headers: { accept: FHIR_JSON, 'content-type': FHIR_JSON },
    ...(options.signal ? { signal: options.signal } : {}),
  })) as { id?: unknown; name?: unknown; quantity?: unknown } | undefined;
  if (typeof group?.id !== 'string')
    throw protocolError(
      'fhir/Group',
      'the hub answered a cohort without its id.',
      'sàn trả về nhóm người bệnh không kèm mã.',
    );
  return {
    id: group.id,
    ...(typeof group.name === 'string' ? { name: group.name } : {}),
    quantity: typeof group.quantity === 'number' ? group.quantity : member.length,
  };
}

/** Deletes a saved cohort (`DELETE /fhir/Group/<id>`); exports already started keep their members. */
export async function deleteCohort(
  options: HubProviderOptions & { id: string; signal?: AbortSignal },
): Promise<void> {
  const { transport } = clientOf(options);
  await transport.request('DELETE', `fhir/Group/${encodeURIComponent(options.id)}`, {
    headers: { accept: FHIR_JSON },
    ...(options.signal ? { signal: options.signal } : {}),
  });
}
