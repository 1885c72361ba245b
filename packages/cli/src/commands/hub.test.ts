import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newVisit } from '@lienthong/visits';
import { afterAll, describe, expect, it } from 'vitest';
import { capture } from '../../test/capture.js';
import { runCli } from '../program.js';

const dir = mkdtempSync(join(tmpdir(), 'lienthong-cli-hub-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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
    // Partitions are PostgreSQL's: with a SQLite file the option is refused, nothing started.
    const part = capture();
    expect(await runCli(['hub', 'serve', '--db', db, '--partitioned', '--port', '0'], part.io)).toBe(1);
    expect(part.err()).toMatch(/CLI_OPTIONS_CONFLICT.*--partitioned/s);
    for (const port of ['eighty', '0x50', '8e3', ' 80', '-1', '65536']) {
      const p = capture();
      expect(await runCli(['hub', 'serve', '--port', port, '--db', db], p.io)).toBe(1);
      expect(p.err()).toMatch(/CLI_PORT_INVALID/);
    }
    for (const workers of ['two', '-1', '1.5', '100', '']) {
      const w = capture();
      expect(
        await runCli(['hub', 'serve', '--port', '0', '--db', db, '--summary-workers', workers], w.io),
      ).toBe(1);
      expect(w.err()).toMatch(/CLI_SUMMARY_WORKERS_INVALID/);
    }
    for (const hops of ['one', '-1', '100']) {
      const h = capture();
      expect(
        await runCli(['hub', 'serve', '--port', '0', '--db', db, '--trusted-proxy-hops', hops], h.io),
      ).toBe(1);
      expect(h.err()).toMatch(/CLI_TRUSTED_PROXY_HOPS_INVALID.*--trusted-proxy-hops/s);
    }
    for (const [cache, code] of [
      ['big', /CLI_SQLITE_CACHE_INVALID.*--sqlite-cache-mib/s],
      ['-1', /CLI_SQLITE_CACHE_INVALID/],
      ['1.5', /CLI_SQLITE_CACHE_INVALID/],
      ['0', /HUB_OPTION_INVALID.*database\.cacheMiB/s],
      ['65537', /HUB_OPTION_INVALID/],
    ] as const) {
      const m = capture();
      expect(
        await runCli(['hub', 'serve', '--port', '0', '--db', db, '--sqlite-cache-mib', cache], m.io),
      ).toBe(1);
      expect(m.err()).toMatch(code);
    }
    for (const [flag, value] of [
      ['--sqlite-cache-mib', '64'],
      ['--report-order', 'patient'],
    ] as const) {
      const pg = capture();
      expect(
        await runCli(['hub', 'serve', '--port', '0', '--database-url', 'postgres://x', flag, value], pg.io),
      ).toBe(1);
      expect(pg.err()).toMatch(new RegExp(`CLI_OPTIONS_CONFLICT.*${flag}`, 's'));
    }
    const order = capture();
    expect(
      await runCli(['hub', 'serve', '--port', '0', '--db', db, '--report-order', 'random'], order.io),
    ).toBe(1);
    expect(order.err()).toMatch(/HUB_OPTION_INVALID.*database\.reportOrder/s);
    const u = capture();
    expect(await runCli(['hub', 'serve', '--port', '0', '--db', db, '--public-url', 'ftp://x'], u.io)).toBe(
      1,
    );
    expect(u.err()).toMatch(/HUB_PUBLIC_URL_INVALID/);
    expect(await runCli(['hub', 'facility', 'add', '01002', '--db', db], capture().io)).toBe(2); // --name is required
  });

  /** Starts `hub serve` with `args`, returns its printed JSON and a stop function. */
  async function serving(args: string[]) {
    const c = capture();
    const exit = runCli(['hub', 'serve', '--port', '0', '--db', db, '--json', ...args], c.io);
    let printed: { url: string; publicUrl: string } | undefined;
    for (let i = 0; i < 100 && !printed; i++) {
      await new Promise((r) => setTimeout(r, 50));
      printed = c.out() ? (JSON.parse(c.out()) as { url: string; publicUrl: string }) : undefined;
    }
    // The hub's JSON log lines go to stderr, never into the printed result.
    expect(c.err()).toMatch(/"msg":"hub started"/);
    return {
      printed: printed!,
      stop: async () => {
        process.emit('SIGTERM');
        return exit;
      },
    };
  }

  it('serves a SQLite hub with the page cache --sqlite-cache-mib asks for, in --report-order', async () => {
    for (const order of ['patient', 'patient-deferred']) {
      const hub = await serving(['--sqlite-cache-mib', '64', '--report-order', order]);
      expect((await fetch(`${hub.printed.url}/health`)).status).toBe(200);
      expect(await hub.stop()).toBe(0);
    }
  });

  it('takes the public URL of links from --public-url, else LIENTHONG_HUB_PUBLIC_URL, else the listening address', async () => {
    const metadataUrl = async (url: string) =>
      ((await (await fetch(`${url}/fhir/metadata`)).json()) as { implementation: { url: string } })
        .implementation.url;
    const byOption = await serving(['--public-url', 'https://hub.example.vn/lienthong/']);
    expect(byOption.printed.publicUrl).toBe('https://hub.example.vn/lienthong');
    expect(await metadataUrl(byOption.printed.url)).toBe('https://hub.example.vn/lienthong/fhir');
    expect(await byOption.stop()).toBe(0);
    process.env.LIENTHONG_HUB_PUBLIC_URL = 'https://gateway.example.vn/hub';
    try {
      const byEnv = await serving([]);
      expect(await metadataUrl(byEnv.printed.url)).toBe('https://gateway.example.vn/hub/fhir');
      expect(await byEnv.stop()).toBe(0);
      const optionWins = await serving(['--public-url', 'https://hub.example.vn']);
      expect(await metadataUrl(optionWins.printed.url)).toBe('https://hub.example.vn/fhir');
      expect(await optionWins.stop()).toBe(0);
    } finally {
      delete process.env.LIENTHONG_HUB_PUBLIC_URL;
    }
    const byDefault = await serving([]);
    expect(byDefault.printed.publicUrl).toBe(byDefault.printed.url);
    expect(await metadataUrl(byDefault.printed.url)).toBe(`${byDefault.printed.url}/fhir`);
    expect(await byDefault.stop()).toBe(0);
  });

  it('applies the disclosure policy of --disclosure-policy; refuses an unreadable or invalid one', async () => {
    const bad = join(dir, 'bad-policy.json');
    writeFileSync(bad, JSON.stringify({ rules: [{ name: 'hiv', diagnoses: ['HIV'], allowPurposes: [] }] }));
    const invalid = capture();
    expect(
      await runCli(['hub', 'serve', '--port', '0', '--db', db, '--disclosure-policy', bad], invalid.io),
    ).toBe(1);
    expect(invalid.err()).toMatch(/DISCLOSURE_POLICY_INVALID/);
    const missing = capture();
    const nowhere = join(dir, 'none.json');
    expect(
      await runCli(['hub', 'serve', '--port', '0', '--db', db, '--disclosure-policy', nowhere], missing.io),
    ).toBe(1);
    expect(missing.err()).toMatch(/CLI_DISCLOSURE_POLICY_UNREADABLE/);

    // SYNTHETIC: facility 01001 (added above) records B20 (HIV disease); 01002 reads it for TREAT.
    const policy = join(dir, 'policy.json');
    writeFileSync(
      policy,
      JSON.stringify({ rules: [{ name: 'hiv', diagnoses: ['B20-B24'], allowPurposes: ['ETREAT'] }] }),
    );
    const keyOf = async (code: string) => {
      const c = capture();
      await runCli(
        ['hub', 'facility', 'add', code, '--name', `BV ${code} (synthetic)`, '--db', db, '--json'],
        c.io,
      );
      return (JSON.parse(c.out()) as { credential: { apiKey: string } }).credential.apiKey;
    };
    const [writer, reader] = [await keyOf('01011'), await keyOf('01012')];
    const hub = await serving(['--disclosure-policy', policy, '--summary-workers', '1']);
    const visit = newVisit({
      id: 'SYN-LK-CLI',
      facility: '01011',
      patient: { identifiers: [{ system: 'urn:synthetic:cli', value: 'P1' }] },
      mainDiagnosis: { system: 'http://hl7.org/fhir/sid/icd-10', code: 'B20' },
    });
    const published = await fetch(`${hub.printed.url}/v1/visits`, {
      method: 'POST',
      headers: { authorization: `Bearer ${writer}`, 'content-type': 'application/json' },
      body: JSON.stringify(visit),
    });
    expect(published.status).toBe(201);
    const read = await fetch(`${hub.printed.url}/v1/visits/01011:SYN-LK-CLI`, {
      headers: { authorization: `Bearer ${reader}` },
    });
    expect(await read.json()).not.toHaveProperty('mainDiagnosis');
    // The summary, made by the summary worker thread, withholds it too and counts it.
    const summary = await fetch(
      `${hub.printed.url}/v1/patients/${encodeURIComponent('urn:synthetic:cli|P1')}/summary`,
      { headers: { authorization: `Bearer ${reader}` } },
    );
    expect(await summary.json()).toMatchObject({ problems: [], withheld: 1 });
    expect(await hub.stop()).toBe(0);
  });

  it('serves de-identified exports only with LIENTHONG_HUB_EXPORT_SECRET; refuses a short secret', async () => {
    const c = capture();
    await runCli(
      [
        'hub',
        'facility',
        'add',
        '01021',
        '--name',
        'BV (synthetic)',
        '--scopes',
        'read,export',
        '--db',
        db,
        '--json',
      ],
      c.io,
    );
    const key = (JSON.parse(c.out()) as { credential: { apiKey: string } }).credential.apiKey;
    const kickOff = (url: string) =>
      fetch(`${url}/fhir/$export?_deidentify=true`, {
        headers: { authorization: `Bearer ${key}`, prefer: 'respond-async' },
      });
    const without = await serving([]);
    expect((await kickOff(without.printed.url)).status).toBe(400);
    expect(await without.stop()).toBe(0);
    process.env.LIENTHONG_HUB_EXPORT_SECRET = 'SYNTHETIC-test-secret-of-at-least-32-bytes';
    try {
      const withSecret = await serving([]);
      const started = await kickOff(withSecret.printed.url);
      expect(started.status).toBe(202);
      // Cancelled: a later hub on this database without the secret would fail the job.
      const cancel = await fetch(started.headers.get('content-location')!, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${key}` },
      });
      expect(cancel.status).toBe(202);
      expect(await withSecret.stop()).toBe(0);
      process.env.LIENTHONG_HUB_EXPORT_SECRET = 'short';
      const short = capture();
      expect(await runCli(['hub', 'serve', '--port', '0', '--db', db], short.io)).toBe(1);
      expect(short.err()).toMatch(/DEIDENTIFY_SECRET_TOO_SHORT/);
      expect(short.err()).not.toContain('short\n');
    } finally {
      delete process.env.LIENTHONG_HUB_EXPORT_SECRET;
    }
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
