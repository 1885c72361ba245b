// Visits ⇄ FHIR R4: an XML 130 file set as one transaction Bundle, and back with every field.
import { loadIcd10 } from '@lienthong/catalogue/icd10';
import { decodeFhirVisitBundle, encodeFhirVisitBundle } from '@lienthong/visits/fhir';
import { decodeXml130, encodeXml130 } from '@lienthong/visits/xml130';

declare const fileSet: string; // a GIAMDINHHS envelope
declare const fhirBase: string; // your FHIR R4 server

const icd10 = await loadIcd10(); // optional: Vietnamese ICD-10 names as coding displays
const visits = decodeXml130(fileSet).value;
const { value: bundle } = encodeFhirVisitBundle(visits, { icd10 });
// A transaction: conditional creates on business identifiers, so sending it twice creates nothing new.
await fetch(fhirBase, {
  method: 'POST',
  headers: { 'content-type': 'application/fhir+json' },
  body: JSON.stringify(bundle),
});
// Back: the same visits, so the same XML 130 (money fields travelled in the xml130-row extension).
const back = decodeFhirVisitBundle(bundle);
console.log(encodeXml130(back.value).value === encodeXml130(visits).value, back.warnings.length);
