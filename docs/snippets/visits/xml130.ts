// The insurance XML 130 file set (GIAMDINHHS) → visits → back, with every problem and its place.
import { loadIcd10 } from '@lienthong/catalogue/icd10';
import { checkXml130, decodeXml130, encodeXml130 } from '@lienthong/visits/xml130';

declare const fileSet: string; // a GIAMDINHHS envelope, or a bare table (TONG_HOP…), text or bytes

const icd10 = await loadIcd10();
// Every problem, errors and warnings alike; never throws.
for (const p of checkXml130(fileSet, { icd10 })) console.log(p.severity, p.path, p.messageVi);
// Throws one ValidationError listing every error, unless `lenient: true`.
const { value, warnings } = decodeXml130(fileSet, { icd10, lenient: true });
for (const visit of value.visits) {
  console.log(visit.id, visit.mainDiagnosis?.code, visit.medications.length, visit.labReports.length);
}
console.log(warnings.length);
// Back to a file set that decodes to the same model (money fields kept in each row's `source`).
const xml = encodeXml130(value).value;
console.log(xml.length);
