/**
 * `@lienthong/result-exchange/hl7` — HL7 v2 ORU^R01 (v2.3–2.6) decoder and encoder. Both answer
 * `{ value, warnings }`; `safeDecodeOru` answers a `Result` instead of throwing.
 * @packageDocumentation
 */
export { formatTimestamp, parseTimestamp } from './datatypes/timestamp.js';
export { decodeOru, type OruDecodeResult, safeDecodeOru } from './decode-oru.js';
export { encodeOru } from './encode-oru.js';
export type { DecodeOruOptions, EncodeOruOptions, OruOptions } from './options.js';
export { defaultHl7CodingSystems } from './tables.js';
export { type Delimiters, escapeHl7, unescapeHl7 } from './v2.js';
