/**
 * `@lienthong/result-exchange/xml4` — the insurance claims table XML4 (QĐ 4750/2023, QĐ 3176/2024).
 * @packageDocumentation
 */
export {
  decodeXml4,
  decodeXml4Rows,
  encodeXml4,
  reportsToXml4Rows,
  safeDecodeXml4,
  XML4_FIELDS,
  XML4_MAX_LENGTHS,
  type Xml4DecodeResult,
  type Xml4Field,
  type Xml4Options,
  type Xml4Row,
} from './xml4.js';
