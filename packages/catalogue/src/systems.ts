/**
 * The code systems Liên Thông knows out of the box, each with its code pattern and its legal basis
 * (docs/en/guide/domain.md, "Code systems"). URIs follow the project's `urn:lienthong:cs:` namespace except
 * where an international URI exists (LOINC); every URI can be overridden in a release's metadata
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
  | 'icd10-vn';

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
    uri: 'urn:lienthong:cs:icd10-vn',
    name: 'ICD-10 (Vietnamese edition)',
    nameVi: 'Bảng phân loại ICD-10 (bản tiếng Việt)',
    publisher: 'Bộ Y tế (Ministry of Health)',
    legalDocument: 'TT 06/2026/TT-BYT (from 01/07/2026)',
    pattern: /^[A-Z]\d{2}(?:\.?[0-9A-Z]{1,4})?\+?\*?$/,
    patternText: 'letter + 2 digits, optional subdivision with or without dot (R10.4, R104)',
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
 * is unconfirmed, so they are not interpreted). Returns undefined when the shape is wrong.
 * @example parseServiceCode('23.0075.1494.K.01001') // { base: '23.0075.1494', sentToFacility: '01001', … }
 */
export function parseServiceCode(code: string): ServiceCodeParts | undefined {
  const m = /^(\d{2})\.(\d{4})\.(\d{4})(_GT|_TB|\.K\.(\d{5}))?$/.exec(code);
  if (!m) return undefined;
  return {
    base: `${m[1]}.${m[2]}.${m[3]}`,
    chapter: m[1]!,
    noPrice: m[3] === '0000',
    localAnaesthesia: m[4] === '_GT',
    notDone: m[4] === '_TB',
    ...(m[5] === undefined ? {} : { sentToFacility: m[5] }),
  };
}

/**
 * The known system with this id or URI, if any.
 * @example knownSystem('http://loinc.org')?.id // 'loinc'
 */
export function knownSystem(idOrUri: string): KnownSystem | undefined {
  if (idOrUri in KNOWN_SYSTEMS) return KNOWN_SYSTEMS[idOrUri as KnownSystemId];
  return Object.values(KNOWN_SYSTEMS).find((s) => s.uri === idOrUri);
}
