import type { Selectable } from 'kysely';
import type { HubDb } from '../db/open-database.js';
import { rowLimit } from '../db/row-limit.js';
import type { ExportJobTable } from '../db/schema.js';
import type { ExportRequest } from './bulk-request.js';
import { type MemberSnapshot, snapshotMembers } from './cohorts-store.js';

/** States of a job: waiting for a worker, being written, done (manifest ready), or failed. */
export type JobState = 'queued' | 'running' | 'completed' | 'failed';

/** One file of a completed job's manifest. */
export interface ManifestFile {
  type: string;
  name: string;
  count: number;
}

/** What a completed job lists: its files, and the OperationOutcome files of what it left out. */
export interface JobOutput {
  output: ManifestFile[];
  error: ManifestFile[];
}

/** A job's request as stored: the checked kick-off, its URL, and the facility whose records it reads (none: every facility's). */
export type StoredRequest = ExportRequest & {
  url: string;
  scopeFacility?: string;
  /** Who asked, for the disclosure policy of visits (facility and purpose of use). */
  reader?: { facility: string; purpose: string };
  /** The saved cohort a group-level export names (its members were snapshotted at kick-off). */
  cohort?: string;
  /**
   * True when the job reads only the patients snapshotted at kick-off into `export_job_members`
   * (a cohort's members, or the `patient` parameter's).
   */
  members?: boolean;
};

/** A job as stored. */
export interface ExportJob {
  id: string;
  facilityCode: string;
  credentialId: string;
  request: StoredRequest;
  state: JobState;
  progress: string;
  transactionTime: string | null;
  output: JobOutput | null;
  /** The failure (`LienThongError` JSON: `code`, `message`, `messageVi`). */
  error: { code: string; message: string; messageVi: string } | null;
  heartbeatAt: string | null;
  createdAt: string;
  expiresAt: string | null;
}

const jobOf = (row: Selectable<ExportJobTable>): ExportJob => ({
  id: row.id,
  facilityCode: row.facility_code,
  credentialId: row.credential_id,
  request: JSON.parse(row.request) as StoredRequest,
  state: row.state as JobState,
  progress: row.progress,
  transactionTime: row.transaction_time,
  output: row.output ? (JSON.parse(row.output) as JobOutput) : null,
  error: row.error ? (JSON.parse(row.error) as ExportJob['error']) : null,
  heartbeatAt: row.heartbeat_at,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
});

/**
 * The `export_jobs` table. A job's state moves `queued → running → completed | failed`; each move
 * is one conditional UPDATE, so two hubs sharing a PostgreSQL never run the same job, and a job
 * cancelled (deleted) while it runs cannot come back.
 */
export function jobsStore(store: Pick<HubDb, 'db' | 'transact'>) {
  const { db } = store;
  const moved = (result: { numUpdatedRows: bigint }) => Number(result.numUpdatedRows) > 0;
  return {
    async insert(job: {
      id: string;
      facilityCode: string;
      credentialId: string;
      request: ExportJob['request'];
      /** The patient keys the job is restricted to, written in the same transaction (before any worker can claim it). */
      members?: MemberSnapshot | undefined;
    }) {
      await store.transact(async (trx) => {
        if (job.members) await snapshotMembers(trx, job.id, job.members);
        await trx
          .insertInto('export_jobs')
          .values({
            id: job.id,
            facility_code: job.facilityCode,
            credential_id: job.credentialId,
            request: JSON.stringify(job.request),
            state: 'queued',
            progress: 'queued',
            transaction_time: null,
            output: null,
            error: null,
            heartbeat_at: null,
            created_at: new Date().toISOString(),
            expires_at: null,
          })
          .execute();
      });
    },
    async get(id: string): Promise<ExportJob | undefined> {
      const row = await db.selectFrom('export_jobs').selectAll().where('id', '=', id).executeTakeFirst();
      return row && jobOf(row);
    },
    /** How many jobs of a credential are queued or running. */
    async active(credentialId: string): Promise<number> {
      const row = await db
        .selectFrom('export_jobs')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('credential_id', '=', credentialId)
        .where('state', 'in', ['queued', 'running'])
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    /** The oldest queued jobs. */
    async queued(limit: number): Promise<string[]> {
      const rows = await db
        .selectFrom('export_jobs')
        .select('id')
        .where('state', '=', 'queued')
        .orderBy('created_at')
        .orderBy('id')
        .limit(rowLimit(limit))
        .execute();
      return rows.map((r) => r.id);
    },
    /** Takes a queued job to run it (false: another worker took it, or it was cancelled); its run starts now. */
    async claim(id: string, now: string): Promise<boolean> {
      return moved(
        await store.transact((trx) =>
          trx
            .updateTable('export_jobs')
            .set({ state: 'running', progress: 'running', transaction_time: now, heartbeat_at: now })
            .where('id', '=', id)
            .where('state', '=', 'queued')
            .executeTakeFirst(),
        ),
      );
    },
    /** A running job's sign of life and progress. */
    async beat(id: string, progress: string): Promise<void> {
      await store.transact((trx) =>
        trx
          .updateTable('export_jobs')
          .set({ progress, heartbeat_at: new Date().toISOString() })
          .where('id', '=', id)
          .where('state', '=', 'running')
          .execute(),
      );
    },
    /** Completes a running job with its whole file list, in one UPDATE. */
    async complete(id: string, output: JobOutput, expiresAt: string): Promise<boolean> {
      return moved(
        await store.transact((trx) =>
          trx
            .updateTable('export_jobs')
            .set({
              state: 'completed',
              progress: 'completed',
              output: JSON.stringify(output),
              expires_at: expiresAt,
            })
            .where('id', '=', id)
            .where('state', '=', 'running')
            .executeTakeFirst(),
        ),
      );
    },
    async fail(id: string, error: ExportJob['error'], expiresAt: string): Promise<void> {
      await store.transact((trx) =>
        trx
          .updateTable('export_jobs')
          .set({ state: 'failed', progress: 'failed', error: JSON.stringify(error), expires_at: expiresAt })
          .where('id', '=', id)
          .where('state', '=', 'running')
          .execute(),
      );
    },
    /** Puts running jobs back in the queue: `ids` (a hub stopping), or those whose heartbeat is older than `staleBefore`. */
    async requeue(
      filter: { ids: readonly string[] } | { staleBefore: string; except?: readonly string[] },
    ): Promise<void> {
      if ('ids' in filter && filter.ids.length === 0) return;
      await store.transact((trx) => {
        let q = trx
          .updateTable('export_jobs')
          .set({ state: 'queued', progress: 'queued', heartbeat_at: null })
          .where('state', '=', 'running');
        if ('ids' in filter) return q.where('id', 'in', [...filter.ids]).execute();
        q = q.where('heartbeat_at', '<', filter.staleBefore);
        if (filter.except?.length) q = q.where('id', 'not in', [...filter.except]);
        return q.execute();
      });
    },
    /** Jobs past their expiry. */
    async expired(now: string): Promise<string[]> {
      const rows = await db.selectFrom('export_jobs').select('id').where('expires_at', '<=', now).execute();
      return rows.map((r) => r.id);
    },
    async remove(id: string): Promise<boolean> {
      const result = await store.transact(async (trx) => {
        await trx.deleteFrom('export_job_members').where('job_id', '=', id).execute();
        return trx.deleteFrom('export_jobs').where('id', '=', id).executeTakeFirst();
      });
      return Number(result.numDeletedRows) > 0;
    },
  };
}

/** The operations on the `export_jobs` table. */
export type JobsStore = ReturnType<typeof jobsStore>;
