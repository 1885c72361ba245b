import { evaluateReuse } from '@lienthong/imaging';
import { createFhirImagingRegistry } from '@lienthong/imaging/fhir';
import { scanFolderToReferences } from '@lienthong/imaging/scanner';

// 1. Read the headers of a folder of DICOM files (never the pixels): one reference per study.
const scan = await scanFolderToReferences('/data/pacs-export', {
  facility: '79001', // mã cơ sở KCB of the performing hospital
  wadoRsBase: 'https://pacs.bvhuyen.example.vn/dicom-web',
  qidoRsBase: 'https://pacs.bvhuyen.example.vn/dicom-web',
  onProgress: ({ files }) => process.stderr.write(`\r${files} files`),
});
for (const skipped of scan.skipped) console.warn(`${skipped.file}: ${skipped.code}`); // e.g. DICOM_NOT_PART10

// 2. Publish them to any FHIR R4 server (ImagingStudy + Endpoint + DiagnosticReport).
//    Publishing the same study again updates it; it never creates a duplicate.
const registry = createFhirImagingRegistry({ baseUrl: 'https://fhir.so-y-te.example.vn/r4' });
for (const reference of scan.references) {
  const receipt = await registry.publish({ ...reference, completeness: 'complete' });
  console.log(receipt.id, receipt.version, receipt.outcome); // study UID, 1, created | updated | unchanged
}

// 3. At the provincial hospital: can this CT be reused instead of repeated?
for await (const reference of registry.query({ patientIdentifier: { value: 'BN-42' }, modality: 'CT' })) {
  const decision = evaluateReuse(
    reference,
    { maxAgeDays: { CT: 90, MR: 180 }, trustedFacilities: ['79001'] },
    { onDate: '2025-04-01' },
  );
  console.log(
    reference.studyInstanceUid,
    decision.reusable,
    decision.reasons.map((r) => r.messageVi),
  );
}
