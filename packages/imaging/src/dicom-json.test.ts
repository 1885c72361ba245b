import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  dicomJsonValue,
  fromDicomJsonInstances,
  fromDicomJsonSeries,
  fromDicomJsonStudies,
  instanceFactsFromDicomJson,
} from './dicom-json.js';

const read = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../../fixtures/real-world/dicomweb/${name}`, import.meta.url), 'utf8'));

describe('DICOM JSON → imaging references', () => {
  it('reads QIDO-RS study results (dicomweb-client fixtures)', () => {
    const refs = fromDicomJsonStudies(read('search_for_studies.json'), {
      qidoRsBase: 'http://localhost/dicom-web',
      wadoRsBase: 'http://localhost/dicom-web',
    });
    expect(refs).toHaveLength(4);
    expect(refs[0]).toMatchObject({
      studyInstanceUid: '1.2.826.0.1.3680043.8.498.11788371299705411400487375056703940142',
      modalities: ['SM'],
      instanceCount: 1,
      endpoints: { qidoRs: 'http://localhost/dicom-web', wadoRs: 'http://localhost/dicom-web' },
    });
  });

  it('reads QIDO-RS series results', () => {
    const series = fromDicomJsonSeries(read('search_for_series.json'));
    expect(series[0]).toEqual({
      uid: '1.2.826.0.1.3680043.8.498.47024984115379261594671137962205545708',
      modality: 'SM',
      instanceCount: 1,
    });
  });

  it('reads WADO-RS metadata into one reference per study', () => {
    const [ref] = fromDicomJsonInstances(read('retrieve_instance_metadata.json'));
    expect(ref).toMatchObject({
      studyInstanceUid: '1.2.826.0.1.3680043.8.498.66601875747381723929536900961894771057',
      series: [
        {
          uid: '1.2.826.0.1.3680043.8.498.18943696704282713903667669611529861958',
          modality: 'SM',
          instanceCount: 1,
        },
      ],
      instanceCount: 1,
    });
  });

  it('takes numbers given as numbers and PN objects (pydicom fixture)', () => {
    const dataset = read('pydicom-test1.json');
    expect(dicomJsonValue(dataset, 'StudyDate')).toBe('20141210');
    const facts = instanceFactsFromDicomJson(dataset);
    expect(facts.sopInstanceUid).toBe('1.3.6.1.4.1.5962.99.1.1516012269.2092621929.1509049565933.2991.0');
    expect(typeof facts.seriesNumber === 'number' || facts.seriesNumber === undefined).toBe(true);
    const [ref] = fromDicomJsonInstances([dataset], { facility: '01001' });
    expect(ref?.studyDate).toBe('2014-12-10');
    expect(ref?.performingFacility?.code).toBe('01001');
    // Synthetic: numbers as numbers, a PN object.
    const synthetic = {
      '0020000D': { vr: 'UI', Value: ['2.25.7'] },
      '00201206': { vr: 'IS', Value: [3] },
      '00201208': { vr: 'IS', Value: ['42'] },
      '00100010': { vr: 'PN', Value: [{ Alphabetic: 'NGUYEN^VAN A' }] },
    };
    expect(dicomJsonValue(synthetic, 'PatientName')).toBe('NGUYEN^VAN A');
    expect(fromDicomJsonStudies([synthetic])[0]?.instanceCount).toBe(42);
  });

  it('rejects malformed input with typed errors', () => {
    expect(() => fromDicomJsonStudies([{ nottag: 1 }])).toThrow(
      expect.objectContaining({ code: 'DICOM_JSON_INVALID' }),
    );
    expect(() => fromDicomJsonStudies([{ '00080020': { vr: 'DA', Value: ['20200101'] } }])).toThrow(
      expect.objectContaining({ code: 'DICOM_JSON_UID_MISSING', path: '[0].0020000D' }),
    );
  });
});
