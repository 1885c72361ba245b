import { readFileSync } from 'node:fs';
import { TransportError } from '@lienthong/core';
import { describe, expect, it } from 'vitest';
import { capture } from '../test/capture.js';
import { exitCodeOf } from './io.js';
import { runCli } from './program.js';
import { VERSION } from './version.js';

describe('lienthong CLI', () => {
  it('prints its version, equal to package.json', async () => {
    const c = capture('both');
    expect(await runCli(['--version'], c.io)).toBe(0);
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(c.out().trim()).toBe(pkg.version);
    expect(VERSION).toBe(pkg.version);
  });

  it('prints help listing the commands', async () => {
    const c = capture('both');
    expect(await runCli(['--help'], c.io)).toBe(0);
    expect(c.out()).toMatch(/fold/);
    expect(c.out()).toMatch(/date/);
    expect(c.out()).toMatch(/systems/);
  });

  it('answers a usage error with exit 2', async () => {
    const c = capture('both');
    expect(await runCli(['no-such-command'], c.io)).toBe(2);
    expect(c.err()).toMatch(/unknown command/);
    expect(await runCli(['date'], capture('both').io)).toBe(2);
  });

  it('folds text', async () => {
    const c = capture('both');
    expect(await runCli(['fold', 'Định', 'lượng', 'GLUCOSE'], c.io)).toBe(0);
    expect(c.out()).toBe('dinh luong glucose\n');
  });

  it('converts dates both ways, with --json', async () => {
    const c = capture('both');
    expect(await runCli(['date', '202501311430', '--json'], c.io)).toBe(0);
    expect(JSON.parse(c.out())).toEqual({
      input: '202501311430',
      format: 'yyyymmddHHMM → ISO 8601',
      output: '2025-01-31T14:30:00+07:00',
    });
    const d = capture('both');
    await runCli(['date', '2025-01-31T07:30:00Z'], d.io);
    expect(d.out()).toBe('202501311430\n');
    const e = capture('both');
    await runCli(['date', '20250131'], e.io);
    expect(e.out()).toBe('2025-01-31\n');
    const f = capture('both');
    await runCli(['date', '2024-02-29'], f.io);
    expect(f.out()).toBe('20240229\n');
  });

  it('reports invalid input with its code, exit 1, in both languages', async () => {
    const c = capture('both');
    expect(await runCli(['date', '20250231'], c.io)).toBe(1);
    expect(c.err()).toMatch(
      /^lienthong: DATE_OUT_OF_RANGE: .*không phải ngày.*\n {2}.*not a real calendar date/s,
    );
    const en = capture('en');
    await runCli(['date', 'garbage'], en.io);
    expect(en.err()).toBe(
      'lienthong: DATE_FORMAT_INVALID: "garbage" is not a date in the ISO 8601 date-time with offset format.\n',
    );
    const json = capture('both');
    expect(await runCli(['date', 'garbage', '--json'], json.io)).toBe(1);
    expect(JSON.parse(json.out())).toMatchObject({ ok: false, error: { code: 'DATE_FORMAT_INVALID' } });
  });

  it('lists identifier systems', async () => {
    const c = capture('both');
    await runCli(['systems', '--json'], c.io);
    expect(JSON.parse(c.out()).cccd).toBe('http://fhir.ehealth.gov.vn/core/sid/national_id');
  });

  it('maps an unreachable remote to exit 3', () => {
    const down = new TransportError({
      code: 'TRANSPORT_NETWORK',
      message: 'x',
      messageVi: 'y',
      method: 'GET',
      url: 'u',
      retryable: true,
    });
    expect(exitCodeOf(down)).toBe(3);
    const refused = new TransportError({
      code: 'HTTP_418',
      message: 'x',
      messageVi: 'y',
      status: 418,
      method: 'GET',
      url: 'u',
      retryable: false,
    });
    expect(exitCodeOf(refused)).toBe(1);
  });
});
