/**
 * FHIR R4 primitive formats, for the decoders to check the primitive elements they read.
 *
 * The regular expressions are the `pattern`s of the official R4 JSON schema
 * (fixtures/real-world/fhir-r4/fhir.schema.json, `definitions.<type>.pattern`), copied verbatim —
 * they are the "Regex" column of https://hl7.org/fhir/R4/datatypes.html — except that every group
 * is written non-capturing, `(?:` for `(`: that matches the same strings, and the date patterns
 * run 2-3 times faster with no captures to record. primitives.test.ts checks that putting the `(`
 * back gives each schema pattern character for character. They are used without the `u` flag ajv
 * compiles them with: no string tells the two apart (ASCII classes and runs of `\s` or `\S`,
 * checked there too). One constant each, so a bundle keeps only the ones a decoder uses.
 */

/** `instant`: a date-time to the second, with an offset. */
export const FHIR_INSTANT =
  /^(?:[0-9](?:[0-9](?:[0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)-(?:0[1-9]|1[0-2])-(?:0[1-9]|[1-2][0-9]|3[0-1])T(?:[01][0-9]|2[0-3]):[0-5][0-9]:(?:[0-5][0-9]|60)(?:\.[0-9]+)?(?:Z|(?:\+|-)(?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))$/;
/** `dateTime`: a year, a month, a date, or a date-time to the second with an offset. */
export const FHIR_DATE_TIME =
  /^(?:[0-9](?:[0-9](?:[0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[1-2][0-9]|3[0-1])(?:T(?:[01][0-9]|2[0-3]):[0-5][0-9]:(?:[0-5][0-9]|60)(?:\.[0-9]+)?(?:Z|(?:\+|-)(?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00)))?)?)?$/;
/** `date`: a year, a month or a date, no time. */
export const FHIR_DATE =
  /^(?:[0-9](?:[0-9](?:[0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[1-2][0-9]|3[0-1]))?)?$/;
/** `decimal`, applied to the JSON text of a number (see {@link isFhirDecimal}). */
export const FHIR_DECIMAL = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;
/** `id`: 1 to 64 letters, digits, `-` and `.`. */
// biome-ignore lint/complexity/noUselessEscapeInRegex: verbatim from the schema
export const FHIR_ID = /^[A-Za-z0-9\-\.]{1,64}$/;
/** `uri`: no whitespace (the pattern, like ajv, lets the empty string through). */
export const FHIR_URI = /^\S*$/;
/** `code`: no leading or trailing whitespace, single spaces inside. */
export const FHIR_CODE = /^[^\s]+(?:\s[^\s]+)*$/;
/** `string`: not empty, no whitespace but space, CR, LF and tab. */
export const FHIR_STRING = /^[ \r\n\t\S]+$/;

/**
 * A FHIR `decimal` in JSON: a number. The schema's pattern applies to the number's JSON text; the
 * text JSON.stringify writes for a finite number always matches {@link FHIR_DECIMAL} and other
 * numbers have none, so this is `Number.isFinite` (false for anything but a finite number, without
 * coercion; primitives.test.ts compares it with the pattern on any double).
 */
export const isFhirDecimal = (v: unknown): v is number => Number.isFinite(v);
