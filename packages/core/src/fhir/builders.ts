import type { CodeableConcept, Coding, Identifier, Reference, Resource } from '@medplum/fhirtypes';
import { toSearchParams } from '../transport/url.js';

/**
 * A FHIR `Identifier`.
 * @example identifier(systems.cccd, '001203012345', { use: 'official' })
 */
export function identifier(
  system: string,
  value: string,
  extra: Omit<Identifier, 'system' | 'value'> = {},
): Identifier {
  return { ...extra, system, value };
}

/** A `Coding`; `display` and `version` are left out when undefined. */
export function coding(system: string, code: string, display?: string, version?: string): Coding {
  return {
    system,
    code,
    ...(version === undefined ? {} : { version }),
    ...(display === undefined ? {} : { display }),
  };
}

/**
 * A `CodeableConcept` from one or more codings — e.g. the national indicator code and its
 * reference LOINC code side by side.
 * @example codeableConcept([coding(QD1227, '1071177', '…'), coding('http://loinc.org', '…')], 'Chụp X-quang')
 */
export function codeableConcept(codings: readonly Coding[], text?: string): CodeableConcept {
  return { coding: [...codings], ...(text === undefined ? {} : { text }) };
}

/** A literal reference `Type/id` to a resource (or a type and id). */
export function reference(
  target: Pick<Resource, 'resourceType' | 'id'> | string,
  display?: string,
): Reference {
  const ref = typeof target === 'string' ? target : `${target.resourceType}/${target.id ?? ''}`;
  return { reference: ref, ...(display === undefined ? {} : { display }) };
}

/** A logical reference by business identifier (when the target's server id is unknown). */
export function identifierReference(type: Reference['type'], id: Identifier): Reference {
  return { type, identifier: id };
}

/** FHIR date search prefixes. */
export type DatePrefix = 'eq' | 'ne' | 'gt' | 'lt' | 'ge' | 'le' | 'sa' | 'eb' | 'ap';

/** A prefixed date parameter value: `datePrefix('ge', '2025-01-01')` → `ge2025-01-01`. */
export function dateParam(prefix: DatePrefix, isoDate: string): string {
  return `${prefix}${isoDate}`;
}

/**
 * Builds FHIR search parameters, dropping undefined values and keeping repeated keys.
 * @example searchParams({ identifier: formatTokenParam(systems.cccd, id), _count: 50, date: ['ge2025-01-01', 'le2025-12-31'] })
 */
export function searchParams(
  params: Readonly<Record<string, string | number | boolean | undefined | readonly (string | number)[]>>,
): URLSearchParams {
  return toSearchParams(params);
}
