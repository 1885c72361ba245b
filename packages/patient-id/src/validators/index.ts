/**
 * `@lienthong/patient-id/validators` — the identifier parsers and province tables alone, for
 * browsers and forms: no zod, nothing beyond core's error classes (budget 3 kB min+gzip).
 * @packageDocumentation
 */
export {
  type CitizenIdOptions,
  type CitizenIdParts,
  formatCitizenId,
  type IdSex,
  isCitizenId,
  parseCitizenId,
} from './citizen-id.js';
export { type FacilityCodeParts, parseFacilityCode } from './facility-code.js';
export {
  formatInsuranceCard,
  type InsuranceCardOptions,
  type InsuranceCardParts,
  parseInsuranceCard,
} from './insurance-card.js';
