import { generateDicomUid, safeParseDicomUid } from '@lienthong/imaging';
import { fromFhirImagingStudy, toFhirImagingStudy } from '@lienthong/imaging/fhir';

const uid = generateDicomUid(); // '2.25.' + a random UUID as one decimal number, ≤ 44 characters
const check = safeParseDicomUid('1.2.840.0010008');
if (!check.ok) console.log(check.error.code, check.error.messageVi); // DICOM_UID_LEADING_ZERO

const { imagingStudy, diagnosticReport } = toFhirImagingStudy({
  studyInstanceUid: uid,
  patient: {
    identifiers: [{ system: 'http://fhir.ehealth.gov.vn/core/sid/national_id', value: '001203012345' }],
  },
  studyDate: '2025-03-14',
  modalities: ['CT'],
  series: [{ uid: generateDicomUid(), modality: 'CT', number: 1, instanceCount: 120 }],
  instanceCount: 120,
  endpoints: { wadoRs: 'https://pacs.example.vn/dicom-web' },
  report: {
    conclusion: 'Bình thường',
    signers: [
      { role: 'performer', name: 'KTV Trần Văn B' },
      { role: 'reader', name: 'BS Nguyễn Thị A' },
    ],
    signedAt: '2025-03-14T10:15:00+07:00',
  },
  completeness: 'complete',
});
// imagingStudy.identifier[0] = { system: 'urn:dicom:uid', value: 'urn:oid:2.25.…' }
// the Endpoint (connectionType dicom-wado-rs) is contained in the ImagingStudy
const back = fromFhirImagingStudy({ imagingStudy, ...(diagnosticReport ? { diagnosticReport } : {}) });
console.log(back.studyInstanceUid === uid);
