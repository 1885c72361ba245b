/**
 * Diagnosis only (HUB_LOAD_SQL_TIMING=1): wraps better-sqlite3 statements to add up the time spent
 * in each SQL text (including the fsync of COMMIT or of an autocommit write), printed at exit.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const Database = require('better-sqlite3') as { prototype: Record<string, unknown> };
const totals = new Map<string, { n: number; ms: number }>();
const add = (sql: string, ms: number) => {
  const key = sql.replace(/\s+/g, ' ').slice(0, 90);
  const t = totals.get(key) ?? { n: 0, ms: 0 };
  t.n++;
  t.ms += ms;
  totals.set(key, t);
};
const prepare = Database.prototype.prepare as (this: unknown, sql: string) => Record<string, unknown>;
Database.prototype.prepare = function (this: unknown, sql: string) {
  const stmt = prepare.call(this, sql);
  for (const m of ['run', 'all', 'get']) {
    const f = stmt[m] as (...a: unknown[]) => unknown;
    stmt[m] = (...a: unknown[]) => {
      const t0 = performance.now();
      try {
        return f.apply(stmt, a);
      } finally {
        add(sql, performance.now() - t0);
      }
    };
  }
  return stmt;
};
export function printSqlTiming(): void {
  const rows = [...totals].sort((a, b) => b[1].ms - a[1].ms).slice(0, 20);
  console.log('  SQL time in the hub process (ms total, count, µs mean):');
  for (const [k, v] of rows)
    console.log(
      `    ${v.ms.toFixed(0).padStart(7)} ${String(v.n).padStart(7)} ${((v.ms / v.n) * 1000).toFixed(0).padStart(6)}  ${k}`,
    );
}
