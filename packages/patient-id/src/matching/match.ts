import { canonicalIdentifierSystem, identifierSystemName } from '@lienthong/core';
import type { PatientIdentifier, PatientRecord } from '../model/patient-record.js';
import { nameSimilarity, nameWords } from './names.js';

/**
 * Patient matching: deterministic on identifiers, probabilistic on demographics with Vietnamese
 * name handling. The score is 0..1; the grade follows PDQm `$match` (FHIR `match-grade`).
 *
 * Thresholds ({@link MATCH_THRESHOLDS}):
 * - `certain` ≥ 0.95 — only reachable through an agreeing identifier (same system and value) with
 *   no conflicting demographics;
 * - `probable` ≥ 0.80 — demographics agree strongly (e.g. full name + birth date + sex);
 * - `possible` ≥ 0.60 — partial agreement, a human should review;
 * - `certainly-not` below, or a conflicting personal ID number.
 *
 * Demographic weights (log-likelihood style, documented so they can be tuned):
 * given name 3, birth date 3.5 (year only: 2), family name 2, middle name 1, sex 1, province 0.5,
 * phone 2. The demographic score is the agreeing weight over the weight of the fields both sides
 * have, scaled down when fewer than 7 weight units could be compared (one agreeing field proves little).
 */
export const MATCH_THRESHOLDS = { certain: 0.95, probable: 0.8, possible: 0.6 } as const;
export const MATCH_WEIGHTS = {
  given: 3,
  birthDate: 3.5,
  birthYear: 2,
  family: 2,
  middle: 1,
  sex: 1,
  province: 0.5,
  phone: 2,
} as const;

export type MatchGrade = 'certain' | 'probable' | 'possible' | 'certainly-not';

/** What is matched: any part of a record. */
export type MatchInput = Partial<Omit<PatientRecord, 'id' | 'name'>> & { name?: PatientRecord['name'] };

export interface MatchResult {
  score: number;
  grade: MatchGrade;
  /** Fields that agreed (`identifier:<system>`, `family`, `given`, `birthDate`, `name-order`…). */
  agreeing: string[];
  /** Fields both sides had that disagreed. */
  disagreeing: string[];
}

// Systems compared through their canonical URI, so an older alias (`…hl7.org.vn/core/sid/cccd`)
// agrees with the current one (`…ehealth.gov.vn/core/sid/national_id`).
const norm = (i: PatientIdentifier) =>
  `${canonicalIdentifierSystem(i.system)}|${i.value.trim().toUpperCase()}`;

export function gradeOf(score: number): MatchGrade {
  return score >= MATCH_THRESHOLDS.certain
    ? 'certain'
    : score >= MATCH_THRESHOLDS.probable
      ? 'probable'
      : score >= MATCH_THRESHOLDS.possible
        ? 'possible'
        : 'certainly-not';
}

function compareBirthDates(a: string, b: string): 'exact' | 'year' | 'transposed' | 'different' {
  const n = Math.min(a.length, b.length);
  if (a.slice(0, n) === b.slice(0, n)) return n >= 10 ? 'exact' : 'year';
  if (a.length === 10 && b.length === 10 && a.slice(0, 4) === b.slice(0, 4)) {
    if (a.slice(5, 7) === b.slice(8, 10) && a.slice(8, 10) === b.slice(5, 7)) return 'transposed';
  }
  return 'different';
}

/** Scores how likely `candidate` is the patient described by `input`. */
export function scoreMatch(input: MatchInput, candidate: PatientRecord): MatchResult {
  const agreeing: string[] = [];
  const disagreeing: string[] = [];
  // Deterministic: identifiers.
  const theirs = new Map(candidate.identifiers.map((i) => [norm(i), i]));
  let idAgrees = false;
  let idConflict = false;
  for (const id of input.identifiers ?? []) {
    if (theirs.has(norm(id))) {
      idAgrees = true;
      agreeing.push(`identifier:${id.system}`);
    } else if (id.kind === 'cccd' || identifierSystemName(id.system) === 'cccd') {
      const system = canonicalIdentifierSystem(id.system);
      if (candidate.identifiers.some((c) => canonicalIdentifierSystem(c.system) === system)) {
        idConflict = true;
        disagreeing.push(`identifier:${id.system}`);
      }
    }
  }
  // Probabilistic: demographics.
  let possible = 0;
  let got = 0;
  const field = (name: string, weight: number, similarity: number | undefined) => {
    if (similarity === undefined) return;
    possible += weight;
    got += weight * similarity;
    (similarity >= 0.5 ? agreeing : disagreeing).push(name);
  };
  const a = input.name ?? {};
  const b = candidate.name;
  const [af, am, ag, bf, bm, bg] = [a.family, a.middle, a.given, b.family, b.middle, b.given].map(nameWords);
  const allA = [...af!, ...am!, ...ag!, ...nameWords(a.text)].sort().join(' ');
  const allB = [...bf!, ...bm!, ...bg!, ...nameWords(b.text)].sort().join(' ');
  const sameWords = allA !== '' && allA === allB;
  const orderSwapped = sameWords && (nameSimilarity(af!, bf!) < 1 || nameSimilarity(ag!, bg!) < 1);
  if (orderSwapped) {
    // The same words in another order (given-first forms, or parts put in the wrong fields).
    field('name-order', MATCH_WEIGHTS.family + MATCH_WEIGHTS.given + MATCH_WEIGHTS.middle, 0.9);
  } else {
    if (af!.length && bf!.length) field('family', MATCH_WEIGHTS.family, nameSimilarity(af!, bf!));
    if (ag!.length && bg!.length) field('given', MATCH_WEIGHTS.given, nameSimilarity(ag!, bg!));
    if (am!.length && bm!.length) field('middle', MATCH_WEIGHTS.middle, nameSimilarity(am!, bm!));
    if (!af!.length && !ag!.length && allA && allB)
      field('name', MATCH_WEIGHTS.family + MATCH_WEIGHTS.given, allA === allB ? 1 : 0);
  }
  if (input.birthDate && candidate.birthDate) {
    const c = compareBirthDates(input.birthDate, candidate.birthDate);
    if (c === 'exact') field('birthDate', MATCH_WEIGHTS.birthDate, 1);
    else if (c === 'year') field('birthYear', MATCH_WEIGHTS.birthYear, 1);
    else if (c === 'transposed') field('birthDate-transposed', MATCH_WEIGHTS.birthDate, 0.6);
    else field('birthDate', MATCH_WEIGHTS.birthDate, 0);
  }
  if (input.sex && candidate.sex && input.sex !== 'unknown' && candidate.sex !== 'unknown')
    field('sex', MATCH_WEIGHTS.sex, input.sex === candidate.sex ? 1 : 0);
  const prov = (r: MatchInput) => r.addresses?.find((x) => x.provinceCode)?.provinceCode;
  if (prov(input) && prov(candidate))
    field('province', MATCH_WEIGHTS.province, prov(input) === prov(candidate) ? 1 : 0);
  const phones = (r: MatchInput) =>
    new Set(
      (r.contacts ?? [])
        .filter((c) => c.system === 'phone')
        .map((c) => c.value.replace(/\D/g, '').replace(/^84/, '0')),
    );
  const pa = phones(input);
  const pb = phones(candidate);
  if (pa.size && pb.size) field('phone', MATCH_WEIGHTS.phone, [...pa].some((p) => pb.has(p)) ? 1 : 0);

  const demographic = possible === 0 ? undefined : (got / possible) * Math.min(1, possible / 7);
  let score: number;
  if (idAgrees) score = demographic === undefined || demographic >= 0.5 ? 1 : 0.85;
  else score = Math.min(0.94, demographic ?? 0);
  if (idConflict) score *= 0.3;
  score = Math.round(score * 1000) / 1000;
  return { score, grade: gradeOf(score), agreeing, disagreeing };
}

/** Scores and ranks candidates, best first, dropping those below `minGrade` (default `possible`). */
export function rankCandidates<T extends PatientRecord>(
  input: MatchInput,
  candidates: Iterable<T>,
  options: { minGrade?: MatchGrade; limit?: number } = {},
): (MatchResult & { record: T })[] {
  const floor = options.minGrade === 'certainly-not' ? 0 : MATCH_THRESHOLDS[options.minGrade ?? 'possible'];
  const seen = new Set<string>();
  const out: (MatchResult & { record: T })[] = [];
  for (const record of candidates) {
    const key = record.id ?? record.identifiers.map(norm).join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    const r = scoreMatch(input, record);
    if (r.score >= floor) out.push({ ...r, record });
  }
  out.sort((x, y) => y.score - x.score);
  return options.limit === undefined ? out : out.slice(0, options.limit);
}
