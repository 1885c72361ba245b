import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { LienThongError, redactText, toLienThongError } from '@lienthong/core';
import type { Visit } from '@lienthong/visits';
import { type DisclosurePolicy, discloseVisits } from '@lienthong/visits/provider-kit';
import type { HubDb } from '../db/open-database.js';
import type { Logger } from '../logger.js';
import { type Deidentify, runExport } from './bulk-run.js';
import type { MemberSnapshot } from './cohorts-store.js';
import { type ExportJob, jobsStore, type StoredRequest } from './jobs-store.js';

/** Options of the hub's bulk exports (`StartHubOptions.exports`). */
export interface BulkExportOptions {
  /**
   * Where the NDJSON files are written, one sub-directory per job. Default: beside a SQLite
   * database file (`<file>.exports/`), else `<os temp dir>/lienthong-hub-exports/`. Hubs sharing
   * a PostgreSQL must share this directory too (a job's files are read by whichever hub answers).
   */
  directory?: string;
  /** Jobs run at once by this hub (default 1). */
  concurrency?: number;
  /** How long a finished job and its files are kept (default 24 h). */
  expiryMs?: number;
  /** Largest file: a new file of the type starts past this many lines (default 100,000) or bytes (256 MiB). */
  maxLinesPerFile?: number;
  maxBytesPerFile?: number;
  /** Rows read per query (default 200). */
  pageSize?: number;
  /** A running job whose hub gave no sign of life for this long is run again (default 60 s). */
  staleAfterMs?: number;
  /** Jobs one credential may have queued or running at once; one more is refused with 429 (default 5). */
  maxActiveJobsPerCredential?: number;
  /** Seconds a client is asked to wait between status requests (`Retry-After`, default 2). */
  retryAfterSeconds?: number;
  /** The de-identification hook (`_deidentify=true`, `export-deidentified` credentials); without it such exports are refused. */
  deidentify?: Deidentify;
  /** Sensitive diagnoses withheld from the export's reader, as on every visit read (`startHub` passes the hub's). */
  disclosurePolicy?: DisclosurePolicy;
}

/** A job's owner and request, as the kick-off gives them. */
export interface NewJob {
  facilityCode: string;
  credentialId: string;
  /** The facility whose records are exported; undefined: every facility's (administrators). */
  scopeFacility: string | undefined;
  request: Omit<StoredRequest, 'scopeFacility' | 'members'>;
  /** The patients the export is restricted to (a cohort's members, or the `patient` parameter's), snapshotted with the job. */
  members?: MemberSnapshot | undefined;
}

/** The hub's bulk export jobs: queued in the database, run in the background with bounded concurrency. */
export interface BulkExports {
  readonly retryAfterSeconds: number;
  readonly canDeidentify: boolean;
  /** Queues a job; answers its id. */
  kickOff(job: NewJob): Promise<string>;
  /** A job that has not expired, or undefined. */
  get(id: string): Promise<ExportJob | undefined>;
  /** Stops a job (running or not), removes its files and its row; false when there was none. */
  cancel(id: string): Promise<boolean>;
  /** The path of a file a completed job's manifest lists, or undefined. */
  fileOf(job: ExportJob, name: string): string | undefined;
  /** Re-queues the jobs of a hub that stopped, removes expired ones, then runs what is queued. */
  start(): Promise<void>;
  /** Stops the running jobs (they stay queued, to run when a hub starts again) and the timers. */
  close(): Promise<void>;
}

/** Job ids are UUIDs; only such names in the export directory are the hub's to remove. */
export const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const tooManyJobs = (limit: number, retryAfter: number) =>
  new LienThongError({
    code: 'BULK_TOO_MANY_JOBS',
    message: `This credential already has ${limit} exports queued or running; wait for one to finish, or cancel one.`,
    messageVi: `Thông tin xác thực này đã có ${limit} lệnh xuất đang chờ hoặc đang chạy; hãy chờ một lệnh xong hoặc hủy bớt.`,
    details: { status: 429, headers: { 'retry-after': String(retryAfter) } },
  });

const stopping = () =>
  new LienThongError({
    code: 'HUB_SHUTTING_DOWN',
    message: 'The hub is shutting down.',
    messageVi: 'Sàn liên thông đang dừng.',
    details: { status: 503 },
  });

/**
 * The hub's export jobs over its database and an export directory. Each state change is persisted
 * (`jobs-store.ts`): a hub that stops — closed or crashed — leaves its jobs queued or running, and
 * the next hub to start runs them again from the start (their partial files are deleted first), so
 * a manifest only ever lists the files of one complete run.
 * @example const exports = createBulkExports(store, { directory: '/var/lib/lienthong/exports' }, logger); await exports.start();
 */
export function createBulkExports(
  store: HubDb,
  options: BulkExportOptions & { directory: string },
  logger: Logger,
): BulkExports {
  const jobs = jobsStore(store);
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const expiryMs = options.expiryMs ?? 24 * 3_600_000;
  const staleAfterMs = options.staleAfterMs ?? 60_000;
  const running = new Map<string, { controller: AbortController; done: Promise<void>; progress: string }>();
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let pumping: Promise<void> = Promise.resolve();
  const dirOf = (id: string) => join(options.directory, id);
  const expiresAt = () => new Date(Date.now() + expiryMs).toISOString();

  /** A visit as a reader may see it (no reader recorded: an unknown facility's, with the default purpose). */
  const discloseFor = (reader: { facility: string; purpose: string } | undefined) => {
    const policy = options.disclosurePolicy;
    if (!policy) return undefined;
    const who = reader ?? { facility: '', purpose: 'TREAT' };
    return (visit: Visit) => discloseVisits([visit], policy, who).visits[0]!;
  };

  /** Runs a claimed job; `transactionTime` is its claim's, the manifest's. */
  async function run(job: ExportJob, transactionTime: string): Promise<void> {
    const entry = running.get(job.id)!;
    const dir = dirOf(job.id);
    try {
      // A fresh directory: the files of an interrupted run never mix with this one's.
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      const output = await runExport({
        db: store.db,
        dir,
        request: job.request,
        facility: job.request.scopeFacility,
        ...(job.request.members ? { membersOf: job.id } : {}),
        transactionTime,
        limits: {
          ...(options.maxLinesPerFile ? { maxLines: options.maxLinesPerFile } : {}),
          ...(options.maxBytesPerFile ? { maxBytes: options.maxBytesPerFile } : {}),
        },
        ...(options.pageSize ? { pageSize: options.pageSize } : {}),
        deidentify: options.deidentify,
        disclose: discloseFor(job.request.reader),
        signal: entry.controller.signal,
        onProgress: (n) => {
          entry.progress = `running: ${n} resources written`;
        },
      });
      // Cancelled meanwhile: the row is gone, so are the files.
      if (!(await jobs.complete(job.id, output, expiresAt())))
        await rm(dir, { recursive: true, force: true });
    } catch (thrown) {
      if (entry.controller.signal.aborted) return; // closing (re-queued) or cancelled (removed)
      const error = toLienThongError(thrown, {
        code: 'BULK_EXPORT_FAILED',
        message: 'The export failed.',
        messageVi: 'Lệnh xuất dữ liệu thất bại.',
      });
      logger.error({ job: job.id, code: error.code, err: redactText(String(thrown)) }, 'bulk export failed');
      await rm(dir, { recursive: true, force: true });
      await jobs.fail(
        job.id,
        { code: error.code, message: error.message, messageVi: error.messageVi },
        expiresAt(),
      );
    }
  }

  /** Claims queued jobs up to the concurrency; serialised, so two pumps never claim past it. */
  function pump(): Promise<void> {
    pumping = pumping.then(async () => {
      if (closed || running.size >= concurrency) return;
      const ids = (await jobs.queued(concurrency + running.size)).filter((id) => !running.has(id));
      for (const id of ids) {
        if (closed || running.size >= concurrency) return;
        const job = await jobs.get(id);
        const now = new Date().toISOString();
        if (!job || !(await jobs.claim(id, now))) continue;
        const controller = new AbortController();
        const entry = { controller, done: Promise.resolve(), progress: 'running' };
        running.set(id, entry);
        entry.done = run(job, now)
          .catch((err: unknown) => logger.error({ job: id, err: String(err) }, 'bulk export job error'))
          .finally(() => {
            running.delete(id);
            void pump();
          });
      }
    });
    pumping = pumping.catch((err: unknown) => logger.error({ err: String(err) }, 'bulk export queue error'));
    return pumping;
  }

  /** Heartbeats of the running jobs, re-queueing of stale ones, expiry; then a pump. */
  async function tick(): Promise<void> {
    for (const [id, entry] of running) await jobs.beat(id, entry.progress);
    await jobs.requeue({
      staleBefore: new Date(Date.now() - staleAfterMs).toISOString(),
      except: [...running.keys()],
    });
    for (const id of await jobs.expired(new Date().toISOString())) await removeJob(id);
    await pump();
  }

  async function removeJob(id: string): Promise<boolean> {
    // After any claim in progress: a job claimed meanwhile is then in `running`, to be stopped.
    await pumping;
    const active = running.get(id);
    if (active) {
      active.controller.abort();
      await active.done;
    }
    const removed = await jobs.remove(id);
    await rm(dirOf(id), { recursive: true, force: true });
    return removed;
  }

  const retryAfterSeconds = options.retryAfterSeconds ?? 2;
  return {
    retryAfterSeconds,
    canDeidentify: options.deidentify !== undefined,
    async kickOff(job) {
      if (closed) throw stopping();
      const limit = options.maxActiveJobsPerCredential ?? 5;
      if ((await jobs.active(job.credentialId)) >= limit) throw tooManyJobs(limit, retryAfterSeconds);
      const id = randomUUID();
      await jobs.insert({
        id,
        facilityCode: job.facilityCode,
        credentialId: job.credentialId,
        request: {
          ...job.request,
          ...(job.scopeFacility !== undefined ? { scopeFacility: job.scopeFacility } : {}),
          ...(job.members ? { members: true } : {}),
        },
        members: job.members,
      });
      void pump();
      return id;
    },
    async get(id) {
      const job = await jobs.get(id);
      if (!job || (job.expiresAt !== null && job.expiresAt <= new Date().toISOString())) return undefined;
      const active = running.get(id);
      return active ? { ...job, progress: active.progress } : job;
    },
    cancel: removeJob,
    fileOf(job, name) {
      const listed = [...(job.output?.output ?? []), ...(job.output?.error ?? [])].some(
        (f) => f.name === name,
      );
      return job.state === 'completed' && listed ? join(dirOf(job.id), name) : undefined;
    },
    async start() {
      await mkdir(options.directory, { recursive: true });
      // One process writes a SQLite file: what it left running stopped with it. Hubs sharing a
      // PostgreSQL re-queue only the jobs whose hub went silent.
      const staleBefore =
        store.dialect === 'sqlite' ? '9999' : new Date(Date.now() - staleAfterMs).toISOString();
      await jobs.requeue({ staleBefore });
      for (const id of await jobs.expired(new Date().toISOString())) await removeJob(id);
      // Directories of jobs that no longer exist (a crash between removing a row and its files).
      // Only job-shaped names: the directory may be shared with anything else.
      for (const name of await readdir(options.directory))
        if (JOB_ID.test(name) && !(await jobs.get(name)))
          await rm(dirOf(name), { recursive: true, force: true });
      const every = Math.max(50, Math.min(staleAfterMs / 4, expiryMs / 2, 15_000));
      timer = setInterval(() => void tick().catch(() => {}), every);
      timer.unref();
      await pump();
    },
    async close() {
      if (closed) return;
      closed = true;
      if (timer) clearInterval(timer);
      await pumping;
      const ids = [...running.keys()];
      for (const entry of running.values()) entry.controller.abort();
      await Promise.all([...running.values()].map((e) => e.done));
      await jobs.requeue({ ids });
    },
  };
}
