import { fromDicomJsonInstances } from '@lienthong/imaging';
import { createDicomwebClient, createDicomwebImagingRegistry } from '@lienthong/imaging/dicomweb';

const pacs = createDicomwebClient({ baseUrl: 'https://pacs.example.vn/dicom-web' });

// QIDO-RS: standard keys, date ranges, includefield, paging, fuzzy matching.
const studies = await pacs.searchStudies({
  PatientID: 'BN-42',
  ModalitiesInStudy: 'CT',
  StudyDate: { from: '2025-01-01', to: '2025-03-31' },
  includefield: ['StudyDescription'],
  limit: 20,
  offset: 0,
});

// WADO-RS metadata → one reference per study (series, counts, dates).
const uid = String(studies[0]?.['0020000D']?.Value?.[0]);
const [reference] = fromDicomJsonInstances(await pacs.retrieveMetadata({ studyInstanceUid: uid }));
console.log(reference?.series.length, reference?.instanceCount);

// A small picture for a list: /thumbnail, or /rendered?viewport= where the PACS has no thumbnails.
const thumbnail = await pacs.retrieveThumbnail(
  { studyInstanceUid: uid },
  { viewport: { width: 128, height: 128 } },
);
console.log(thumbnail.contentType, thumbnail.bytes.length, thumbnail.fallback === true);

// STOW-RS upload (multipart/related).
declare const partTenFile: Uint8Array;
await pacs.store([partTenFile]);

// The same PACS as a read-only ImagingRegistry: swapping provider is one line.
const registry = createDicomwebImagingRegistry({ client: pacs, facility: '79001' });
for await (const ref of registry.query({ modality: 'MR', since: '2025-01-01' }))
  console.log(ref.studyInstanceUid);
