import { canonicalIdentifierSystem } from '@lienthong/core';
import type * as z from 'zod';
import type { ImagingReference } from '../model.js';
import type { ImagingQuerySchema } from '../registry/contract.js';

/**
 * True when `ref` satisfies a validated query (`parseImagingQuery`): the matching rule every
 * registry shares — providers that filter locally use it.
 */
export function matchesImagingQuery(
  ref: ImagingReference,
  query: z.output<typeof ImagingQuerySchema>,
): boolean {
  const pid = query.patientIdentifier;
  // References stay as published: an older URI of the system asked for (`…hl7.org.vn/core/sid/cccd`)
  // names the same identifier.
  const system = pid?.system && canonicalIdentifierSystem(pid.system);
  if (
    pid &&
    !ref.patient.identifiers.some(
      (i) => i.value === pid.value && (!system || canonicalIdentifierSystem(i.system) === system),
    )
  ) {
    return false;
  }
  if (
    query.modality &&
    !ref.modalities.includes(query.modality) &&
    !ref.series.some((s) => s.modality === query.modality)
  ) {
    return false;
  }
  if (query.since && (!ref.studyDate || ref.studyDate < query.since)) return false;
  if (query.until && (!ref.studyDate || ref.studyDate > query.until)) return false;
  if (query.facility && ref.performingFacility?.code !== query.facility) return false;
  return true;
}
