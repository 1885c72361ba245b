// Formats by name: detect a document's format, decode it, encode the reports in another format,
// and add a format of your own beside the built-in ones.
import { readFileSync } from 'node:fs';
import type { LabReport } from '@lienthong/result-exchange';
import {
  BUILT_IN_RESULT_FORMATS,
  createResultFormats,
  decodeResults,
  detectFormat,
  encodeResults,
  type ResultFormat,
} from '@lienthong/result-exchange/formats';

const file = 'ket-qua.hl7';
const bytes = readFileSync(file);
console.log(detectFormat(bytes, { fileName: file })); // 'hl7'
const { value: reports, warnings } = decodeResults(bytes, { fileName: file }); // or { format: 'hl7' }
for (const w of warnings) console.warn(w.code, w.path, w.messageVi);
// XML4 needs MA_LK on every row: `encounter` fills it in where a report has none.
const { value: xml, warnings: omitted } = encodeResults(reports, 'xml4', { encounter: 'SYN-LK-0001' });
console.log(xml.length, omitted); // omitted: what the format could not carry

// Your own format: a descriptor, in a registry of your own beside the built-in formats.
declare function readAnalyserCsv(text: string, patient?: LabReport['patient']): LabReport[];
const analyserCsv: ResultFormat = {
  name: 'analyser-csv',
  mediaTypes: ['text/csv'],
  extensions: ['.csv'],
  detect: (text) => (text.startsWith('report_id,code,value') ? 1 : 0), // 0 not this format … 1 certain
  decode: (text, options) => ({ value: readAnalyserCsv(text, options.patient), warnings: [] }),
  // No `encode`: writing this format throws RESULT_FORMAT_ENCODE_UNSUPPORTED.
};
const formats = createResultFormats([...BUILT_IN_RESULT_FORMATS, analyserCsv]);
const fromAnalyser = formats.decode(readFileSync('may-xet-nghiem.csv')); // detected: analyser-csv
const { value: bundle } = formats.encode(fromAnalyser.value, 'fhir');
console.log(formats.names, bundle.length);
