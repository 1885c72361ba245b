import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { capture } from '../../test/capture.js';
import { runCli } from '../program.js';

const HL7 = decodeURIComponent(new URL('../../../../fixtures/real-world/hl7v2/', import.meta.url).pathname);
const FHIR = decodeURIComponent(
  new URL('../../../../fixtures/real-world/fhir-r4/', import.meta.url).pathname,
);
const dir = mkdtempSync(join(tmpdir(), 'lienthong-results-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lienthong results', () => {
  it('converts a real HL7 v2 ORU^R01 to a FHIR transaction bundle', async () => {
    const c = capture();
    expect(
      await runCli(['results', 'convert', `${HL7}LAB-ORU-1.hl7`, '--from', 'hl7', '--to', 'fhir'], c.io),
    ).toBe(0);
    const bundle = JSON.parse(c.out());
    expect(bundle.type).toBe('transaction');
    expect(
      bundle.entry.filter(
        (e: { resource: { resourceType: string } }) => e.resource.resourceType === 'DiagnosticReport',
      ),
    ).toHaveLength(2);
  });

  it('converts FHIR → XML4 (to a file) and the XML4 back to HL7 v2, with --json summaries', async () => {
    const c = capture();
    const out = join(dir, 'lipids.xml');
    // The lipid panel has no MA_LK: XML4 requires one, so the conversion fails with the row and field.
    expect(
      await runCli(
        ['results', 'convert', `${FHIR}Bundle-lipids.json`, '--from', 'fhir', '--to', 'xml4', '--out', out],
        c.io,
      ),
    ).toBe(1);
    expect(c.err()).toContain('XML4_FIELD_REQUIRED (CHI_TIET_CLS[1].MA_LK)');
    expect(c.err()).toContain('CHI_TIET_CLS[4].MA_LK'); // every row is listed

    const json = join(dir, 'reports.json');
    const c2 = capture();
    expect(
      await runCli(
        ['results', 'convert', `${HL7}LAB-ORU-1.hl7`, '--from', 'hl7', '--to', 'json', '--out', json],
        c2.io,
      ),
    ).toBe(0);
    const reports = JSON.parse(readFileSync(json, 'utf8'));
    reports[0].encounterId = 'SYN-LK-1'; // synthetic encounter key so XML4 can be written
    reports[1].encounterId = 'SYN-LK-1';
    writeFileSync(json, JSON.stringify(reports));
    const c3 = capture();
    expect(
      await runCli(
        ['results', 'convert', json, '--from', 'json', '--to', 'xml4', '--out', out, '--json'],
        c3.io,
      ),
    ).toBe(0);
    expect(JSON.parse(c3.out())).toMatchObject({ ok: true, reports: 2, out });
    const c4 = capture();
    expect(
      await runCli(
        [
          'results',
          'convert',
          out,
          '--from',
          'xml4',
          '--to',
          'hl7',
          '--patient',
          'urn:lienthong:sid:mrn:SYN01|SYN1',
        ],
        c4.io,
      ),
    ).toBe(0);
    expect(c4.out()).toMatch(/^MSH\|/);
    expect(c4.out()).toContain('OBX|');
  });

  it('warns on stderr and in --json of what the output format cannot carry (CV 365 field names)', async () => {
    const c = capture();
    const args = ['results', 'convert', `${HL7}LAB-ORU-1.hl7`, '--from', 'hl7', '--to', 'cv365'];
    expect(await runCli(args, c.io)).toBe(0);
    expect(JSON.parse(c.out())).toHaveProperty('HoSoBenhAn.KetQuaXetNghiem');
    expect(c.err()).toContain(
      'warning CV365_FIELD_UNNAMED (fields.value): No CV 365 field name is configured for value: not written',
    );
    const j = capture('vi');
    expect(await runCli([...args, '--json'], j.io)).toBe(0);
    const summary = JSON.parse(j.out());
    expect(summary.warnings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          code: 'CV365_FIELD_UNNAMED',
          path: 'fields.value',
          messageVi: 'Chưa cấu hình tên trường CV 365 cho value: không ghi',
        }),
      ]),
    );
  });

  it('FHIR without an Encounter → XML4: the missing MA_LK names --encounter; --encounter supplies it', async () => {
    // Bundle-lipids.json (HL7 FHIR R4 example): a DiagnosticReport with 4 Observations and no Encounter.
    const args = ['results', 'convert', `${FHIR}Bundle-lipids.json`, '--from', 'fhir', '--to', 'xml4'];
    const without = capture('both');
    expect(await runCli(args, without.io)).toBe(1);
    expect(without.err()).toContain(
      'lienthong: XML4_FIELD_REQUIRED (CHI_TIET_CLS[1].MA_LK): Bảng XML4 không hợp lệ tại CHI_TIET_CLS[1].MA_LK: Thiếu MA_LK (mã liên kết) (+3). Tài liệu không có mã liên kết lượt khám (MA_LK): cung cấp bằng --encounter <MA_LK>\n',
    );
    expect(without.err()).toContain(
      '  Invalid XML4 table at CHI_TIET_CLS[1].MA_LK: MA_LK (encounter key) is required (+3). The document carries no visit key (MA_LK): give it with --encounter <MA_LK>\n',
    );
    const json = capture();
    expect(await runCli([...args, '--json'], json.io)).toBe(1);
    const { error } = JSON.parse(json.out());
    expect(error).toMatchObject({ code: 'XML4_FIELD_REQUIRED', path: 'CHI_TIET_CLS[1].MA_LK' });
    expect(error.message).toContain('--encounter');
    expect(error.messageVi).toContain('--encounter');
    expect(error.issues).toHaveLength(4);

    const given = capture();
    expect(await runCli([...args, '--encounter', 'SYN-LK-0001'], given.io)).toBe(0);
    expect(given.out().match(/<MA_LK>SYN-LK-0001<\/MA_LK>/g)).toHaveLength(4);
    expect(given.out()).toContain('<TEN_CHI_SO>Cholesterol</TEN_CHI_SO>');
  });

  it('--encounter is checked as XML4 checks MA_LK: not empty, at most 100 characters', async () => {
    const args = ['results', 'convert', `${FHIR}Bundle-lipids.json`, '--from', 'fhir', '--to', 'xml4'];
    const longest = capture();
    expect(await runCli([...args, '--encounter', 'L'.repeat(100)], longest.io)).toBe(0);
    expect(longest.out()).toContain(`<MA_LK>${'L'.repeat(100)}</MA_LK>`);
    const tooLong = capture('both');
    expect(await runCli([...args, '--encounter', 'L'.repeat(101)], tooLong.io)).toBe(1);
    expect(tooLong.err()).toBe(
      'lienthong: CLI_ARGUMENT_INVALID (--encounter): --encounter dài 101 ký tự; MA_LK tối đa 100 ký tự\n  --encounter is 101 characters long; MA_LK allows at most 100\n',
    );
    const empty = capture();
    expect(await runCli([...args, '--encounter', ' '], empty.io)).toBe(1);
    expect(empty.err()).toContain('CLI_ARGUMENT_INVALID (--encounter)');
  });

  it('validate: exit 1 with the exact code and path on bad input', async () => {
    const bad = join(dir, 'bad.xml');
    writeFileSync(
      bad,
      `<CHITIEU_CHITIET_DICHVUCANLAMSANG><DSACH_CHI_TIET_CLS><CHI_TIET_CLS><MA_LK>SYN1</MA_LK><MA_CHI_SO>${'1'.repeat(51)}</MA_CHI_SO></CHI_TIET_CLS></DSACH_CHI_TIET_CLS></CHITIEU_CHITIET_DICHVUCANLAMSANG>`,
    );
    const c = capture();
    expect(await runCli(['results', 'validate', bad, '--format', 'xml4'], c.io)).toBe(1);
    expect(c.err()).toContain('XML4_FIELD_TOO_LONG (CHI_TIET_CLS[1].MA_CHI_SO)');
    const j = capture();
    expect(await runCli(['results', 'validate', bad, '--format', 'xml4', '--json'], j.io)).toBe(1);
    expect(JSON.parse(j.out()).error).toMatchObject({
      code: 'XML4_FIELD_TOO_LONG',
      path: 'CHI_TIET_CLS[1].MA_CHI_SO',
    });
    const h = capture();
    expect(await runCli(['results', 'validate', `${HL7}ORU-R01-01.hl7`, '--format', 'hl7'], h.io)).toBe(0);
    expect(h.out()).toContain('valid hl7: 1 report(s), 3 observation(s)');
    expect(h.out()).toContain('HL7_OBX_OUTSIDE_ORDER (OBX[1])');
  });

  it('reuse: advises on an intended order from a folder of reports', async () => {
    const folder = mkdtempSync(join(dir, 'reports-'));
    // SYNTHETIC report: glucose by its published insurance service code, collected 2 days before the order.
    writeFileSync(
      join(folder, 'glucose.json'),
      JSON.stringify({
        id: 'SYN-R1',
        patient: { identifiers: [{ system: 'urn:lienthong:sid:mrn:SYN01', value: 'SYN1' }] },
        codes: [{ system: 'urn:lienthong:cs:service-code', code: '23.0075.1494' }],
        status: 'final',
        lab: { qualityLevel: 4 },
        specimen: { collectedAt: '2026-06-01T08:00:00+07:00' },
        observations: [
          { codes: [], status: 'final', value: { kind: 'quantity', value: 5.6, unit: 'mmol/L' } },
        ],
      }),
    );
    /** Runs `results reuse` for a glucose order (its service code) at `at` over the folder. */
    const reuse = (at: string, c: ReturnType<typeof capture>, ...more: string[]) =>
      runCli(['results', 'reuse', '--order', '23.0075.1494', '--reports', folder, '--at', at, ...more], c.io);
    const c = capture();
    expect(await reuse('2026-06-03T08:00:00+07:00', c, '--level', '3', '--json')).toBe(0);
    expect(JSON.parse(c.out())).toMatchObject({
      reusable: [{ reportId: 'SYN-R1', group: 'biochemistry', ageHours: 48 }],
      rejected: [],
    });
    const late = capture();
    expect(await reuse('2026-09-03T08:00:00+07:00', late)).toBe(0);
    expect(late.out()).toContain('✗ SYN-R1');
    // Durations for people: days in the reader's language (94 days after collection, 60-day window).
    expect(late.out()).toContain(
      '✗ SYN-R1 2026-06-01T08:00:00+07:00: Expired for Biochemistry: 94 days old, valid 60 days',
    );
  });

  it('rejects an unknown format as a usage problem', async () => {
    const c = capture();
    expect(await runCli(['results', 'validate', `${HL7}LAB-ORU-1.hl7`, '--format', 'pdf'], c.io)).toBe(1);
    expect(c.err()).toContain('CLI_ARGUMENT_INVALID (--format)');
  });
});
