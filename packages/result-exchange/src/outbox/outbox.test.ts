import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type FhirTestServer, startFhirTestServer } from '@lienthong/conformance/fhir';
import { TransportError } from '@lienthong/core';
import type { Bundle } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResultExchange } from '../contract.js';
import { createMemoryResultExchange } from '../memory.js';
import type { LabReport } from '../model.js';
import { createOutbox } from './outbox.js';

// SYNTHETIC reports.
const report = (n: number, extra: Partial<LabReport> = {}): LabReport => ({
  id: `SYN-OUTBOX-${n}`,
  patient: { identifiers: [{ system: 'urn:lienthong:sid:mrn:SYN01', value: 'SYN1' }] },
  codes: [{ system: 'urn:lienthong:cs:service-code', code: '23.0075.1494' }],
  status: 'final',
  observations: [
    {
      codes: [],
      name: 'Glucose (synthetic)',
      status: 'final',
      value: { kind: 'quantity', value: n, unit: 'mmol/L' },
    },
  ],
  ...extra,
});

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lienthong-outbox-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('outbox', () => {
  it('queues while the remote is down, backs off, and delivers when it is back', async () => {
    let clock = 1_000_000;
    let up = false;
    const memory = createMemoryResultExchange();
    const flaky: ResultExchange = {
      ...memory,
      async publish(r, o) {
        if (!up)
          throw new TransportError({
            code: 'TRANSPORT_NETWORK',
            message: 'down',
            messageVi: 'mất kết nối',
            method: 'POST',
            url: 'http://hub',
            retryable: true,
          });
        return memory.publish(r, o);
      },
    };
    const outbox = createOutbox({
      file: join(dir, 'a.sqlite'),
      exchange: flaky,
      now: () => clock,
      backoff: { initialMs: 1000, factor: 2 },
    });
    const { key } = outbox.enqueue(report(1));
    expect(outbox.enqueue(report(1)).key).toBe(key); // same content: one entry
    expect(await outbox.deliver()).toMatchObject({ delivered: 0, retried: 1, pending: 1 });
    expect(outbox.list()[0]).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: { code: 'TRANSPORT_NETWORK' },
    });
    expect(await outbox.deliver()).toMatchObject({ retried: 0 }); // not due before the backoff
    clock += 1000;
    expect(await outbox.deliver()).toMatchObject({ retried: 1 });
    expect(Date.parse(outbox.list()[0]!.nextAttemptAt) - clock).toBe(2000); // exponential
    up = true;
    clock += 2000;
    expect(await outbox.deliver()).toMatchObject({ delivered: 1, pending: 0 });
    expect(outbox.list({ status: 'delivered' })[0]).toMatchObject({
      attempts: 3,
      receipt: { id: 'SYN-OUTBOX-1', version: 1, outcome: 'created' },
    });
    outbox.close();
  });

  it('marks refused reports failed with the reason, and can retry them', async () => {
    const memory = createMemoryResultExchange();
    await memory.publish(report(2));
    const outbox = createOutbox({ file: ':memory:', exchange: memory });
    outbox.enqueue(report(2, { conclusion: 'silently changed' }));
    expect(await outbox.deliver()).toMatchObject({ failed: 1 });
    expect(outbox.list({ status: 'failed' })[0]!.lastError).toMatchObject({ code: 'REPORT_CONFLICT' });
    expect(outbox.counts()).toEqual({ pending: 0, delivered: 0, failed: 1 });
    expect(outbox.retryFailed()).toBe(1);
    outbox.close();
  });

  it('keys every report with an idempotency key a receiver takes, and refuses an explicit one that is not', async () => {
    const outbox = createOutbox({ file: ':memory:', exchange: createMemoryResultExchange() });
    const long = report(3, { id: `SYN-${'X'.repeat(250)}` });
    const vietnamese = report(4, { id: 'SYN-PHIẾU-4' });
    for (const r of [report(5), long, vietnamese]) {
      const { key } = outbox.enqueue(r);
      expect(key).toMatch(/^[\x20-\x7e]{1,200}$/);
      // The same content queued again is the same entry.
      expect(outbox.enqueue(r).key).toBe(key);
    }
    expect(outbox.enqueue(report(5)).key).toMatch(/^lt-SYN-OUTBOX-5-[0-9a-f]{16}$/);
    for (const idempotencyKey of ['k'.repeat(201), '', 'khóa-1', 'a\nb']) {
      let error: unknown;
      try {
        outbox.enqueue(report(6), { idempotencyKey });
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ code: 'OUTBOX_KEY_INVALID', path: 'idempotencyKey' });
    }
    expect(outbox.counts()).toEqual({ pending: 3, delivered: 0, failed: 0 });
    expect(await outbox.deliver()).toMatchObject({ delivered: 3, failed: 0 });
    outbox.close();
  });
});

describe('outbox survives SIGKILL mid-delivery', () => {
  let server: FhirTestServer;
  beforeAll(async () => {
    server = await startFhirTestServer();
  });
  afterAll(async () => server.close());

  const runChild = (file: string, mode: string, onLine: (line: string, child: ChildProcess) => void) =>
    new Promise<{ code: number | null; signal: NodeJS.Signals | null; lines: string[] }>(
      (resolve, reject) => {
        const child = spawn(
          process.execPath,
          [
            '--import',
            'tsx',
            fileURLToPath(new URL('../../test/outbox-child.ts', import.meta.url)),
            file,
            server.baseUrl,
            mode,
          ],
          {
            cwd: fileURLToPath(new URL('../..', import.meta.url)),
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        );
        const lines: string[] = [];
        let err = '';
        let buffer = '';
        child.stdout.on('data', (d: Buffer) => {
          buffer += d.toString();
          let i = buffer.indexOf('\n');
          while (i >= 0) {
            const line = buffer.slice(0, i);
            buffer = buffer.slice(i + 1);
            lines.push(line);
            onLine(line, child);
            i = buffer.indexOf('\n');
          }
        });
        child.stderr.on('data', (d: Buffer) => {
          err += d.toString();
        });
        child.on('error', reject);
        child.on('exit', (code, signal) =>
          code && code !== 0
            ? reject(new Error(`child failed (${code}): ${err}`))
            : resolve({ code, signal, lines }),
        );
      },
    );

  it('every queued report arrives exactly once after a restart', async () => {
    const file = join(dir, 'crash.sqlite');
    const reports = Array.from({ length: 12 }, (_, i) => report(100 + i));
    const seed = createOutbox({ file, exchange: createMemoryResultExchange() });
    for (const r of reports) seed.enqueue(r);
    seed.close();

    // First run: killed with SIGKILL right after the receiver acknowledged the 4th report and
    // before the outbox could record it.
    let published = 0;
    const first = await runChild(file, 'slow', (line, child) => {
      if (line.startsWith('published') && ++published === 4) child.kill('SIGKILL');
    });
    expect(first.signal).toBe('SIGKILL');

    const second = await runChild(file, 'fast', () => {});
    const done = JSON.parse(second.lines.find((l) => l.startsWith('done '))!.slice(5));
    expect(done.counts).toEqual({ pending: 0, delivered: 12, failed: 0 });
    // The 4th report was re-sent with its key and recognised, not stored again.
    expect(second.lines.filter((l) => l.startsWith('published')).some((l) => l.endsWith('unchanged'))).toBe(
      true,
    );

    for (const r of reports) {
      const res = await fetch(
        `${server.baseUrl}/DiagnosticReport?identifier=${encodeURIComponent(`urn:lienthong:sid:lab-report|${r.id}`)}`,
      );
      expect(((await res.json()) as Bundle).entry ?? []).toHaveLength(1);
    }
    const obs = (await (await fetch(`${server.baseUrl}/Observation?_count=1000`)).json()) as Bundle;
    expect(obs.entry ?? []).toHaveLength(12); // one per report: no duplicate writes
  }, 60_000);
});
