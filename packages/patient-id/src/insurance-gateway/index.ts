/**
 * `@lienthong/patient-id/insurance-gateway` — the insurance gateway's card lookup (maThe, hoTen,
 * ngaySinh, hoTenCb, cccdCb → maKetQua, card fields, dsLichSuKCB2018) as a typed client and as a
 * read-only `PatientDirectory`. Endpoint path and token flow are configuration (not published in
 * our sources).
 * @packageDocumentation
 */
export {
  CARD_RESULT_CODES,
  type CardInfo,
  type CardLookupOutcome,
  type CardLookupRequest,
  type CardStatus,
  createInsuranceGatewayClient,
  gatewayDate,
  type InsuranceGatewayClient,
  type InsuranceGatewayOptions,
  toGatewayDate,
  type VisitHistoryEntry,
} from './client.js';
export {
  createInsuranceGatewayPatientDirectory,
  type InsuranceGatewayDirectoryOptions,
} from './directory.js';
