import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createHubClient, createHubResultExchange } from '@lienthong/hub-api';
import type { LabReport } from '@lienthong/result-exchange';
import { afterAll, describe, expect, it } from 'vitest';
import type { DatabaseConfig } from '../src/db/open-database.js';
import type { MakeDatabase, TestDatabase } from './databases.js';
import { startTestHub } from './test-hub.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const ADMIN = 'crash-test-admin-key';

/** Starts `lienthong hub serve` from source in a child process and resolves with its URL. */
async function serveInChild(database: DatabaseConfig): Promise<{ child: ChildProcess; url: string }> {
  const dbArgs = 'sqlite' in database ? ['--db', database.sqlite] : ['--database-url', database.postgres];
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'packages/cli/src/bin.ts', 'hub', 'serve', '--port', '0', '--json', ...dbArgs],
    {
      cwd: root,
      env: { ...process.env, LIENTHONG_HUB_ADMIN_KEY: ADMIN, LIENTHONG_LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error('hub child did not start in 30 s')), 30_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      text += line;
      try {
        const parsed = JSON.parse(text) as { url?: string };
        if (parsed.url) {
          clearTimeout(timer);
          resolve(parsed.url);
        }
      } catch {
        // the JSON document spans several lines
      }
    });
    child.once('exit', (code) => reject(new Error(`hub child exited early (${code})`)));
  });
  return { child, url };
}

/** A SYNTHETIC report (made-up patient, synthetic code system). */
const report = (i: number): LabReport =>
  ({
    id: `SYN-CRASH-${i}`,
    patient: { identifiers: [{ system: 'urn:synthetic:patient', value: 'P-1' }] },
    codes: [{ system: 'urn:synthetic:test', code: 'GLU' }],
    status: 'final',
    effectiveAt: `2026-11-20T08:${String(i % 60).padStart(2, '0')}:00+07:00`,
    observations: [
      {
        codes: [{ system: 'urn:synthetic:test', code: 'GLU' }],
        status: 'final',
        value: { kind: 'quantity', value: i, unit: 'mmol/L' },
      },
    ],
  }) as LabReport;

/**
 * Crash test: a hub child process receives a stream of publishes and is SIGKILLed mid-stream.
 * After a restart on the same database, every publish that got a 2xx is present exactly once.
 */
export function describeCrashDurability(dialect: string, makeDatabase: MakeDatabase): void {
  describe(`crash durability on ${dialect}`, () => {
    let database: TestDatabase | undefined;
    afterAll(async () => {
      await database?.drop();
    });

    it('keeps every acknowledged publish exactly once across a SIGKILL', async () => {
      database = await makeDatabase();
      const first = await serveInChild(database.config);
      const admin = createHubClient({ baseUrl: first.url, apiKey: ADMIN, retry: false });
      const { credential } = await admin.POST('/v1/facilities', {
        body: { code: '01001', name: 'Crash test (synthetic)' },
      });
      const exchange = createHubResultExchange({
        baseUrl: first.url,
        apiKey: credential.apiKey,
        retry: false,
      });

      const acknowledged: number[] = [];
      let sent = 0;
      let killed = false;
      const failures: unknown[] = [];
      // Four concurrent publishers; the kill lands while requests are in flight.
      const publisher = async (lane: number) => {
        for (let i = lane; !killed; i += 4) {
          sent++;
          try {
            await exchange.publish(report(i), { idempotencyKey: `crash-${i}` });
            acknowledged.push(i);
          } catch (error) {
            if (!killed) failures.push(error);
            return; // after the kill: the connection died with the process
          }
        }
      };
      const lanes = [0, 1, 2, 3].map(publisher);
      while (acknowledged.length < 40 && failures.length === 0) await new Promise((r) => setTimeout(r, 5));
      expect(failures).toEqual([]);
      const exited = new Promise((r) => first.child.once('exit', r));
      first.child.kill('SIGKILL');
      killed = true;
      await Promise.all(lanes);
      await exited;
      expect(acknowledged.length).toBeGreaterThanOrEqual(40);
      expect(sent).toBeGreaterThan(acknowledged.length - 1);

      const restarted = await startTestHub(database, { adminKey: ADMIN });
      try {
        const reader = createHubResultExchange({ baseUrl: restarted.url, apiKey: ADMIN, pageSize: 500 });
        for (const i of acknowledged) {
          const history = await reader.history(`SYN-CRASH-${i}`);
          expect(history, `report ${i}`).toHaveLength(1);
        }
        const all: LabReport[] = [];
        for await (const r of reader.query({ patient: { system: 'urn:synthetic:patient', value: 'P-1' } }))
          all.push(r);
        expect(new Set(all.map((r) => r.id)).size).toBe(all.length); // nothing duplicated
        expect(all.length).toBeGreaterThanOrEqual(acknowledged.length);
        // A retry of an acknowledged publish after the restart replays, never duplicates.
        const replay = await reader
          .publish(report(acknowledged[0]!), { idempotencyKey: `crash-${acknowledged[0]}` })
          .catch((e: unknown) => e);
        expect(replay).toMatchObject({ id: `SYN-CRASH-${acknowledged[0]}` });
      } finally {
        await restarted.close();
      }
    }, 90_000);
  });
}
