/**
 * The databases a hub load benchmark runs on: a SQLite file in a temp dir, or a throw-away
 * PostgreSQL database (LIENTHONG_PG_URL, else a private cluster started here on 127.0.0.1 and
 * stopped by {@link stopPrivatePostgres}). Each is deleted by its `drop`.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { DEFAULT_REPORT_ORDER } from '../../packages/hub/src/db/report-clusters.ts';
import type { DatabaseConfig, ReportOrder } from '../../packages/hub/src/index.ts';
import { postgresDatabase } from '../../packages/hub/test/databases.ts';
import { fmt, grownBeyondSeed, optionInvalid } from './cli.ts';

/** A database to seed and serve. */
export interface Target {
  name: string;
  config: DatabaseConfig;
  /** Size and durability settings, for the report. */
  describe(): Promise<string>;
  drop(): Promise<void>;
  /**
   * A kept SQLite file with `--seed-copy`: puts back the copy kept beside it when the file was
   * seeded (true), so every run starts from the seed's size; false when there is none yet.
   */
  restoreSeed?(): boolean;
  /** A kept SQLite file with `--seed-copy`: keeps a copy of the file just seeded, all connections closed. */
  keepSeed?(): void;
}

const statSafe = (f: string) => {
  try {
    return statSync(f).size;
  } catch {
    return undefined;
  }
};

/** A SQLite database's files: the file, its WAL and its shared-memory index. */
const SQLITE_FILES = ['', '-wal', '-shm'];

/** Copies the SQLite database `from` (its WAL too, when there is one) over `to`, whose old files go. */
export function copySqlite(from: string, to: string): void {
  for (const x of SQLITE_FILES) rmSync(to + x, { force: true });
  for (const x of ['', '-wal']) if (existsSync(from + x)) copyFileSync(from + x, to + x);
}

/**
 * Puts back `file` as `bench:hub --seed-copy` seeded it, from its copy `<file>.seed` (the
 * publishes of earlier runs would otherwise stay in it); a clear error when there is no copy.
 */
export function restoreSeedCopy(file: string): void {
  if (!existsSync(`${file}.seed`))
    throw optionInvalid(
      '--seed-copy',
      `--seed-copy: no ${file}.seed (seed with \`npm run bench:hub -- --sqlite-file ${file} --seed-copy\`)`,
      `--seed-copy: không có ${file}.seed (hãy nạp bằng \`npm run bench:hub -- --sqlite-file ${file} --seed-copy\`)`,
    );
  copySqlite(`${file}.seed`, file);
}

/**
 * A SQLite file in a new temp dir, or `keptFile` (kept at the end) when given. With `seedCopy`, a
 * kept file gets a copy beside it (`<file>.seed`) once seeded, and each run starts from that copy:
 * the runs' publishes would otherwise stay in the file and grow it past the seed.
 */
export function sqliteTarget(
  keptFile = '',
  { seedCopy = false, reportOrder }: { seedCopy?: boolean; reportOrder?: ReportOrder } = {},
): Target {
  const dir = keptFile ? '' : mkdtempSync(join(tmpdir(), 'lienthong-hub-load-'));
  const file = keptFile || join(dir, 'hub.db');
  const seed = `${file}.seed`;
  const copies = seedCopy && keptFile !== '';
  const order = reportOrder ?? DEFAULT_REPORT_ORDER;
  return {
    ...(copies && {
      restoreSeed: () => {
        if (!existsSync(seed)) return false;
        copySqlite(seed, file);
        return true;
      },
      keepSeed: () => copySqlite(file, seed),
    }),
    name: 'SQLite',
    // Named even when it is the hub's default, so that the seeding and the runs know it.
    config: { sqlite: file, reportOrder: order },
    async describe() {
      const size = ['', '-wal'].reduce((s, x) => s + (statSafe(file + x) ?? 0), 0);
      return `file ${fmt(size / 1048576)} MiB, WAL, group commit flushed before each answer, reports in ${order} order`;
    },
    drop: async () => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Seeds `target` (or reuses what it holds) through `seed`, starting from its seed copy when it has
 * one and keeping a copy of a fresh seed (`--seed-copy`). Says where the data came from (`via`),
 * and, for a file grown past `seeded` records, the warning and a results label carrying its count:
 * no goal at `seeded` is judged on it.
 */
export async function seedOrReuse<S extends { reused: number }>(
  target: Target,
  seed: () => Promise<S>,
  seeded: number,
  noun: string,
): Promise<{ result: S; via: string; grown: string | undefined; label: string }> {
  const restored = target.restoreSeed?.() ?? false;
  const result = await seed();
  if (!result.reused) target.keepSeed?.();
  const grown = grownBeyondSeed(result.reused, seeded, noun);
  return {
    result,
    via: restored ? '--sqlite-file, restored from its seed copy' : '--sqlite-file',
    grown,
    label: grown ? `${target.name} · ${fmt(result.reused)} ${noun}` : target.name,
  };
}

/** The private cluster {@link postgresTarget} started: one per process, shared by its targets. */
let privateCluster: { adminUrl: string; stop: () => void } | undefined;

/** Stops the private PostgreSQL cluster {@link postgresTarget} started, if any, and deletes it. */
export function stopPrivatePostgres(): void {
  privateCluster?.stop();
  privateCluster = undefined;
}

/**
 * A throw-away PostgreSQL database named after `name`, with the hub's tables in `layout`: one table
 * each (the hub's default) or monthly partitions (`layout: 'partitioned'`), to compare them.
 */
export async function postgresTarget(
  name = 'hub_load',
  layout: 'partitioned' | 'plain' = 'plain',
): Promise<Target> {
  // A second target (another layout) gets its own database in the cluster the first one started.
  let adminUrl = process.env.LIENTHONG_PG_URL ?? privateCluster?.adminUrl;
  if (!adminUrl) {
    // A private cluster on 127.0.0.1 in its own temp state dir (not the test services' one).
    const state = mkdtempSync(join(tmpdir(), 'lienthong-bench-pg-'));
    chmodSync(state, 0o755);
    const env = { ...process.env, LIENTHONG_SERVICES_DIR: state };
    const script = new URL('../../scripts/services/postgres.sh', import.meta.url).pathname;
    const out = execFileSync('bash', [script, 'start'], { env, encoding: 'utf8' });
    adminUrl = /LIENTHONG_PG_URL=(\S+)/.exec(out)?.[1];
    if (!adminUrl) throw new Error(`postgres.sh start printed no URL: ${out}`);
    privateCluster = {
      adminUrl,
      stop: () => {
        execFileSync('bash', [script, 'stop'], { env, stdio: 'inherit' });
        rmSync(state, { recursive: true, force: true });
      },
    };
    // The service script starts its test cluster with fsync=off; a benchmark beside SQLite's
    // synchronous=FULL restarts it with fsync on (PostgreSQL's default) so both are durable.
    const stateDir = join(state, 'postgres');
    const port = readFileSync(join(stateDir, 'port'), 'utf8').trim();
    // The cluster's own folder is named in `cluster` (older scripts kept it in the state dir).
    const clusterFile = join(stateDir, 'cluster');
    const dir = existsSync(clusterFile) ? readFileSync(clusterFile, 'utf8').trim() : stateDir;
    const bin = execFileSync('bash', ['-c', 'ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1'], {
      encoding: 'utf8',
    }).trim();
    execFileSync('su', [
      'postgres',
      '-s',
      '/bin/sh',
      '-c',
      `'${bin}/pg_ctl' -D '${dir}/data' -l '${dir}/log' -o "-c listen_addresses=127.0.0.1 -p ${port} -k ${dir}/sock -c fsync=on" -w restart >/dev/null`,
    ]);
  }
  const database = await postgresDatabase(adminUrl, name);
  return {
    name: `PostgreSQL (${layout})`,
    config: { postgres: database.config.postgres, layout },
    describe: () => describePostgres(database.config.postgres),
    drop: database.drop,
  };
}

/**
 * A PostgreSQL database the caller keeps (`--pg-database <url>`): seeded when it holds no visits,
 * never dropped — to compare changes on the same data instead of seeding a database per run.
 */
export function keptPostgresTarget(url: string): Target {
  return {
    name: 'PostgreSQL (plain, kept)',
    config: { postgres: url },
    describe: () => describePostgres(url),
    drop: async () => {},
  };
}

async function describePostgres(url: string): Promise<string> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const v = await c.query(
    "select current_setting('server_version') v, current_setting('fsync') f, current_setting('synchronous_commit') s, pg_database_size(current_database()) b",
  );
  await c.end();
  const r = v.rows[0] as { v: string; f: string; s: string; b: string };
  return `PostgreSQL ${r.v}, database ${fmt(Number(r.b) / 1048576)} MiB, fsync=${r.f}, synchronous_commit=${r.s}`;
}
