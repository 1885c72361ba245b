import { ValidationError } from '@lienthong/core';
import { decodeCv365, encodeCv365 } from '../cv365/index.js';
import { decodeFhirBundle, encodeFhirBundle } from '../fhir/index.js';
import { decodeOru, encodeOru } from '../hl7/index.js';
import { type LabReport, safeParseLabReport } from '../model.js';
import { decodeXml4, encodeXml4 } from '../xml4/index.js';
import type { ResultFormat } from './format.js';

/**
 * The formats this package reads and writes, described for the registry. Each wraps its codec
 * (see the `/hl7`, `/xml4`, `/fhir` and `/cv365` entries for the options beyond the registry's).
 */

const isJsonObject = (text: string) => text.startsWith('{');
const isJson = (text: string) => isJsonObject(text) || text.startsWith('[');

/** HL7 v2 ORU^R01 (v2.3–2.6). Written with CRLF line ends, as `.hl7` files are exchanged. */
export const hl7Format: ResultFormat = {
  name: 'hl7',
  aliases: ['hl7v2'],
  mediaTypes: ['x-application/hl7-v2+er7'],
  extensions: ['.hl7'],
  detect: (text) => (text.startsWith('MSH') ? 1 : 0),
  decode: (text, options) => decodeOru(text, options),
  encode: (reports, options) => {
    const { value, warnings } = encodeOru(reports, options);
    return { value: value.replace(/\r/g, '\r\n'), warnings };
  },
};

/**
 * The insurance claims table XML4 (QĐ 130/2023 as amended by QĐ 4750/2023). It carries no patient
 * identifiers (`patient` when decoding) and requires the visit key MA_LK on every row (`encounter`
 * when encoding).
 */
export const xml4Format: ResultFormat = {
  name: 'xml4',
  mediaTypes: ['application/xml', 'text/xml'],
  extensions: ['.xml'],
  needs: { decode: ['patient'], encode: ['encounter'] },
  // Any XML: the CV 365 export, the other XML format here, is recognised with more certainty.
  detect: (text) => (text.startsWith('<') ? 0.5 : 0),
  decode: (text, options) => decodeXml4(text, options),
  encode: (reports, options) => encodeXml4(reports, options),
};

/** FHIR R4 JSON: a Bundle of DiagnosticReports (or a lone DiagnosticReport); written as a transaction. */
export const fhirFormat: ResultFormat = {
  name: 'fhir',
  mediaTypes: ['application/fhir+json'],
  extensions: ['.json'],
  // An array of resources is no FHIR document, but saying "FHIR" leads to the error that says why.
  detect: (text) => (isJson(text) && text.includes('"resourceType"') ? 0.8 : 0),
  decode: (text, options) => decodeFhirBundle(parseJson(text, 'FHIR_NOT_JSON', 'Bundle'), options),
  encode: (reports, options) => {
    const { value, warnings } = encodeFhirBundle(reports, options);
    return { value: JSON.stringify(value, null, 2), warnings };
  },
};

/** The CV 365/TTYQG EMR export `HoSoBenhAn` (JSON or XML); written as JSON. Carries no patient identifiers. */
export const cv365Format: ResultFormat = {
  name: 'cv365',
  mediaTypes: ['application/json', 'application/xml', 'text/xml'],
  extensions: ['.json', '.xml'],
  needs: { decode: ['patient'] },
  detect: (text) =>
    (text.startsWith('<') && text.includes('<HoSoBenhAn')) ||
    (isJsonObject(text) && text.includes('"HoSoBenhAn"'))
      ? 0.9
      : 0,
  decode: (text, options) => decodeCv365(text, options),
  encode: (reports, options) => {
    const { value, warnings } = encodeCv365(reports, options);
    return { value, warnings };
  },
};

/** This SDK's own model as JSON: one `LabReport` or an array of them, each checked by the schema. */
export const jsonFormat: ResultFormat = {
  name: 'json',
  mediaTypes: ['application/json'],
  extensions: ['.json'],
  detect: (text) => (isJson(text) ? 0.25 : 0),
  decode: (text) => {
    const json = parseJson(text, 'REPORTS_NOT_JSON', '$');
    const list = Array.isArray(json) ? json : [json];
    return { value: list.map(labReportAt), warnings: [] };
  },
  encode: (reports) => ({ value: JSON.stringify(reports, null, 2), warnings: [] }),
};

/** Every built-in format, in the order names are listed and equal detection scores are settled. */
export const BUILT_IN_RESULT_FORMATS: readonly ResultFormat[] = [
  hl7Format,
  xml4Format,
  fhirFormat,
  cv365Format,
  jsonFormat,
];

function parseJson(text: string, code: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ValidationError({
      code,
      path,
      message: 'The file is not JSON',
      messageVi: 'Tệp không phải JSON',
      cause: error,
    });
  }
}

/** The i-th report of a JSON array, its problems' paths prefixed with `[i]`. */
function labReportAt(item: unknown, i: number): LabReport {
  const r = safeParseLabReport(item);
  if (r.ok) return r.value;
  throw new ValidationError({
    code: r.error.code,
    path: `[${i}].${r.error.path ?? ''}`,
    message: r.error.message,
    messageVi: r.error.messageVi,
    issues: r.error.issues.map((x) => ({ ...x, path: `[${i}].${x.path}` })),
  });
}
