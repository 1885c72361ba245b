/**
 * `@lienthong/catalogue/systems` — the code systems Liên Thông knows out of the box and their code
 * patterns, without the catalogue runtime or its zod model (what codecs need to name a coding).
 * @packageDocumentation
 */
import { fail, ok, type Result, ValidationError } from '@lienthong/core';
import { normalizeIcd10Code } from './icd10/code.js';

/*
 * The code systems Liên Thông knows out of the box, each with its code pattern and its legal basis
 * (docs/en/guide/domain.md, "Code systems"). URIs follow the project's `urn:lienthong:cs:` namespace except
 * where an international URI exists (LOINC, ICD-10, ICD-9-CM); every URI can be overridden in a release's metadata
 * because no national rule fixes them yet.
 */

/** Ids of the systems known out of the box. */
export type KnownSystemId =
  | 'qd1227'
  | 'tt23-pl01'
  | 'tt23-pl02'
  | 'service-code'
  | 'qd7603-pl11'
  | 'loinc'
  | 'icd10-vn'
  | 'icd9-cm';

/** What the SDK knows about a code system before any release is loaded. */
export interface KnownSystem {
  id: KnownSystemId;
  uri: string;
  name: string;
  nameVi: string;
  publisher: string;
  legalDocument: string;
  /** The shape of a valid code (anchored). */
  pattern: RegExp;
  /** A human description of the pattern. */
  patternText: string;
  licenceNote?: string;
  /** The code as the release writes it, from other accepted spellings (ICD-10: `J189` → `J18.9`); `undefined` when the text is no code. */
  normalizeCode?: (code: string) => string | undefined;
}

/** LOINC's notice, shipped with every release that carries LOINC codes as reference facts. */
export const LOINC_NOTICE =
  'This material contains content from LOINC (http://loinc.org). LOINC is copyright © Regenstrief Institute, Inc. and the LOINC Committee and is available at no cost under the license at http://loinc.org/license. LOINC® is a registered United States trademark of Regenstrief Institute, Inc.';

/** The systems known out of the box, by id. */
export const KNOWN_SYSTEMS: Readonly<Record<KnownSystemId, KnownSystem>> = Object.freeze({
  qd1227: {
    id: 'qd1227',
    uri: 'urn:lienthong:cs:qd1227',
    name: 'National paraclinical indicator codes',
    nameVi: 'Mã dùng chung chỉ số cận lâm sàng',
    publisher: 'Bộ Y tế (Ministry of Health)',
    legalDocument: 'QĐ 1227/QĐ-BYT, 11/04/2025',
    pattern: /^\d{7}$/,
    patternText: '7 digits (e.g. 1071177)',
    licenceNote: `Reference LOINC codes: ${LOINC_NOTICE}`,
  },
  'tt23-pl01': {
    id: 'tt23-pl01',
    uri: 'urn:lienthong:cs:tt23-pl01',
    name: 'Technique catalogue, Circular 23/2024 Appendix 01',
    nameVi: 'Danh mục kỹ thuật, Thông tư 23/2024/TT-BYT Phụ lục 01',
    publisher: 'Bộ Y tế (Ministry of Health)',
    legalDocument: 'TT 23/2024/TT-BYT, Phụ lục 01',
    pattern: /^(?:BS_)?\d{1,2}\.\d{1,4}$/,
    patternText: 'chapter.sequence, optionally prefixed BS_ (e.g. 23.75, BS_22.5)',
    licenceNote: 'Vietnamese legal normative documents are not subject to copyright (Law on IP, art. 15).',
  },
  'tt23-pl02': {
    id: 'tt23-pl02',
    uri: 'urn:lienthong:cs:tt23-pl02',
    name: 'Technique catalogue by organ system, Circular 23/2024 Appendix 02',
    nameVi: 'Danh mục kỹ thuật theo hệ cơ quan, Thông tư 23/2024/TT-BYT Phụ lục 02',
    publisher: 'Bộ Y tế (Ministry of Health)',
    legalDocument: 'TT 23/2024/TT-BYT, Phụ lục 02',
    // PL02 prints no code of its own: its concepts are keyed by the appendix's printed STT.
    pattern: /^[1-9]\d{0,4}$/,
    patternText: 'the printed STT of the appendix (1…9128); links to PL01 codes are properties',
    licenceNote: 'Vietnamese legal normative documents are not subject to copyright (Law on IP, art. 15).',
  },
  'service-code': {
    id: 'service-code',
    uri: 'urn:lienthong:cs:service-code',
    name: 'Insurance service codes (MA_DICH_VU)',
    nameVi: 'Mã dịch vụ kỹ thuật (MA_DICH_VU)',
    publisher: 'Bộ Y tế / BHXH Việt Nam',
    legalDocument: 'QĐ 4750/QĐ-BYT (XML3 suffix forms)',
    pattern: /^\d{2}\.\d{4}\.\d{4}(?:_GT|_TB|\.K\.\d{5})?$/,
    patternText: 'XX.YYYY.ZZZZ, optionally _GT, _TB or .K.WWWWW (e.g. 23.0075.1494)',
  },
  'qd7603-pl11': {
    id: 'qd7603-pl11',
    uri: 'urn:lienthong:cs:qd7603-pl11',
    name: 'Legacy laboratory codes, QĐ 7603 Appendix 11',
    nameVi: 'Mã xét nghiệm cũ, QĐ 7603/QĐ-BYT Phụ lục 11',
    publisher: 'Bộ Y tế (Ministry of Health)',
    legalDocument: 'QĐ 7603/QĐ-BYT, Phụ lục 11',
    pattern: /^[A-Z]\d{2,3}$/,
    patternText: 'one letter and 2-3 digits (e.g. H01 … H206)',
  },
  loinc: {
    id: 'loinc',
    uri: 'http://loinc.org',
    name: 'LOINC',
    nameVi: 'LOINC',
    publisher: 'Regenstrief Institute',
    legalDocument: 'reference column of QĐ 1227/QĐ-BYT',
    pattern: /^\d{1,7}-\d$/,
    patternText: 'digits, hyphen, mod-10 check digit (e.g. 2345-7)',
    licenceNote: LOINC_NOTICE,
  },
  'icd10-vn': {
    id: 'icd10-vn',
    // The URI of ICD-10 in FHIR (HL7 terminology), which VN Core uses (docs/en/guide/domain.md).
    uri: 'http://hl7.org/fhir/sid/icd-10',
    name: 'ICD-10 (Vietnamese edition, QĐ 4469/QĐ-BYT)',
    nameVi: 'Bảng phân loại quốc tế mã hoá bệnh tật ICD-10 (QĐ 4469/QĐ-BYT)',
    publisher: 'Bộ Y tế (Ministry of Health)',
    legalDocument: 'QĐ 4469/QĐ-BYT, 28/10/2020',
    pattern: /^(?:[A-Z]\d{2}(?:\.?\d{1,2})?[*†+]?|[A-Z]\d{2}-[A-Z]\d{2})$/,
    patternText:
      'letter + 2 digits, optional 1-2 digit subdivision with or without dot (J18.9, J189), optional † or * mark; chapters and groups are ranges (J09-J18)',
    licenceNote:
      'Vietnamese names: QĐ 4469/QĐ-BYT, a Vietnamese legal document, not subject to copyright (Law on IP, art. 15). ICD-10 is a classification of the World Health Organization.',
    normalizeCode: normalizeIcd10Code,
  },
  'icd9-cm': {
    id: 'icd9-cm',
    // HL7 terminology (THO) NamingSystem ICD-9CM-procedurecodes: preferred URI, OID 2.16.840.1.113883.6.104.
    // No Vietnamese rule names a URI for the procedure codes of MA_PTTT_QT; no list is bundled.
    uri: 'http://hl7.org/fhir/sid/icd-9-cm',
    name: 'ICD-9-CM procedure codes (MA_PTTT_QT)',
    nameVi: 'Mã thủ thuật, phẫu thuật ICD-9-CM (MA_PTTT_QT)',
    publisher: 'NCHS / CMS (United States)',
    legalDocument: 'QĐ 130/QĐ-BYT as amended by QĐ 4750/QĐ-BYT, table XML1 field MA_PTTT_QT',
    pattern: /^\d{2}(?:\.?\d{1,2})?$/,
    patternText: '2 digits, optional 1-2 digit subdivision with or without dot (81.51, 8151)',
  },
});

/**
 * Whether `code` has the shape of the system's codes (no catalogue needed).
 * @example matchesSystemPattern('tt23-pl01', '23.75') // true
 */
export function matchesSystemPattern(system: KnownSystemId, code: string): boolean {
  const known = KNOWN_SYSTEMS[system];
  if (system === 'loinc') return isLoincCode(code);
  return known.pattern.test(code);
}

/**
 * The LOINC mod-10 check digit of the part before the hyphen, or undefined when it is not digits.
 * @example loincCheckDigit('2345') // 7
 */
export function loincCheckDigit(body: string): number | undefined {
  if (!/^\d{1,7}$/.test(body)) return undefined;
  let sum = 0;
  // From the right: double every other digit starting with the rightmost.
  for (let i = body.length - 1, double = true; i >= 0; i--, double = !double) {
    let d = body.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/**
 * Whether a LOINC code is well formed and its check digit is right.
 * @example isLoincCode('2345-7') // true
 * @example isLoincCode('2345-8') // false
 */
export function isLoincCode(code: string): boolean {
  const m = /^(\d{1,7})-(\d)$/.exec(code);
  if (!m) return false;
  return loincCheckDigit(m[1]!) === Number(m[2]);
}

/** The parts of an insurance service code (MA_DICH_VU). */
export interface ServiceCodeParts {
  /** `XX.YYYY.ZZZZ` without suffix. */
  base: string;
  chapter: string;
  /** `0000` means "no price yet" (QĐ 4750). */
  noPrice: boolean;
  /** `_GT`: performed under local anaesthesia. */
  localAnaesthesia: boolean;
  /** `_TB`: ordered but not done. */
  notDone: boolean;
  /** `.K.WWWWW`: sample sent to facility WWWWW. */
  sentToFacility?: string;
}

/**
 * Splits an insurance service code into its documented parts (the meaning of `YYYY` and `ZZZZ`
 * is unconfirmed, so they are not interpreted); a `Result` with the `ValidationError`
 * `SERVICE_CODE_INVALID` when the shape is wrong (`XX.YYYY.ZZZZ`, optionally `_GT`, `_TB` or
 * `.K.WWWWW`).
 * @example safeParseServiceCode('23.0075.1494.K.01001') // ok({ base: '23.0075.1494', sentToFacility: '01001', … })
 */
export function safeParseServiceCode(code: string): Result<ServiceCodeParts, ValidationError> {
  const m = typeof code === 'string' ? /^(\d{2})\.(\d{4})\.(\d{4})(_GT|_TB|\.K\.(\d{5}))?$/.exec(code) : null;
  if (!m)
    return fail(
      new ValidationError({
        code: 'SERVICE_CODE_INVALID',
        path: 'code',
        message: 'Not an insurance service code (XX.YYYY.ZZZZ, optionally _GT, _TB or .K.WWWWW)',
        messageVi: 'Không phải mã dịch vụ BHYT (XX.YYYY.ZZZZ, có thể kèm _GT, _TB hoặc .K.WWWWW)',
        details: { code: typeof code === 'string' ? code.slice(0, 40) : typeof code },
      }),
    );
  return ok({
    base: `${m[1]}.${m[2]}.${m[3]}`,
    chapter: m[1]!,
    noPrice: m[3] === '0000',
    localAnaesthesia: m[4] === '_GT',
    notDone: m[4] === '_TB',
    ...(m[5] === undefined ? {} : { sentToFacility: m[5] }),
  });
}

/**
 * The known system with this id or URI, if any.
 * @example knownSystem('http://loinc.org')?.id // 'loinc'
 */
export function knownSystem(idOrUri: string): KnownSystem | undefined {
  if (idOrUri in KNOWN_SYSTEMS) return KNOWN_SYSTEMS[idOrUri as KnownSystemId];
  return Object.values(KNOWN_SYSTEMS).find((s) => s.uri === idOrUri);
}
