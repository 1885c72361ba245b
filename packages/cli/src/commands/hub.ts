import { readFileSync } from 'node:fs';
import { ValidationError } from '@lienthong/core';
import {
  addFacility,
  createDeidentifier,
  createLogger,
  type DatabaseConfig,
  openDatabase,
  type ReportOrder,
  startHub,
} from '@lienthong/hub';
import { type DisclosurePolicy, parseDisclosurePolicy } from '@lienthong/visits/provider-kit';
import type { Command } from 'commander';
import { type CliIo, printResult } from '../io.js';
import { registerHubExportCommand } from './hub-export.js';

interface DbOptions {
  /** PostgreSQL only: lab reports and audit entries in monthly partitions. */
  partitioned?: boolean;
  db?: string;
  databaseUrl?: string;
}

interface ServeOptions {
  port: string;
  host: string;
  publicUrl?: string;
  summaryWorkers?: string;
  trustedProxyHops?: string;
  disclosurePolicy?: string;
  sqliteCacheMib?: string;
  reportOrder?: string;
  json?: boolean;
}

/** `--db file` (SQLite, the default `./hub.db`) or `--database-url postgres://…` (or DATABASE_URL). */
function databaseOf(options: DbOptions): DatabaseConfig {
  if (options.db && options.databaseUrl) {
    throw new ValidationError({
      code: 'CLI_OPTIONS_CONFLICT',
      message: 'Give either --db or --database-url, not both.',
      messageVi: 'Chỉ dùng một trong hai: --db hoặc --database-url.',
      path: '--db',
    });
  }
  const url = options.databaseUrl ?? (options.db ? undefined : process.env.DATABASE_URL);
  if (options.partitioned && !url)
    throw new ValidationError({
      code: 'CLI_OPTIONS_CONFLICT',
      message: '--partitioned applies to PostgreSQL (--database-url) only.',
      messageVi: '--partitioned chỉ dùng với PostgreSQL (--database-url).',
      path: '--partitioned',
    });
  if (url) return options.partitioned ? { postgres: url, layout: 'partitioned' } : { postgres: url };
  return { sqlite: options.db ?? './hub.db' };
}

/**
 * The disclosure policy in the JSON file `file` (`--disclosure-policy`, or the variable
 * LIENTHONG_HUB_DISCLOSURE_POLICY): `CLI_DISCLOSURE_POLICY_UNREADABLE` when it cannot be read as JSON,
 * `DISCLOSURE_POLICY_INVALID` (with the path at fault) when it is not a policy.
 */
function disclosurePolicyOf(file: string | undefined): DisclosurePolicy | undefined {
  if (!file) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new ValidationError({
      code: 'CLI_DISCLOSURE_POLICY_UNREADABLE',
      message: `Cannot read ${file} as JSON.`,
      messageVi: `Không đọc được ${file} dưới dạng JSON.`,
      path: '--disclosure-policy',
      cause,
    });
  }
  return parseDisclosurePolicy(json);
}

/**
 * The whole number 0–99 an option was given as (undefined when not given); `code` (e.g.
 * `CLI_SUMMARY_WORKERS_INVALID`) when it is anything else.
 */
function smallWholeNumber(value: string | undefined, flag: string, code: string): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d{1,2}$/.test(value)) return Number(value);
  throw new ValidationError({
    code,
    message: `${flag} takes a whole number from 0 to 99, not ${JSON.stringify(value.slice(0, 20))}.`,
    messageVi: `${flag} nhận số nguyên từ 0 đến 99, không phải ${JSON.stringify(value.slice(0, 20))}.`,
    path: flag,
  });
}

/**
 * `--sqlite-cache-mib <n>`: SQLite's page cache for a SQLite hub (the `cacheMiB` of its database),
 * a whole number of MiB; refused with a PostgreSQL database, which has no such cache here.
 */
function withSqliteCache(database: DatabaseConfig, value: string | undefined): DatabaseConfig {
  if (value === undefined) return database;
  sqliteOnly(database, '--sqlite-cache-mib');
  if (!/^\d{1,5}$/.test(value))
    throw new ValidationError({
      code: 'CLI_SQLITE_CACHE_INVALID',
      message: `--sqlite-cache-mib takes a whole number of MiB, not ${JSON.stringify(value.slice(0, 20))}.`,
      messageVi: `--sqlite-cache-mib nhận một số MiB nguyên, không phải ${JSON.stringify(value.slice(0, 20))}.`,
      path: '--sqlite-cache-mib',
    });
  return { ...database, cacheMiB: Number(value) };
}

/**
 * `--report-order arrival|patient|patient-deferred`: where a SQLite hub stores new reports (the `reportOrder` of its
 * database; the hub refuses any other value); refused with a PostgreSQL database.
 */
function withReportOrder(database: DatabaseConfig, value: string | undefined): DatabaseConfig {
  if (value === undefined) return database;
  sqliteOnly(database, '--report-order');
  return { ...database, reportOrder: value as ReportOrder };
}

/** Refuses `flag` unless the hub's database is SQLite. */
function sqliteOnly(database: DatabaseConfig, flag: string): void {
  if (!('sqlite' in database))
    throw new ValidationError({
      code: 'CLI_OPTIONS_CONFLICT',
      message: `${flag} applies to a SQLite database (--db) only.`,
      messageVi: `${flag} chỉ dùng với cơ sở dữ liệu SQLite (--db).`,
      path: flag,
    });
}

/** Resolves on SIGINT/SIGTERM (the hub then shuts down gracefully). */
function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(signal);
    };
    const onInt = () => stop('SIGINT');
    const onTerm = () => stop('SIGTERM');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
  });
}

/** `lienthong hub serve`, `lienthong hub export` and `lienthong hub facility add`. */
export function registerHubCommands(program: Command, io: CliIo): void {
  const hub = program
    .command('hub')
    .description('run and administer a Liên Thông exchange hub (sàn liên thông)');

  hub
    .command('serve')
    .description(
      'start a hub (SQLite file by default, PostgreSQL with --database-url); stops gracefully on SIGINT/SIGTERM',
    )
    .option('--port <port>', 'port to listen on', '8080')
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--db <file>', 'SQLite database file (default ./hub.db)')
    .option('--database-url <url>', 'PostgreSQL URL (or the DATABASE_URL variable)')
    .option(
      '--partitioned',
      'PostgreSQL: lab reports and audit entries in monthly partitions (a province hub with years of data; converts the tables once, keeping every row)',
    )
    .option(
      '--public-url <url>',
      'public base URL of the links the hub writes, e.g. https://hub.example.vn/lienthong behind a proxy (or LIENTHONG_HUB_PUBLIC_URL; default: the listening address)',
    )
    .option(
      '--disclosure-policy <file>',
      'JSON file of the sensitive diagnoses withheld from other facilities (or LIENTHONG_HUB_DISCLOSURE_POLICY; default: none)',
    )
    .option(
      '--summary-workers <n>',
      "worker threads making patients' summaries off the event loop (default: one fewer than the cores, at most 4; 0: none)",
    )
    .option(
      '--trusted-proxy-hops <n>',
      'proxies in front of the hub that append to X-Forwarded-For; the client address they name limits unknown keys (default 0: the TCP peer)',
    )
    .option(
      '--sqlite-cache-mib <n>',
      "SQLite: the page cache in MiB (default 16); 64 holds a million reports' index pages, and counts in the hub's memory",
    )
    .option(
      '--report-order <order>',
      "SQLite: where new reports are stored — patient-deferred (default: appended, then filed beside the patient's others when the hub is idle), arrival (appended, never moved) or patient (beside the patient's others at once: cheaper queries, dearer publishes)",
    )
    .option('--json', 'print JSON')
    .action(async (opts: DbOptions & ServeOptions) => {
      const port = /^\d{1,5}$/.test(opts.port) ? Number(opts.port) : Number.NaN;
      if (!(port >= 0 && port <= 65_535)) {
        throw new ValidationError({
          code: 'CLI_PORT_INVALID',
          message: `Invalid port ${JSON.stringify(opts.port)}.`,
          messageVi: `Cổng không hợp lệ ${JSON.stringify(opts.port)}.`,
          path: '--port',
        });
      }
      const summaryWorkers = smallWholeNumber(
        opts.summaryWorkers,
        '--summary-workers',
        'CLI_SUMMARY_WORKERS_INVALID',
      );
      const trustedProxyHops = smallWholeNumber(
        opts.trustedProxyHops,
        '--trusted-proxy-hops',
        'CLI_TRUSTED_PROXY_HOPS_INVALID',
      );
      const publicUrl = opts.publicUrl ?? process.env.LIENTHONG_HUB_PUBLIC_URL;
      const disclosurePolicy = disclosurePolicyOf(
        opts.disclosurePolicy ?? process.env.LIENTHONG_HUB_DISCLOSURE_POLICY,
      );
      const database = withReportOrder(
        withSqliteCache(databaseOf(opts), opts.sqliteCacheMib),
        opts.reportOrder,
      );
      const running = await startHub({
        database,
        port,
        host: opts.host,
        // The hub's logs are diagnostics: on stderr, so stdout carries only the result (with
        // --json, one JSON document a script can read).
        logger: createLogger({ destination: { write: (line: string) => io.stderr(line) } }),
        ...(publicUrl ? { publicUrl } : {}),
        ...(disclosurePolicy ? { disclosurePolicy } : {}),
        ...(summaryWorkers !== undefined ? { summaryWorkers } : {}),
        ...(trustedProxyHops !== undefined ? { trustedProxyHops } : {}),
        ...(process.env.LIENTHONG_HUB_ADMIN_KEY ? { adminKey: process.env.LIENTHONG_HUB_ADMIN_KEY } : {}),
        // De-identified exports need the hub's pseudonym secret (an environment variable, never an argument).
        ...(process.env.LIENTHONG_HUB_EXPORT_SECRET
          ? {
              exports: {
                deidentify: createDeidentifier({ secret: process.env.LIENTHONG_HUB_EXPORT_SECRET })
                  .deidentify,
              },
            }
          : {}),
      });
      printResult(
        io,
        opts.json === true,
        { url: running.url, publicUrl: running.publicUrl, database: running.store.dialect },
        () =>
          `Hub listening on ${running.url} (${running.store.dialect})` +
          (running.publicUrl === running.url ? '' : `, links under ${running.publicUrl}`),
      );
      const signal = await untilSignal();
      io.stderr(`lienthong: ${signal} received, shutting down…\n`);
      await running.close();
    });

  registerHubExportCommand(hub, io);

  const facility = hub.command('facility').description('manage the facilities registered on a hub');
  facility
    .command('add')
    .description('register a facility and print its new API key (shown once)')
    .argument('<code>', 'facility code, e.g. the 5-digit mã cơ sở KCB')
    .requiredOption('--name <name>', 'facility name')
    .option(
      '--scopes <scopes>',
      'comma-separated scopes (read, write, export, export-deidentified, admin)',
      'read,write',
    )
    .option('--db <file>', 'SQLite database file (default ./hub.db)')
    .option('--database-url <url>', 'PostgreSQL URL (or the DATABASE_URL variable)')
    .option('--json', 'print JSON')
    .action(async (code: string, opts: DbOptions & { name: string; scopes: string; json?: boolean }) => {
      const store = await openDatabase(databaseOf(opts));
      try {
        const created = await addFacility(store.db, {
          code,
          name: opts.name,
          scopes: opts.scopes.split(',').map((s) => s.trim()),
        });
        printResult(io, opts.json === true, created, () =>
          [
            `Facility ${created.facility.code} — ${created.facility.name}`,
            `API key (shown once, store it securely): ${created.credential.apiKey}`,
            `Scopes: ${created.credential.scopes.join(' ')}`,
          ].join('\n'),
        );
      } finally {
        await store.close();
      }
    });
}
