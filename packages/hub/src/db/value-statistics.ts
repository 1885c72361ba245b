import type SQLite from 'better-sqlite3';

/**
 * Empties `sqlite_stat4`, keeping `sqlite_stat1`, and has the connection read them again; returns
 * how many rows it dropped (0 when `ANALYZE` never ran).
 *
 * better-sqlite3 builds SQLite with `SQLITE_ENABLE_STAT4`. Once `ANALYZE` (or `PRAGMA optimize`)
 * has filled `sqlite_stat4`, the planner may choose a plan by the very value bound to a parameter
 * compared with an indexed column, so SQLite prepares such a statement again whenever that value
 * changes (https://sqlite.org/c3ref/prepare.html, "prepare_v2"). That is every hub read: each
 * names another patient, key or report. At a million reports the patient query then spent ~20 µs
 * parsing and planning its text before each run, more than the run itself when it found nothing
 * (2–3 µs). `sqlite_stat1`, the rows per index key, is what the hub's plans need: kept.
 */
export function dropValueStatistics(sqlite: SQLite.Database): number {
  const held = sqlite.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_stat4'").get();
  if (!held) return 0;
  const { changes } = sqlite.prepare('DELETE FROM sqlite_stat4').run();
  // Reloads the statistics this connection planned with (https://sqlite.org/lang_analyze.html).
  if (changes > 0) sqlite.exec('ANALYZE sqlite_schema');
  return changes;
}
