/**
 * `@lienthong/result-exchange/cv365` — the `KetQuaXetNghiem` group of the CV 365/TTYQG EMR export
 * (`HoSoBenhAn`). Only `machiso` is a confirmed field name; the rest is configuration.
 * @packageDocumentation
 */
export {
  CV365_CONFIRMED_FIELDS,
  type Cv365DecodeResult,
  type Cv365Document,
  type Cv365FieldMap,
  type Cv365Options,
  decodeCv365,
  encodeCv365,
  encodeCv365Entries,
  safeDecodeCv365,
} from './cv365.js';
