// Insurance XML4 (QĐ 4750/2023, QĐ 3176/2024): CHITIEU_CHITIET_DICHVUCANLAMSANG/DSACH_CHI_TIET_CLS/CHI_TIET_CLS.
import { isValidationError } from '@lienthong/core';
import type { LabReport } from '@lienthong/result-exchange';
import { DEFAULT_LAB_SYSTEMS } from '@lienthong/result-exchange';
import { decodeXml4, encodeXml4, safeDecodeXml4 } from '@lienthong/result-exchange/xml4';

// SYNTHETIC example: made-up encounter key and doctor code; 23.0075.1494 is the published
// insurance service code of glucose.
const report: LabReport = {
  id: 'SYN-LAB-0001',
  patient: { identifiers: [{ system: 'urn:lienthong:sid:mrn:SYN01', value: 'SYN1' }] },
  encounterId: 'SYN-LK-0001', // MA_LK
  codes: [{ system: DEFAULT_LAB_SYSTEMS.serviceCode, code: '23.0075.1494' }], // MA_DICH_VU
  status: 'final',
  issuedAt: '2026-03-01T10:30:00+07:00', // NGAY_KQ 202603011030
  signer: { id: 'SYN-BS01' }, // MA_BS_DOC_KQ
  conclusion: 'Bình thường', // KET_LUAN
  observations: [
    {
      codes: [], // add { system: DEFAULT_LAB_SYSTEMS.national, code: '<7-digit QĐ 1227 code>' } → MA_CHI_SO
      name: 'Glucose', // TEN_CHI_SO
      status: 'final',
      value: { kind: 'quantity', value: 5.6, unit: 'mmol/L' }, // GIA_TRI 5.6, DON_VI_DO mmol/L
    },
  ],
};

const { value: xml } = encodeXml4(report); // throws XML4_FIELD_TOO_LONG (path CHI_TIET_CLS[1].GIA_TRI …) before writing anything
const { value: reports } = decodeXml4(xml, { patient: report.patient }); // XML4 has no patient: give it

const checked = safeDecodeXml4('<CHITIEU_CHITIET_DICHVUCANLAMSANG>…');
if (!checked.ok && isValidationError(checked.error)) {
  for (const issue of checked.error.issues) console.log(issue.code, issue.path); // every row and field at fault
}
console.log(reports.length);
