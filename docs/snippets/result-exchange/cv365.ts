// CV 365/TTYQG EMR export: HoSoBenhAn → KetQuaXetNghiem. Only `machiso` is a confirmed field name.
import type { LabReport } from '@lienthong/result-exchange';
import { decodeCv365, encodeCv365 } from '@lienthong/result-exchange/cv365';

declare const reports: LabReport[];

// Field names other than `machiso` are UNCONFIRMED: use the names your exchange partner publishes.
const fields = { value: '<your partner’s value field>', unit: '<your partner’s unit field>' };
const out = encodeCv365(reports, {
  format: 'json',
  fields,
  codeSystem: { system: 'urn:lienthong:cs:qd1227', version: 'QĐ 1227/QĐ-BYT (11/04/2025)' },
});
// Model fields not written because no name is configured: CV365_FIELD_UNNAMED, path fields.<name>.
for (const w of out.warnings) console.warn(w.path, w.messageVi);
// The format has no code-system field: system and version travel alongside the document.
const back = decodeCv365(out.value, { fields, codeSystem: out.codeSystem });
console.log(back.value.length);
