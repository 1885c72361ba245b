import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_IDENTIFIER_SYSTEMS } from '@lienthong/core';
import type { RunningHub } from '@lienthong/hub';
import { createHubResultExchange } from '@lienthong/hub-api';
import { bulkExport } from '@lienthong/hub-api/bulk-export';
import { decodeOru } from '@lienthong/result-exchange/hl7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capture } from '../../test/capture.js';
import { startCliTestHub } from '../../test/test-hub.js';
import { runCli } from '../program.js';

const REAL = new URL('../../../../fixtures/real-world/hl7v2/', import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'lienthong-cli-export-'));
let hub: RunningHub;
let keys: Record<string, string> = {};

beforeAll(async () => {
  ({ hub, keys } = await startCliTestHub(dir, {
    '01001': ['read', 'write', 'export'],
    '01002': ['read', 'write'],
  }));
  // Real HL7 v2 lab reports, published by 01001 for a SYNTHETIC patient.
  const reports = createHubResultExchange({ baseUrl: hub.url, apiKey: keys['01001']!, retry: 0 });
  const decoded = decodeOru(readFileSync(new URL('ORU-R01-01.hl7', REAL), 'utf8')) as { value: object[] };
  for (const r of decoded.value)
    await reports.publish({
      ...r,
      performingFacility: { code: '01001' },
      patient: { identifiers: [{ system: DEFAULT_IDENTIFIER_SYSTEMS.cccd, value: '001203012345' }] },
    } as never);
});
afterAll(async () => {
  await hub?.close();
  rmSync(dir, { recursive: true, force: true });
});

const exportArgs = (out: string, key = keys['01001']!) => [
  'hub',
  'export',
  '--hub',
  hub.url,
  '--key',
  key,
  '--type',
  'DiagnosticReport,Observation',
  '--out',
  out,
];

describe('lienthong hub export', () => {
  it('exports the facility’s reports as NDJSON files with their manifest, showing progress', async () => {
    const out = join(dir, 'first');
    const c = capture('en', { progress: true });
    expect(await runCli([...exportArgs(out), '--json'], c.io), c.err()).toBe(0);
    const { manifest, files } = JSON.parse(c.out()) as {
      manifest: { output: { type: string; count: number }[] };
      files: { type: string; path: string; count: number }[];
    };
    expect(files.map((f) => f.type).sort()).toEqual(['DiagnosticReport', 'Observation']);
    for (const f of files) {
      const lines = readFileSync(f.path, 'utf8').trim().split('\n');
      expect(lines).toHaveLength(f.count);
      for (const line of lines) expect(JSON.parse(line).resourceType).toBe(f.type);
    }
    expect(readdirSync(out).sort()).toEqual(
      [...files.map((f) => f.path.split('/').at(-1)), 'manifest.json'].sort(),
    );
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))).toEqual(manifest);
    expect(c.progress().some((p) => p.startsWith('download 1/2'))).toBe(true);
  });

  it('resumes the export an interrupted run left in --out instead of starting another', async () => {
    const out = join(dir, 'resumed');
    // A run that kicked off and stopped before its download (what the command writes first).
    const request = { level: 'system', types: ['DiagnosticReport', 'Observation'] };
    const job = await bulkExport({ baseUrl: hub.url, apiKey: keys['01001']!, ...request } as never);
    rmSync(out, { recursive: true, force: true });
    const first = await job.wait();
    await import('node:fs/promises').then((fs) => fs.mkdir(out, { recursive: true }));
    writeFileSync(join(out, '.lienthong-export.json'), JSON.stringify({ statusUrl: job.statusUrl, request }));
    const c = capture('en', { progress: true });
    expect(await runCli([...exportArgs(out), '--json'], c.io), c.err()).toBe(0);
    expect(c.progress()[0]).toContain(`resuming the export at ${job.statusUrl}`);
    expect(JSON.parse(c.out()).manifest.transactionTime).toBe(first.transactionTime);
    expect(existsSync(join(out, '.lienthong-export.json'))).toBe(false);
  });

  it('keeps the --elements asked, tagged SUBSETTED', async () => {
    const out = join(dir, 'elements');
    const c = capture('en');
    const args = [
      ...exportArgs(out),
      '--elements',
      'Observation.valueQuantity,DiagnosticReport.issued',
      '--json',
    ];
    expect(await runCli(args, c.io), c.err()).toBe(0);
    const { files } = JSON.parse(c.out()) as { files: { type: string; path: string }[] };
    const allowed: Record<string, string[]> = {
      Observation: ['resourceType', 'id', 'meta', 'status', 'code', 'valueQuantity'],
      DiagnosticReport: ['resourceType', 'id', 'meta', 'status', 'code', 'issued'],
    };
    expect(files.length).toBeGreaterThan(0);
    for (const f of files)
      for (const line of readFileSync(f.path, 'utf8').trim().split('\n')) {
        const resource = JSON.parse(line) as { meta?: { tag?: { code?: string }[] } };
        expect(Object.keys(resource).filter((k) => !allowed[f.type]!.includes(k))).toEqual([]);
        expect(resource.meta?.tag?.map((t) => t.code)).toContain('SUBSETTED');
      }
  });

  it('answers bad options with usage errors (exit 2) and a key without the export scope with the hub’s 403', async () => {
    for (const extra of [
      ['--since', 'yesterday'],
      ['--group', '01001', '--patients'],
      ['--elements', ' , '],
      ['--patient', 'p-1'],
    ]) {
      const c = capture();
      expect(await runCli([...exportArgs(join(dir, 'bad')), ...extra], c.io)).toBe(2);
    }
    const noKey = capture();
    const saved = process.env.LIENTHONG_HUB_KEY;
    delete process.env.LIENTHONG_HUB_KEY;
    expect(await runCli(['hub', 'export', '--hub', hub.url, '--out', join(dir, 'bad')], noKey.io)).toBe(2);
    if (saved !== undefined) process.env.LIENTHONG_HUB_KEY = saved;
    const refused = capture();
    expect(await runCli([...exportArgs(join(dir, 'refused'), keys['01002']), '--json'], refused.io)).toBe(1);
    expect(JSON.parse(refused.out()).error.code).toMatch(/SCOPE/);
    expect(existsSync(join(dir, 'refused', '.lienthong-export.json'))).toBe(false);
  });
});
