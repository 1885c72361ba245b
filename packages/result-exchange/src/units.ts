import { safeParseUcumUnit } from '@lienthong/catalogue/units';

/**
 * Unit normalisation: the source's unit text is kept as `originalUnit`; `unit` is its UCUM form
 * when one is known. Case-sensitive UCUM is tried first, then a small table of spellings labs
 * commonly print (`mg/dl`, `G/L` = giga per litre, `T/L`, `µmol/l`, `tera.l-1`), then UCUM on
 * the table's answer. Replace or extend it per deployment with `createUnitNormaliser`.
 */
export type UnitNormaliser = (original: string) => string | undefined;

/** Common non-UCUM spellings of lab units → UCUM. Notation facts, not national data. */
export const COMMON_UNIT_SYNONYMS: Readonly<Record<string, string>> = Object.freeze({
  'g/dl': 'g/dL',
  'mg/dl': 'mg/dL',
  'mmol/l': 'mmol/L',
  'µmol/l': 'umol/L',
  'µmol/L': 'umol/L',
  'umol/l': 'umol/L',
  'g/l': 'g/L',
  'mg/l': 'mg/L',
  'U/l': 'U/L',
  'IU/L': '[IU]/L',
  'UI/L': '[IU]/L',
  'G/L': '10*9/L',
  'G/l': '10*9/L',
  'T/L': '10*12/L',
  'T/l': '10*12/L',
  'giga.l-1': '10*9/L',
  'tera.l-1': '10*12/L',
  '10^9/L': '10*9/L',
  '10^12/L': '10*12/L',
  '10^3/µL': '10*3/uL',
  fl: 'fL',
  'pg/cell': 'pg',
  sec: 's',
  giây: 's',
});

const cache = new Map<string, string | undefined>();

function ucumOf(unit: string): string | undefined {
  const r = safeParseUcumUnit(unit);
  return r.ok ? r.value.code : undefined;
}

/** Builds a normaliser with extra synonyms (`{ 'mmol/lít': 'mmol/L' }`). */
export function createUnitNormaliser(extra: Readonly<Record<string, string>> = {}): UnitNormaliser {
  const table = { ...COMMON_UNIT_SYNONYMS, ...extra };
  const local = new Map<string, string | undefined>();
  return (original) => {
    const text = original.trim();
    if (text === '') return undefined;
    if (local.has(text)) return local.get(text);
    let answer: string | undefined;
    const synonym = table[text];
    if (synonym !== undefined) answer = ucumOf(synonym);
    else if (cache.has(text)) answer = cache.get(text);
    else {
      answer = ucumOf(text);
      cache.set(text, answer);
    }
    local.set(text, answer);
    return answer;
  };
}

/** The default normaliser (common synonyms + UCUM validation by `@lienthong/catalogue/units`). */
export const normaliseUnit: UnitNormaliser = createUnitNormaliser();
