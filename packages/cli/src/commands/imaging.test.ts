import { describe, expect, it } from 'vitest';
import { capture } from '../../test/capture.js';
import { runCli } from '../program.js';

const FIXTURES = decodeURIComponent(
  new URL('../../../../fixtures/real-world/dicom/', import.meta.url).pathname,
);

describe('lienthong imaging', () => {
  it('scans the fixture folder: one reference per study, progress and skipped files on stderr', async () => {
    const c = capture();
    const code = await runCli(
      [
        'imaging',
        'scan',
        FIXTURES,
        '--json',
        '--facility',
        '79001',
        '--wado',
        'https://pacs.example.vn/dicom-web',
      ],
      c.io,
    );
    expect(code).toBe(0);
    const result = JSON.parse(c.out()) as {
      references: { studyInstanceUid: string; endpoints: { wadoRs?: string } }[];
      skipped: { file: string; code: string }[];
      files: number;
    };
    expect(result.files).toBe(15);
    expect(result.references).toHaveLength(11);
    expect(new Set(result.references.map((r) => r.studyInstanceUid)).size).toBe(11);
    expect(result.references[0]?.endpoints.wadoRs).toBe('https://pacs.example.vn/dicom-web');
    expect(result.skipped).toEqual([
      expect.objectContaining({ file: 'no_meta.dcm', code: 'DICOM_NOT_PART10' }),
    ]);
    expect(c.err()).toMatch(/scanned 15 files: 14 DICOM, 1 skipped/);
  });

  it('prints human output with masked patient identifiers', async () => {
    const c = capture();
    expect(await runCli(['imaging', 'scan', FIXTURES], c.io)).toBe(0);
    expect(c.out()).toMatch(/2004-08-26 {2}MR {2}1\.3\.6\.1\.4\.1\.5962\.1\.2\.4\.20040826185059\.5457/);
    expect(c.out()).toContain('patient 776***33');
    expect(c.out()).not.toContain('77654033');
  });

  it('reports a missing folder with exit code 1 and a stable code', async () => {
    const c = capture();
    expect(await runCli(['imaging', 'scan', '/nonexistent/dicom', '--json'], c.io)).toBe(1);
    expect(JSON.parse(c.out()).error.code).toBe('DICOM_FOLDER_UNREADABLE');
  });

  it('reports an unreachable PACS with exit code 3', async () => {
    const c = capture();
    expect(await runCli(['imaging', 'query', 'http://127.0.0.1:9/dicom-web', '--modality', 'CT'], c.io)).toBe(
      3,
    );
    expect(c.err()).toMatch(/TRANSPORT_NETWORK/);
  });

  it('rejects an invalid PACS URL with exit code 1', async () => {
    const c = capture();
    expect(await runCli(['imaging', 'query', 'not a url', '--json'], c.io)).toBe(1);
    expect(JSON.parse(c.out()).error.code).toBe('DICOMWEB_BASE_URL_INVALID');
  });

  it('answers a missing argument with the usage exit code', async () => {
    expect(await runCli(['imaging', 'scan'], capture().io)).toBe(2);
  });
});
