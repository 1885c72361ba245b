// HL7 v2 ORU^R01 from a lab analyser → neutral reports → FHIR R4 transaction Bundle.
import { readFileSync } from 'node:fs';
import { encodeFhirBundle } from '@lienthong/result-exchange/fhir';
import { decodeOru, encodeOru } from '@lienthong/result-exchange/hl7';

const text = readFileSync('ket-qua.hl7', 'utf8'); // BOM, CR or LF: all accepted
const { value: reports, warnings, version } = decodeOru(text);
for (const w of warnings) console.warn(`${w.code} at ${w.path}: ${w.messageVi}`); // e.g. OBX[4]-5

// Units: `originalUnit` keeps what the lab wrote (`tera.l-1`), `unit` is UCUM (`10*12/L`).
console.log(version, reports[0]?.observations[0]?.value);

// FHIR: DiagnosticReport + Observations (+ Specimen, Patient); conditional create on the report id.
const { value: bundle } = encodeFhirBundle(reports, { type: 'transaction' });
console.log(bundle.entry?.length);

// And back to HL7 v2 (v2.5.1 by default, CR separators, escaped text). Every codec answers
// { value, warnings }: here, what HL7 v2 cannot carry (a third coding, the lab's quality level …).
const { value: oru, warnings: omitted } = encodeOru(reports, { version: '2.5.1' });
console.log(
  oru.split('\r')[0],
  omitted.map((w) => w.code),
);
