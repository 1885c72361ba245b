import type { LabReport } from '../model.js';
import { BUILT_IN_RESULT_FORMATS } from './built-in.js';
import type { DecodedResults, EncodedResults } from './format.js';
import {
  createResultFormats,
  type DecodeResultsOptions,
  type DetectFormatHints,
  type EncodeResultsOptions,
  type ResultDocument,
  type ResultFormats,
} from './registry.js';

/**
 * The built-in formats by name: `hl7` (alias `hl7v2`), `xml4`, `fhir`, `cv365`, `json`.
 * Read-only: to add a format, make your own registry with {@link createResultFormats}.
 * @example
 * resultFormats.names; // ['hl7', 'hl7v2', 'xml4', 'fhir', 'cv365', 'json']
 * resultFormats.get('xml4').needs; // { decode: ['patient'], encode: ['encounter'] }
 */
export const resultFormats: ResultFormats = /* @__PURE__ */ createResultFormats(BUILT_IN_RESULT_FORMATS);

/**
 * The name of a document's built-in format (see {@link ResultFormats.detect}).
 * @example
 * detectFormat(readFileSync('LAB-ORU-1.hl7')); // 'hl7'
 * detectFormat('', { fileName: 'empty.hl7' }); // 'hl7' (the content says nothing, the name does)
 */
export function detectFormat(input: ResultDocument, hints?: DetectFormatHints): string {
  return resultFormats.detect(input, hints);
}

/**
 * Decodes a document of a built-in format, named or detected, into `{ value, warnings }`.
 * @example
 * const { value: reports, warnings } = decodeResults(xml, { format: 'xml4', patient: { identifiers } });
 * const detected = decodeResults(readFileSync(file), { fileName: file });
 */
export function decodeResults(input: ResultDocument, options?: DecodeResultsOptions): DecodedResults {
  return resultFormats.decode(input, options);
}

/**
 * Encodes reports as a document of a built-in format: `{ value, warnings }`, the warnings listing
 * what the format could not carry.
 * @example
 * const { value: xml } = encodeResults(reports, 'xml4', { encounter: 'LK-0001' }); // MA_LK for reports without one
 */
export function encodeResults(
  reports: LabReport | readonly LabReport[],
  format: string,
  options?: EncodeResultsOptions,
): EncodedResults {
  return resultFormats.encode(reports, format, options);
}
