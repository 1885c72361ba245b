import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../io.js';
import { runCli } from '../program.js';

const dir = mkdtempSync(join(tmpdir(), 'lienthong-cli-hub-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), lang: 'en' };
  return { io, out: () => out.join(''), err: () => err.join('') };
}

describe('lienthong hub', () => {
  const db = join(dir, 'hub.db');

  it('adds a facility and prints its API key once', async () => {
    const c = capture();
    expect(
      await runCli(
        ['hub', 'facility', 'add', '01001', '--name', 'Bệnh viện A (synthetic)', '--db', db, '--json'],
        c.io,
      ),
    ).toBe(0);
    const created = JSON.parse(c.out()) as { facility: { code: string }; credential: { apiKey: string } };
    expect(created.facility.code).toBe('01001');
    expect(created.credential.apiKey).toMatch(/^lthub_/);
    const again = capture();
    expect(await runCli(['hub', 'facility', 'add', '01001', '--name', 'x', '--db', db], again.io)).toBe(1);
    expect(again.err()).toMatch(/HUB_FACILITY_EXISTS/);
  });

  it('refuses conflicting database options and bad ports', async () => {
    const c = capture();
    expect(
      await runCli(
        ['hub', 'facility', 'add', '1', '--name', 'x', '--db', db, '--database-url', 'postgres://x'],
        c.io,
      ),
    ).toBe(1);
    expect(c.err()).toMatch(/CLI_OPTIONS_CONFLICT/);
    const p = capture();
    expect(await runCli(['hub', 'serve', '--port', 'eighty', '--db', db], p.io)).toBe(1);
    expect(p.err()).toMatch(/CLI_PORT_INVALID/);
    expect(await runCli(['hub', 'facility', 'add', '01002', '--db', db], capture().io)).toBe(2); // --name is required
  });

  it('serves until SIGTERM, then shuts down gracefully', async () => {
    const c = capture();
    const exit = runCli(['hub', 'serve', '--port', '0', '--db', db, '--json'], c.io);
    let url: string | undefined;
    for (let i = 0; i < 100 && !url; i++) {
      await new Promise((r) => setTimeout(r, 50));
      url = c.out() ? (JSON.parse(c.out()) as { url: string }).url : undefined;
    }
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await fetch(`${url}/health`);
    expect(await health.json()).toEqual({ status: 'ok' });
    process.emit('SIGTERM');
    expect(await exit).toBe(0);
    expect(c.err()).toMatch(/SIGTERM received/);
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });
});
