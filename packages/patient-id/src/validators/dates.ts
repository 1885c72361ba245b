/** The current year in Vietnam time (UTC+07:00, no daylight saving). */
export const currentYear = (now = Date.now()): number => new Date(now + 252e5).getUTCFullYear();

/** Days in a month of the proleptic Gregorian calendar (leap years: ÷4, not ÷100 unless ÷400). */
export function daysInMonth(y: number, m: number): number {
  return m === 2
    ? y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)
      ? 29
      : 28
    : m === 4 || m === 6 || m === 9 || m === 11
      ? 30
      : 31;
}

/** The year of a real birth date `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, or undefined. */
export function birthYearOf(value: string): number | undefined {
  const m = /^(\d{4})(?:-(\d\d)(?:-(\d\d))?)?$/.exec(value);
  if (!m) return undefined;
  const y = +m[1]!;
  const mo = m[2] ? +m[2] : 1;
  const d = m[3] ? +m[3] : 1;
  return y > 0 && mo > 0 && mo < 13 && d > 0 && d <= daysInMonth(y, mo) ? y : undefined;
}
