/**
 * `@lienthong/result-exchange/hl7` — HL7 v2 ORU^R01 (v2.3–2.6) decoder and encoder.
 * @packageDocumentation
 */
export {
  type DecodeOruOptions,
  decodeOru,
  defaultHl7CodingSystems,
  type EncodeOruOptions,
  encodeOru,
  type OruDecodeResult,
  type OruOptions,
  parseOru,
} from './oru.js';
export { type Delimiters, escapeHl7, formatTimestamp, parseTimestamp, unescapeHl7 } from './v2.js';
