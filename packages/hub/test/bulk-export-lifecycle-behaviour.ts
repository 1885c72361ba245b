import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Resource } from '@lienthong/core';
import { createHubPatientDirectory } from '@lienthong/hub-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/open-database.js';
import type { Deidentify } from '../src/export/bulk-run.js';
import { createDeidentifier, PSEUDONYM_SYSTEM } from '../src/export/deidentify.js';
import type { BulkExportOptions } from '../src/export/jobs-runner.js';
import type { RunningHub } from '../src/server.js';
import { downloadAll, kickOff, statusUrlOf, waitForManifest } from './bulk-export-client.js';
import { ADMIN, facilityKey, P1, publishReports, validateAll } from './bulk-fixtures.js';
import type { MakeDatabase, TestDatabase } from './databases.js';
import { startTestHub } from './test-hub.js';

const TAG = { system: 'urn:synthetic:test-hook', code: 'DEIDENTIFIED-BY-TEST' };

/**
 * The identity-free de-identification hook of these tests (not the hub's de-identifier): drops
 * every identifier, subject and contained resource, and tags what it wrote, so a test sees that
 * every line went through the hook.
 */
const stripForTest: Deidentify = (resource) => {
  const {
    identifier: _i,
    subject: _s,
    contained: _c,
    ...rest
  } = resource as Resource & Record<string, unknown>;
  const meta = (rest.meta ?? {}) as { tag?: unknown[] };
  return { ...rest, meta: { ...meta, tag: [...(meta.tag ?? []), TAG] } } as Resource;
};

const jobOf = (statusUrl: string) => new URL(statusUrl).pathname.split('/').pop()!;

/** Writes a job row as a hub that stopped would have left it (the hub is closed meanwhile). */
async function leaveJob(
  database: TestDatabase,
  id: string,
  state: 'queued' | 'running',
  request: { types: string[]; deidentify: boolean },
): Promise<void> {
  const store = await openDatabase(database.config);
  await store.db
    .insertInto('export_jobs')
    .values({
      id,
      facility_code: '*',
      credential_id: 'admin',
      request: JSON.stringify({
        level: 'system',
        typeFilters: {},
        url: `http://127.0.0.1/fhir/$export?_type=${request.types.join(',')}`,
        ...request,
      }),
      state,
      progress: state === 'running' ? 'running: 2 resources written' : 'queued',
      transaction_time: state === 'running' ? '2026-01-01T00:00:00.000Z' : null,
      output: null,
      error: null,
      heartbeat_at: state === 'running' ? '2026-01-01T00:00:00.000Z' : null,
      created_at: '2026-01-01T00:00:00.000Z',
      expires_at: null,
    })
    .execute();
  await store.close();
}

/**
 * The life of export jobs across hub restarts, on a real hub of the dialect: a hub closed while a
 * job runs leaves it queued and the next hub completes it; a job a crashed hub left running (with
 * a partial file) is run again from the start, and its manifest lists only the files of the
 * complete run; finished jobs expire with their files; de-identified exports go through the hook.
 */
export function describeBulkExportLifecycle(dialect: string, makeDatabase: MakeDatabase): void {
  describe(`hub FHIR Bulk Data export jobs across restarts on ${dialect}`, () => {
    let database: TestDatabase;
    let dir: string;
    let hub: RunningHub | undefined;
    let keyA: string;
    let statusUrl: string;
    const start = async (exports: BulkExportOptions) => {
      hub = await startTestHub(database, {
        adminKey: ADMIN,
        rateLimit: false,
        exports: { directory: dir, maxLinesPerFile: 4, pageSize: 2, ...exports },
      });
      return hub;
    };

    beforeAll(async () => {
      database = await makeDatabase();
      dir = mkdtempSync(join(tmpdir(), 'lienthong-bulk-life-'));
    });
    afterAll(async () => {
      await hub?.close();
      await database?.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('a hub closed while a job runs leaves it queued; the next hub on the database completes it', async () => {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      // The first hub's hook holds the job mid-run until the hub is closing.
      const first = await start({
        maxActiveJobsPerCredential: 1,
        deidentify: async (r) => {
          await gate;
          return stripForTest(r);
        },
      });
      keyA = await facilityKey(first.url, '01001', ['read', 'write', 'export']);
      await publishReports(first.url, keyA, 'LIFE-A', P1, 10);
      statusUrl = await statusUrlOf(await kickOff(`${first.url}/fhir/$export?_deidentify=true`, keyA));
      for (let i = 0; ; i++) {
        const r = await fetch(statusUrl, { headers: { authorization: `Bearer ${keyA}` } });
        expect(r.status).toBe(202);
        if (r.headers.get('x-progress')?.startsWith('running')) break;
        expect(i).toBeLessThan(200);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      // One job at a time for this credential here: another kick-off meanwhile is 429.
      const busy = await kickOff(`${first.url}/fhir/$export`, keyA);
      expect(busy.status).toBe(429);
      expect(busy.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(JSON.stringify(await busy.json())).toContain('BULK_TOO_MANY_JOBS');
      const closing = first.close();
      release();
      await closing;
      hub = undefined;
      const second = await start({ deidentify: stripForTest });
      const { manifest } = await waitForManifest(statusUrl, keyA, second.url);
      expect(manifest.extension).toEqual({ 'urn:lienthong:bulk:deidentified': true });
      const resources = await downloadAll(manifest, keyA, second.url);
      expect(resources.get('DiagnosticReport')).toHaveLength(10);
      expect(resources.get('Observation')).toHaveLength(10);
      for (const list of resources.values())
        for (const r of list) {
          expect(r.meta?.tag).toContainEqual(TAG);
          expect(JSON.stringify(r)).not.toContain(P1.value);
        }
      expect(validateAll(resources as never)).toBe(20);
      // Only the files of the complete run are in the job's directory.
      const listed = manifest.output.map((f) => new URL(f.url).pathname.split('/').pop()).sort();
      expect(readdirSync(join(dir, jobOf(statusUrl))).sort()).toEqual(listed);
    });

    it("an export-deidentified credential's exports always go through the hook; _deidentify=false is 403", async () => {
      const research = await facilityKey(hub!.url, '01001', ['export-deidentified']);
      const denied = await kickOff(`${hub!.url}/fhir/$export?_deidentify=false`, research);
      expect(denied.status).toBe(403);
      await denied.body?.cancel();
      const url = await statusUrlOf(
        await kickOff(`${hub!.url}/fhir/$export?_type=DiagnosticReport`, research),
      );
      const { manifest } = await waitForManifest(url, research);
      const resources = await downloadAll(manifest, research);
      expect(resources.get('DiagnosticReport')).toHaveLength(10);
      for (const r of resources.get('DiagnosticReport')!) expect(r.meta?.tag).toContainEqual(TAG);
    });

    it('a job a crashed hub left running is run again from the start; its manifest lists only complete files', async () => {
      await hub!.close();
      hub = undefined;
      // What a crash leaves: a job still `running`, silent for long, and half a file.
      const id = '00000000-0000-4000-8000-0000000000c1';
      await leaveJob(database, id, 'running', {
        types: ['DiagnosticReport', 'Observation'],
        deidentify: false,
      });
      mkdirSync(join(dir, id));
      writeFileSync(join(dir, id, 'DiagnosticReport-1.ndjson'), '{"resourceType":"Diagnostic');
      writeFileSync(join(dir, id, 'DiagnosticReport-9.ndjson'), '');
      const third = await start({ staleAfterMs: 400, expiryMs: 3_000 });
      const { manifest } = await waitForManifest(`${third.url}/fhir/$export-status/${id}`, ADMIN);
      expect(Date.parse(manifest.transactionTime)).toBeGreaterThan(Date.parse('2026-01-01T00:00:00Z'));
      const resources = await downloadAll(manifest, ADMIN);
      expect(resources.get('DiagnosticReport')).toHaveLength(10);
      expect(manifest.output.filter((f) => f.type === 'DiagnosticReport').map((f) => f.count)).toEqual([
        4, 4, 2,
      ]);
      const listed = manifest.output.map((f) => new URL(f.url).pathname.split('/').pop()).sort();
      expect(readdirSync(join(dir, id)).sort()).toEqual(listed);
      validateAll(resources as never);
    });

    it("exports de-identified through the hub's de-identifier: no identifier, name or birth date leaves, pseudonyms stable", async () => {
      await hub!.close();
      hub = undefined;
      const { deidentify } = createDeidentifier({
        secret: 'SYNTHETIC export secret of the tests, 32+ bytes',
      });
      const withDeidentifier = await start({ deidentify, staleAfterMs: 400, expiryMs: 3_000 });
      await createHubPatientDirectory({ baseUrl: withDeidentifier.url, apiKey: keyA }).upsert({
        identifiers: [{ ...P1, kind: 'cccd' }],
        name: { family: 'Nguyễn', middle: 'Văn', given: 'An' },
        birthDate: '2003-04-05',
        sex: 'male',
      });
      const pseudonyms: string[] = [];
      for (let run = 0; run < 2; run++) {
        const url = await statusUrlOf(
          await kickOff(
            `${withDeidentifier.url}/fhir/$export?_deidentify=true&_type=Patient,DiagnosticReport`,
            keyA,
          ),
        );
        const { manifest } = await waitForManifest(url, keyA);
        expect(manifest.error).toEqual([]);
        const resources = await downloadAll(manifest, keyA);
        expect(resources.get('DiagnosticReport')).toHaveLength(10);
        const text = JSON.stringify([...resources.values()]);
        for (const secret of [P1.value, 'Nguyễn', 'Văn', '2003-04-05']) expect(text).not.toContain(secret);
        validateAll(resources as never);
        const patient = resources.get('Patient')![0]!;
        pseudonyms.push(JSON.stringify((patient as { identifier?: unknown }).identifier));
      }
      expect(pseudonyms[0]).toBe(pseudonyms[1]);
      expect(pseudonyms[0]).toContain(PSEUDONYM_SYSTEM);
    });

    it('finished jobs expire with their files', async () => {
      const url = await statusUrlOf(await kickOff(`${hub!.url}/fhir/$export?_type=Patient`, keyA));
      const { expires } = await waitForManifest(url, keyA);
      expect(Date.parse(expires!)).toBeGreaterThan(Date.now() - 1000);
      const job = jobOf(url);
      expect(existsSync(join(dir, job))).toBe(true);
      for (let i = 0; ; i++) {
        const r = await fetch(url, { headers: { authorization: `Bearer ${keyA}` } });
        if (r.status === 404 && !existsSync(join(dir, job))) break;
        expect(i).toBeLessThan(200);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      // A file directory the hub does not know, named like a job: removed on start; anything else stays.
      const orphan = join(dir, '00000000-0000-4000-8000-0000000000ff');
      mkdirSync(orphan);
      writeFileSync(join(dir, 'not-a-job.txt'), 'kept');
      await hub!.close();
      hub = undefined;
      await start({});
      expect(existsSync(orphan)).toBe(false);
      expect(existsSync(join(dir, 'not-a-job.txt'))).toBe(true);
    });

    it('a job that cannot run fails: its status answers 500 with an OperationOutcome, and no file is left', async () => {
      await hub!.close();
      hub = undefined;
      // Asked de-identified, then the hub restarted without its de-identifier: never run identified.
      const id = '00000000-0000-4000-8000-0000000000f1';
      await leaveJob(database, id, 'queued', { types: ['Patient'], deidentify: true });
      const restarted = await start({});
      const url = `${restarted.url}/fhir/$export-status/${id}`;
      let answer: Response;
      for (let i = 0; ; i++) {
        answer = await fetch(url, { headers: { authorization: `Bearer ${ADMIN}` } });
        if (answer.status !== 202) break;
        expect(i).toBeLessThan(200);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(answer.status).toBe(500);
      const outcome = (await answer.json()) as { resourceType: string; issue: { details?: unknown }[] };
      expect(outcome.resourceType).toBe('OperationOutcome');
      expect(JSON.stringify(outcome)).toContain('BULK_DEIDENTIFIER_MISSING');
      expect(existsSync(join(dir, id))).toBe(false);
    });
  });
}
