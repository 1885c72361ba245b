/**
 * A patient's age as the restriction tables need it: in days and in completed years. From a birth
 * date and the day of care it is exact; from completed years alone the age in days is an interval,
 * so a range written in days ("0 - 365 ngày") can stay undecided.
 */
import type { AgeBound, AgeRule } from './rules.js';

/** An age as intervals `[lowest, highest]`, in days and in completed years. */
export interface AgeSpan {
  days: [number, number];
  years: [number, number];
}

const DAY_MS = 86_400_000;

/** `yyyy-mm-dd` (a date-time is read by its date) as `[y, m, d]`, or undefined when it is no calendar date. */
export function calendarDate(text: unknown): [number, number, number] | undefined {
  const m =
    typeof text === 'string'
      ? /^(\d{4})-(\d{2})-(\d{2})(?:T[\d:.]+(?:Z|[+-]\d{2}:\d{2})?)?$/.exec(text)
      : null;
  if (m === null) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d
    ? [y, mo, d]
    : undefined;
}

/**
 * The exact age on `on` of someone born on `birth` (both `[y, m, d]`, `on` not before `birth`).
 * @example ageBetween([2020, 2, 29], [2021, 2, 28]) // { days: [365, 365], years: [0, 0] }
 */
export function ageBetween(birth: [number, number, number], on: [number, number, number]): AgeSpan {
  const days = Math.round(
    (Date.UTC(on[0], on[1] - 1, on[2]) - Date.UTC(birth[0], birth[1] - 1, birth[2])) / DAY_MS,
  );
  const beforeBirthday = on[1] < birth[1] || (on[1] === birth[1] && on[2] < birth[2]);
  const years = on[0] - birth[0] - (beforeBirthday ? 1 : 0);
  return { days: [days, days], years: [years, years] };
}

/**
 * The age of someone `years` completed years old: any day from the birthday to the day before the next.
 * @example ageOfYears(1) // { days: [365, 731], years: [1, 1] }
 */
export function ageOfYears(years: number): AgeSpan {
  return { days: [365 * years, 366 * (years + 1) - 1], years: [years, years] };
}

type Verdict = 'inside' | 'outside' | 'undetermined';

function againstMin(bound: AgeBound, [low, high]: [number, number]): Verdict {
  if (bound.inclusive ? low >= bound.value : low > bound.value) return 'inside';
  return (bound.inclusive ? high < bound.value : high <= bound.value) ? 'outside' : 'undetermined';
}

function againstMax(bound: AgeBound, [low, high]: [number, number]): Verdict {
  if (bound.inclusive ? high <= bound.value : high < bound.value) return 'inside';
  return (bound.inclusive ? low > bound.value : low >= bound.value) ? 'outside' : 'undetermined';
}

/**
 * Whether an age is inside an appendix's range, outside it, or cannot be told from what is known.
 * @example ageVerdict({ max: { value: 365, unit: 'days', inclusive: true } }, ageOfYears(3)) // 'outside'
 */
export function ageVerdict(rule: Pick<AgeRule, 'min' | 'max'>, age: AgeSpan): Verdict {
  const verdicts = [
    rule.min && againstMin(rule.min, age[rule.min.unit]),
    rule.max && againstMax(rule.max, age[rule.max.unit]),
  ];
  if (verdicts.includes('outside')) return 'outside';
  return verdicts.includes('undetermined') ? 'undetermined' : 'inside';
}

/**
 * A bound as people read it: `0 ngày`, `trên 27 ngày`, `19 tuổi` / `0 days`, `over 27 days`.
 * @example describeRange({ min: { value: 15, unit: 'years', inclusive: false } }) // ['over 15 years', 'trên 15 tuổi']
 */
export function describeRange(rule: Pick<AgeRule, 'min' | 'max'>): [string, string] {
  const en = (b: AgeBound) => `${b.value} ${b.unit}`;
  const vi = (b: AgeBound) => `${b.value} ${b.unit === 'days' ? 'ngày' : 'tuổi'}`;
  const { min, max } = rule;
  if (min && max) return [`${en(min)} – ${en(max)}`, `${vi(min)} – ${vi(max)}`];
  if (min)
    return min.inclusive
      ? [`${en(min)} or more`, `từ ${vi(min)} trở lên`]
      : [`over ${en(min)}`, `trên ${vi(min)}`];
  if (max) return [`up to ${en(max)}`, `đến ${vi(max)}`];
  return ['any age', 'mọi tuổi'];
}
