// Synthetic identifiers only.
import { describe, expect, it } from 'vitest';
import { capture } from '../../test/capture.js';
import { runCli } from '../program.js';

describe('lienthong id check', () => {
  it('recognises and explains a personal ID, masked, with province names from the data', async () => {
    const c = capture('both');
    expect(await runCli(['id', 'check', '074203012345'], c.io)).toBe(0);
    expect(c.out()).toContain('074*******45');
    expect(c.out()).not.toContain('074203012345');
    expect(c.out()).toContain('Tỉnh Bình Dương');
    expect(c.out()).toContain('Thành phố Hồ Chí Minh');
    expect(c.out()).toContain('2003');
  });

  it('prints JSON', async () => {
    const c = capture('both');
    expect(
      await runCli(
        ['id', 'check', '001303012345', '--birth-date', '2003-02-01', '--sex', 'female', '--json'],
        c.io,
      ),
    ).toBe(0);
    expect(JSON.parse(c.out())).toMatchObject({
      ok: true,
      type: 'cccd',
      parts: { sex: 'female', birthYear: 2003, century: 2000 },
      province: { code: '01', name: 'Thành phố Hà Nội' },
      currentProvince: { code: '01' },
    });
  });

  it('exits 1 with the precise code on a mismatch', async () => {
    const c = capture('en');
    expect(await runCli(['id', 'check', '001203012345', '--sex', 'female'], c.io)).toBe(1);
    expect(c.err()).toMatch(/^lienthong: CITIZEN_ID_SEX_MISMATCH: /);
    const j = capture('both');
    expect(await runCli(['id', 'check', '001203012345', '--birth-date', '1990', '--json'], j.io)).toBe(1);
    expect(JSON.parse(j.out())).toMatchObject({
      ok: false,
      error: { code: 'CITIZEN_ID_BIRTH_YEAR_MISMATCH' },
    });
  });

  it('checks insurance cards (both forms), facility codes and old ID cards', async () => {
    const a = capture('both');
    expect(await runCli(['id', 'check', 'DN4790123456789', '--json'], a.io)).toBe(0);
    expect(JSON.parse(a.out())).toMatchObject({ type: 'bhyt', parts: { form: 'full', benefitLevel: 4 } });
    expect(await runCli(['id', 'check', '0123456789', '--type', 'bhyt'], capture('both').io)).toBe(0);
    expect(await runCli(['id', 'check', '97001'], capture('both').io)).toBe(0);
    expect(await runCli(['id', 'check', '012345678'], capture('both').io)).toBe(0);
    const bad = capture('en');
    expect(await runCli(['id', 'check', 'DN6790123456789'], bad.io)).toBe(1);
    expect(bad.err()).toContain('INSURANCE_CARD_BENEFIT_LEVEL_INVALID');
    expect(await runCli(['id', 'check', '012345678', '--type', 'cccd'], capture('both').io)).toBe(1);
    expect(await runCli(['id', 'check', 'what?'], capture('both').io)).toBe(1);
  });

  it('answers usage errors with exit 2', async () => {
    expect(await runCli(['id', 'check', '001203012345', '--type', 'nope'], capture('both').io)).toBe(2);
    expect(await runCli(['id', 'check', '001203012345', '--sex', 'x'], capture('both').io)).toBe(2);
  });
});
