/**
 * Real PACS tests: Orthanc + its DICOMweb plugin (Debian), started by scripts/services/orthanc.sh
 * through `npm run test:services`. The fixture files are uploaded over STOW-RS by the test itself;
 * only studies it uploaded are looked at (the store may hold others).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describeImagingRegistryConformance } from '@lienthong/conformance';
import { beforeAll, describe, expect, it } from 'vitest';
import { serviceUrl } from '../../../../scripts/services/service-env.js';
import { fromDicomJsonInstances } from '../dicom-json.js';
import type { ImagingReference } from '../model.js';
import { type FolderScan, scanFolderToReferences } from '../scanner/scan.js';
import { createDicomwebClient } from './client.js';
import { createDicomwebImagingRegistry } from './registry.js';

const orthanc = serviceUrl('LIENTHONG_ORTHANC_URL');
const FIXTURES = new URL('../../../../fixtures/real-world/dicom/', import.meta.url);
const FIXTURE_DIR = decodeURIComponent(FIXTURES.pathname);
const FACILITY = '79001';

describe.skipIf(!orthanc)('Orthanc DICOMweb (real PACS)', () => {
  // The body is collected even when skipped: a placeholder URL keeps that harmless.
  const base = `${orthanc ?? 'http://127.0.0.1:9'}/dicom-web`;
  const client = createDicomwebClient({ baseUrl: base, retry: false });
  let scan: FolderScan;
  const stored: string[] = [];
  const rejected: string[] = [];

  beforeAll(async () => {
    scan = await scanFolderToReferences(FIXTURE_DIR, {
      facility: FACILITY,
      wadoRsBase: base,
      qidoRsBase: base,
    });
    for (const file of readdirSync(FIXTURES).sort()) {
      try {
        await client.store([new Uint8Array(readFileSync(new URL(file, FIXTURES)))]);
        stored.push(file);
      } catch (error) {
        rejected.push(`${file}: ${(error as { code?: string }).code}`);
      }
    }
  });

  it('accepts every Part-10 fixture over STOW-RS and rejects only the file without the Part-10 header', () => {
    expect(rejected).toEqual(['no_meta.dcm: HTTP_BAD_REQUEST']);
    expect(stored).toHaveLength(14);
  });

  it('QIDO-RS instance answers agree with the scanner, file by file (UIDs, modality, study date)', async () => {
    const scanned = new Map<string, ImagingReference>(scan.references.map((r) => [r.studyInstanceUid, r]));
    for (const ref of scanned.values()) {
      const instances = await client.searchInstances(ref.studyInstanceUid, undefined, {
        includefield: ['00080020', '00080060'],
      });
      const fromPacs = fromDicomJsonInstances(instances, {
        facility: FACILITY,
        wadoRsBase: base,
        qidoRsBase: base,
      });
      expect(fromPacs).toHaveLength(1);
      const pacs = fromPacs[0]!;
      expect(pacs.series.map((s) => [s.uid, s.modality, s.instanceCount])).toEqual(
        ref.series.map((s) => [s.uid, s.modality, s.instanceCount]),
      );
      expect(pacs.studyDate).toBe(ref.studyDate);
    }
  });

  it('WADO-RS metadata gives the same references as the scanner', async () => {
    for (const ref of scan.references) {
      const metadata = await client.retrieveMetadata({ studyInstanceUid: ref.studyInstanceUid });
      const [pacs] = fromDicomJsonInstances(metadata, {
        facility: FACILITY,
        wadoRsBase: base,
        qidoRsBase: base,
      });
      expect(pacs, ref.studyInstanceUid).toEqual(ref);
    }
  });

  it('QIDO-RS study search: patient, modality, date range, accession, limit/offset, includefield, fuzzy matching', async () => {
    const mine = new Set(scan.references.map((r) => r.studyInstanceUid));
    const uidsOf = (list: Record<string, { Value?: unknown[] }>[]) =>
      list.map((d) => String(d['0020000D']?.Value?.[0])).filter((u) => mine.has(u));
    const mr = await client.searchStudies({
      ModalitiesInStudy: 'MR',
      StudyDate: { from: '2004-01-01', to: '2004-12-31' },
    });
    expect(uidsOf(mr)).toEqual(['1.3.6.1.4.1.5962.1.2.4.20040826185059.5457']);
    const byPatient = await client.searchStudies({ PatientID: '1CT1' });
    expect(uidsOf(byPatient).sort()).toEqual([
      '1.3.6.1.4.1.5962.1.2.1.20040119072730.12322',
      '1.3.6.1.4.1.5962.1.2.1.20040826185059.5457',
    ]);
    const open = await client.searchStudies({ StudyDate: { from: '2010-01-01' } });
    expect(uidsOf(open)).toEqual(['1.3.46.670589.14.1000.210.4.199999.20110525182825.1.0']);
    const withField = await client.searchStudies({
      StudyInstanceUID: '1.3.6.1.4.1.5962.1.2.1.20040119072730.12322',
      includefield: ['00081030'],
    });
    expect(withField[0]?.['00081030']?.Value).toEqual(['e+1']);
    const page1 = await client.searchStudies({ limit: 2, offset: 0 });
    const page2 = await client.searchStudies({ limit: 2, offset: 2 });
    expect(page1).toHaveLength(2);
    expect(page2.length).toBeGreaterThan(0);
    expect(page1.map((d) => d['0020000D']?.Value?.[0])).not.toContain(page2[0]?.['0020000D']?.Value?.[0]);
    const fuzzy = await client.searchStudies({ PatientName: 'CompressedSamples*', fuzzymatching: true });
    expect(uidsOf(fuzzy).length).toBeGreaterThan(0);
  });

  it('renders real pictures and falls back from /thumbnail (404 on Orthanc) to /rendered?viewport=', async () => {
    const ct = { studyInstanceUid: '1.3.6.1.4.1.5962.1.2.1.20040119072730.12322' };
    const jpeg = await client.retrieveRendered(ct);
    expect(jpeg.contentType).toMatch(/image\/jpeg/);
    expect([...jpeg.bytes.subarray(0, 2)]).toEqual([0xff, 0xd8]);
    const png = await client.retrieveRendered(
      {
        ...ct,
        seriesInstanceUid: '1.3.6.1.4.1.5962.1.3.1.1.20040119072730.12322',
        sopInstanceUid: '1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322',
      },
      { accept: 'image/png' },
    );
    expect([...png.bytes.subarray(1, 4)].map((b) => String.fromCharCode(b)).join('')).toBe('PNG');
    const thumb = await client.retrieveThumbnail(ct, { viewport: { width: 64, height: 64 } });
    expect(thumb.fallback).toBe(true);
    expect([...thumb.bytes.subarray(0, 2)]).toEqual([0xff, 0xd8]);
  });

  it('answers an unknown study with a typed NotFound error', async () => {
    await expect(client.retrieveMetadata({ studyInstanceUid: '2.25.1' })).rejects.toMatchObject({
      kind: 'not-found',
    });
  });
});

// The read-only provider over Orthanc's QIDO-RS runs the shared contract suite. The files are
// uploaded (idempotently) by the factory, so the suite does not depend on test order.
let uploaded: Promise<ImagingReference[]> | undefined;
function ensureUploaded(base: string): Promise<ImagingReference[]> {
  uploaded ??= (async () => {
    const client = createDicomwebClient({ baseUrl: base, retry: false });
    for (const file of readdirSync(FIXTURES).sort()) {
      if (file === 'no_meta.dcm') continue;
      await client.store([new Uint8Array(readFileSync(new URL(file, FIXTURES)))]);
    }
    const scan = await scanFolderToReferences(FIXTURE_DIR, {
      facility: FACILITY,
      wadoRsBase: base,
      qidoRsBase: base,
    });
    return scan.references;
  })();
  return uploaded;
}

if (orthanc) {
  const base = `${orthanc}/dicom-web`;
  const known = await ensureUploaded(base);
  describeImagingRegistryConformance(
    'dicomweb (Orthanc QIDO-RS)',
    () => createDicomwebImagingRegistry({ baseUrl: base, retry: false, facility: FACILITY }),
    { options: { seed: known } },
  );
}
