import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDicomHeader } from './header-reader.js';
import { nodeInflateRaw, scanDicomFolder, scanFolderToReferences } from './scan.js';

const FIXTURES = new URL('../../../../fixtures/real-world/dicom/', import.meta.url);
const FIXTURE_DIR = decodeURIComponent(FIXTURES.pathname);

/** dcmdump ground truth, generated once by test/fixtures/generate-dcmdump-truth.sh. */
const truth = JSON.parse(
  readFileSync(new URL('../../test/fixtures/dcmdump-truth.json', import.meta.url), 'utf8'),
) as { files: Record<string, Record<string, string>> };

/** The header fields dcmdump reports, absent ones as '' (dcmdump's truth file writes them so). */
function headerFields(x: Partial<Record<(typeof HEADER_FIELDS)[number], string>>): Record<string, string> {
  return Object.fromEntries(HEADER_FIELDS.map((k) => [k, x[k] ?? '']));
}
const HEADER_FIELDS = [
  'transferSyntaxUid',
  'studyInstanceUid',
  'seriesInstanceUid',
  'sopInstanceUid',
  'sopClassUid',
  'modality',
  'studyDate',
  'studyTime',
  'accessionNumber',
  'patientId',
] as const;

describe('Part-10 scanner against dcmdump (dcmtk) ground truth', () => {
  it('covers every fixture file', () => {
    expect(Object.keys(truth.files).sort()).toEqual(
      readdirSync(FIXTURES)
        .filter((f) => f.endsWith('.dcm'))
        .sort(),
    );
  });

  it('reads per file the UIDs, modality and study date dcmdump reports; no_meta.dcm is reported, not fatal', async () => {
    const seen = new Set<string>();
    for await (const event of scanDicomFolder(FIXTURE_DIR)) {
      const file = event.type === 'instance' ? event.instance.file : event.file;
      seen.add(file);
      const expected = truth.files[file]!;
      if (expected.error) {
        expect(event.type, file).toBe('skipped');
        if (event.type === 'skipped') expect(event.error.code).toBe('DICOM_NOT_PART10');
        continue;
      }
      expect(event.type, file).toBe('instance');
      if (event.type !== 'instance') continue;
      const i = event.instance;
      expect(headerFields(i), file).toEqual(headerFields(expected));
      expect(i.seriesNumber === undefined ? '' : String(i.seriesNumber), file).toBe(
        expected.seriesNumber ?? '',
      );
    }
    expect(seen.size).toBe(15);
  });

  it('stops before Pixel Data: large files are read only in part', async () => {
    const sizes: Record<string, number> = {};
    for await (const e of scanDicomFolder(FIXTURE_DIR, { chunkBytes: 4096 })) {
      if (e.type === 'instance') sizes[e.instance.file] = e.instance.bytesRead;
    }
    expect(sizes['US1_UNCR.dcm']).toBeLessThan(20_000); // file is 922,878 bytes
    expect(sizes['examples_palette.dcm']).toBeLessThan(283_486);
  });

  it('reads every fixture identically from a prefix and from the whole file', () => {
    for (const file of Object.keys(truth.files).filter((f) => !truth.files[f]!.error)) {
      const bytes = new Uint8Array(readFileSync(new URL(file, FIXTURES)));
      const whole = parseDicomHeader(bytes, { inflateRaw: nodeInflateRaw });
      if (whole.pixelDataOffset !== undefined && whole.transferSyntaxUid !== '1.2.840.10008.1.2.1.99') {
        const prefix = parseDicomHeader(bytes.subarray(0, whole.pixelDataOffset + 12), { complete: false });
        expect(prefix.attributes, file).toEqual(whole.attributes);
      }
    }
  });

  it('groups into studies and series, counting an instance stored in four syntaxes once', async () => {
    const scan = await scanFolderToReferences(FIXTURE_DIR, {
      facility: '79001',
      wadoRsBase: 'https://pacs.example.vn/dicom-web',
    });
    expect(scan.files).toBe(15);
    expect(scan.instances).toBe(14);
    expect(scan.skipped.map((s) => [s.file, s.code])).toEqual([['no_meta.dcm', 'DICOM_NOT_PART10']]);
    const studyUids = new Set(
      Object.values(truth.files)
        .map((f) => f.studyInstanceUid)
        .filter(Boolean),
    );
    expect(scan.references.map((r) => r.studyInstanceUid).sort()).toEqual([...studyUids].sort());
    const mr = scan.references.find(
      (r) => r.studyInstanceUid === '1.3.6.1.4.1.5962.1.2.4.20040826185059.5457',
    )!;
    expect(mr.series).toHaveLength(1);
    expect(mr.instanceCount).toBe(1);
    expect(mr.modalities).toEqual(['MR']);
    expect(mr.studyDate).toBe('2004-08-26');
    expect(mr.endpoints.wadoRs).toBe('https://pacs.example.vn/dicom-web');
    expect(mr.performingFacility?.code).toBe('79001');
    expect(mr.patient.identifiers).toEqual([{ system: 'urn:lienthong:sid:mrn:79001', value: '4MR1' }]);
    const ct = scan.references.find(
      (r) => r.studyInstanceUid === '1.3.6.1.4.1.5962.1.2.1.20040119072730.12322',
    )!;
    expect(ct.utcOffset).toBe('-05:00');
    expect(ct.studyTime).toBe('07:27:30');
  });

  it('reports a missing folder as a typed error', async () => {
    await expect(scanFolderToReferences('/nonexistent/folder/xyz')).rejects.toMatchObject({
      code: 'DICOM_FOLDER_UNREADABLE',
    });
  });
});
