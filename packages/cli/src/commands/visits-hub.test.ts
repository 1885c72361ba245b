import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_IDENTIFIER_SYSTEMS } from '@lienthong/core';
import type { RunningHub } from '@lienthong/hub';
import { decodeXml130, encodeXml130 } from '@lienthong/visits/xml130';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capture } from '../../test/capture.js';
import { startCliTestHub } from '../../test/test-hub.js';
import { runCli } from '../program.js';

const CCCD = '001085012345';
const dir = mkdtempSync(join(tmpdir(), 'lienthong-cli-visits-'));
let hub: RunningHub;
let keys: Record<string, string> = {};

/** The SYNTHETIC fixture with every visit given the same patient's CCCD (visits 2 and 3 carry none). */
function fileSetOfOnePatient(): string {
  const set = decodeXml130(
    readFileSync(new URL('../../../visits/test/fixtures/synthetic-xml130-file-set.xml', import.meta.url)),
  ).value;
  for (const v of set.visits)
    v.patient.identifiers = [{ system: DEFAULT_IDENTIFIER_SYSTEMS.cccd, value: CCCD }];
  const file = join(dir, 'a.xml');
  writeFileSync(file, encodeXml130(set).value);
  return file;
}

beforeAll(async () => {
  ({ hub, keys } = await startCliTestHub(dir, { '01001': undefined, '01002': undefined }));
});
afterAll(async () => {
  await hub?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('lienthong visits publish / summary through a hub', () => {
  it('hospital A publishes its file set; hospital B sees the history by the personal ID', async () => {
    const file = fileSetOfOnePatient();
    const p = capture();
    expect(
      await runCli(['visits', 'publish', file, '--hub', hub.url, '--key', keys['01001']!, '--json'], p.io),
    ).toBe(0);
    const { receipts } = JSON.parse(p.out()) as { receipts: { id: string; outcome: string }[] };
    expect(receipts.map((r) => [r.id, r.outcome])).toEqual([
      ['01001:SYN-LK-0001', 'created'],
      ['01001:SYN-LK-0002', 'created'],
      ['01001:SYN-LK-0003', 'created'],
    ]);
    const again = capture();
    expect(
      await runCli(['visits', 'publish', file, '--hub', hub.url, '--key', keys['01001']!], again.io),
    ).toBe(0);
    expect(again.out()).toContain('unchanged 01001:SYN-LK-0001 v1');

    const s = capture('en');
    expect(
      await runCli(['visits', 'summary', CCCD, '--hub', hub.url, '--key', keys['01002']!, '--json'], s.io),
    ).toBe(0);
    const summary = JSON.parse(s.out());
    expect(summary.encounters).toHaveLength(3);
    expect(summary.problems.map((p: { code: { code: string } }) => p.code.code)).toEqual(
      expect.arrayContaining(['J18.9', 'I10', 'E11.9', 'O80.0', 'K29.7']),
    );
    const human = capture('both');
    expect(
      await runCli(['visits', 'summary', CCCD, '--hub', hub.url, '--key', keys['01002']!], human.io),
    ).toBe(0);
    expect(human.out()).toContain('Bệnh / Problems:');
    expect(human.out()).toContain('J18.9');
    // The reader's output masks the personal ID.
    expect(human.out()).not.toContain(CCCD);
  });

  it('answers a missing key and an unrecognised identifier with usage errors, an unreachable hub with exit 3', async () => {
    const saved = process.env.LIENTHONG_HUB_KEY;
    delete process.env.LIENTHONG_HUB_KEY;
    try {
      const k = capture();
      expect(await runCli(['visits', 'summary', CCCD, '--hub', hub.url], k.io)).toBe(2);
      expect(k.err()).toContain('CLI_HUB_KEY_MISSING');
    } finally {
      if (saved !== undefined) process.env.LIENTHONG_HUB_KEY = saved;
    }
    const i = capture();
    expect(await runCli(['visits', 'summary', 'nobody', '--hub', hub.url, '--key', 'x'], i.io)).toBe(2);
    expect(i.err()).toContain('CLI_IDENTIFIER_UNRECOGNISED');
    const bad = capture();
    expect(
      await runCli(
        ['visits', 'publish', fileSetOfOnePatient(), '--hub', hub.url, '--key', keys['01002']!, '--json'],
        bad.io,
      ),
    ).toBe(1);
    expect(JSON.parse(bad.out())).toMatchObject({
      ok: false,
      error: { code: 'HUB_PUBLISH_AS_OTHER_FACILITY', path: 'facility' },
    });
    const down = capture();
    expect(
      await runCli(['visits', 'summary', CCCD, '--hub', 'http://127.0.0.1:9', '--key', 'x'], down.io),
    ).toBe(3);
  });
});
