/**
 * Benchmark suites, side by side with the libraries a user would otherwise pick. Each
 * `bench/*.bench.ts` default-exports `defineBench({...})`; `npm run bench [filter]` runs them all
 * in one process so ours and the alternatives are measured under the same conditions.
 */

/** One measured function. Exactly one case per group is `ours`; ratios compare against it. */
export interface BenchCase {
  /** What is measured (e.g. `fold 1 000 names`). Cases with the same `group` are compared. */
  group: string;
  /** Who does it: `@lienthong/core`, `remove-accents 0.5`, `hand-written NFD + regex`… */
  library: string;
  ours?: boolean;
  fn: () => unknown;
}

/** A benchmark suite. */
export interface BenchSuite {
  name: string;
  /** What the inputs are and where they come from (real data, fixture files). */
  description: string;
  /** Loads inputs before timing (not measured). */
  setup?: () => Promise<void> | void;
  cases: () => BenchCase[];
  /** Non-speed facts measured once (recall, accuracy, load time, bytes), printed under the table. */
  facts?: () => Promise<Record<string, string | number>> | Record<string, string | number>;
  /** Time budget per case in ms (default 500). */
  timeMs?: number;
}

export function defineBench(suite: BenchSuite): BenchSuite {
  return suite;
}
