import { DEFAULT_IDENTIFIER_SYSTEMS, type Facility } from '@lienthong/core';

/**
 * The `performingFacility` member of a reference built from DICOM (a folder scan or a DICOM JSON
 * study): the facility code the caller gives, in the national facility system, named by the
 * caller or by the study's Institution Name; nothing when no code (or an empty one) is given.
 */
export function performingFacilityOf(
  code: string | undefined,
  name: string | undefined,
): { performingFacility?: Facility & { code: string } } {
  if (!code) return {};
  return {
    performingFacility: { code, system: DEFAULT_IDENTIFIER_SYSTEMS.facility, ...(name ? { name } : {}) },
  };
}
