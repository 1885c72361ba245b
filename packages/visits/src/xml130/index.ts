/**
 * `@lienthong/visits/xml130` — the insurance XML 130 file set (QĐ 130/QĐ-BYT as amended by QĐ
 * 4750/QĐ-BYT) as a codec: the `GIAMDINHHS` envelope or a bare table, XML1/XML2/XML3/XML4/XML5 to
 * the visit model and back, other tables verbatim, and field-level checks from the fields table.
 * @packageDocumentation
 */
export { XML130_FIELD_SPECS } from '../generated/fields.js';
export {
  checkXml130,
  decodeXml130,
  safeDecodeXml130,
  type Xml130DecodeResult,
  type Xml130Options,
} from './codec.js';
export { type Icd10Checker, MAX_SECONDARY_DIAGNOSES } from './diagnoses.js';
export { encodeXml130, tableXml } from './encode.js';
export type { Xml130Problem } from './problems.js';
export { TABLE_PATHS } from './read.js';
export type { Xml130FieldSpec } from './spec-types.js';
export { MAPPED_FIELDS } from './tables.js';
