/** Command-line options and output formatting shared by the hub load benchmarks. */
import { loadavg } from 'node:os';
import { ValidationError } from '../../packages/core/src/index.ts';
import { REPORT_ORDERS, type ReportOrder } from '../../packages/hub/src/db/report-clusters.ts';

const argv = process.argv.slice(2);
/** Whether `--name` was given. */
export const flag = (name: string): boolean => argv.includes(`--${name}`);
/** The value after `--name`, else `fallback`. */
export const option = (name: string, fallback: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : fallback;
};

/**
 * `BENCH_OPTION_INVALID` for `option` (path), in English and Vietnamese: what the benchmarks throw
 * for a value they do not take (printed without a stack trace: typed-exit.ts).
 */
export const optionInvalid = (option: string, message: string, messageVi: string): ValidationError =>
  new ValidationError({ code: 'BENCH_OPTION_INVALID', message, messageVi, path: option });

/**
 * `--<side>report-order arrival|patient|patient-deferred`: a SQLite hub's `reportOrder` as seeded and served, else
 * undefined (the hub's default); any other value is `BENCH_OPTION_INVALID` before a hub starts.
 */
export const reportOrderOption = (side = ''): ReportOrder | undefined => {
  const value = option(`${side}report-order`, '');
  if (!value) return undefined;
  if (!REPORT_ORDERS.includes(value as ReportOrder))
    throw optionInvalid(
      `--${side}report-order`,
      `--${side}report-order takes ${REPORT_ORDERS.join(' or ')}`,
      `--${side}report-order nhận ${REPORT_ORDERS.join(' hoặc ')}`,
    );
  return value as ReportOrder;
};

/**
 * The seeded data set's shape, `--reports N --patients N` (defaults 1,000,000 and reports / 10):
 * both hub benchmarks name their patients from it. A reused file cannot say it: publishes add
 * reports to the same patients, so its counts grow while the seeded patients stay.
 */
export const seededShape = (): { reports: number; patients: number } => {
  const reports = Number(option('reports', '1000000'));
  const patients = Number(option('patients', String(Math.max(1, Math.floor(reports / 10)))));
  return { reports, patients };
};

/**
 * A warning when a reused file holds more than 10 % above the seed's `seeded` records (else
 * undefined). Each run's publishes stay in a kept file: after a hundred runs it holds three times
 * the seed, every seeded patient has three times the records, and what is measured is no longer
 * the figure at `seeded`.
 */
export const grownBeyondSeed = (stored: number, seeded: number, noun = 'reports'): string | undefined =>
  stored > seeded * 1.1
    ? `⚠ the file holds ${fmt(stored)} ${noun}, ${fmt(stored / seeded, 2)} × the seed's ${fmt(seeded)}: these figures are not those at ${fmt(seeded)} (bench:hub and bench:hub-visits with --seed-copy start every run from a copy of the fresh seed)`
    : undefined;

/** `n` with thousands separators and at most `digits` decimals ('–' when not finite). */
export const fmt = (n: number, digits = 0): string =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits }) : '–';
/** Milliseconds as seconds, one decimal. */
export const secs = (ms: number): string => `${fmt(ms / 1000, 1)} s`;
export const log = (line: string): void => console.log(line);
/** The 1, 5 and 15 minute load averages. */
export const loadAverage = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
