/**
 * `@lienthong/result-exchange/formats` — lab-result document formats by name: detect a document's
 * format, decode it, encode reports, and plug in a format of your own. This entry pulls in every
 * built-in codec; a bundle that needs one format imports its own entry (`/hl7`, `/xml4`, …).
 * @packageDocumentation
 */
export {
  BUILT_IN_RESULT_FORMATS,
  cv365Format,
  fhirFormat,
  hl7Format,
  jsonFormat,
  xml4Format,
} from './built-in.js';
export { decodeResults, detectFormat, encodeResults, resultFormats } from './defaults.js';
export type {
  DecodedResults,
  EncodedResults,
  FormatDecodeOptions,
  FormatEncodeOptions,
  ResultFormat,
  ResultFormatNeed,
} from './format.js';
export {
  createResultFormats,
  type DecodeResultsOptions,
  type DetectFormatHints,
  type EncodeResultsOptions,
  type ResultDocument,
  type ResultFormats,
} from './registry.js';
