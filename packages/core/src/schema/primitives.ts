import * as z from 'zod';

/**
 * zod primitives shared by every model, so "a date" or "a code" means the same in each package.
 * Import zod as `import * as z from 'zod'` (a named `{ z }` import pulls every locale: ~92 kB).
 */

/** Text that is not empty after trimming (trimmed on parse). */
export const nonEmptyText = z.string().trim().min(1);

/** ISO 8601 calendar date `YYYY-MM-DD`. */
export const isoDate = z.iso.date();

/** ISO 8601 date-time with an explicit offset (`Z` or `±hh:mm`). */
export const isoDateTime = z.iso.datetime({ offset: true });

/** A partial date as FHIR allows it: `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (year-only birth dates are common). */
export const partialDate = z
  .string()
  .regex(/^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/, 'Expected YYYY, YYYY-MM or YYYY-MM-DD');

/** An absolute URI (code systems, identifier systems). */
export const uri = z.string().regex(/^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$/, 'Expected an absolute URI');

/** An http(s) URL (endpoints). */
export const httpUrl = z.url({ protocol: /^https?$/ });

/** A code of a code system: no leading/trailing spaces, no control characters. */
export const code = z
  .string()
  .regex(/^\S(.*\S)?$/, 'Expected a code without surrounding spaces')
  .max(255);

/** A system + value identifier, the shape every model uses for patient, facility and report IDs. */
export const IdentifierValueSchema = z.object({ system: uri, value: nonEmptyText });
export type IdentifierValue = z.infer<typeof IdentifierValueSchema>;
