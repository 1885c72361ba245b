import * as z from 'zod';
import { code, nonEmptyText, uri } from './primitives.js';

/**
 * A health facility as records name it — the one `Facility` of the SDK: lab reports
 * (`orderingFacility`, `performingFacility`, `lab`) and imaging references (`performingFacility`)
 * use it alike.
 *
 * - `code`: the facility's code — for Vietnamese facilities the 5-digit mã cơ sở KCB (Bạch Mai
 *   `01001`; not enforced, partners also send local codes).
 * - `system`: the identifier system of `code` when it is not the facility-code system (a FHIR
 *   Organization identifier of another namespace); absent, readers assume the mã cơ sở KCB system.
 * - `name`: the facility's name as printed.
 *
 * Every field is optional here, since an HL7 v2 message may name a facility only by name; a model
 * that needs the code says so (`ImagingReference.performingFacility` requires it).
 */
export const FacilitySchema = z.object({
  code: code.optional(),
  system: uri.optional(),
  name: nonEmptyText.optional(),
});
export type Facility = z.infer<typeof FacilitySchema>;
