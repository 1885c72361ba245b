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
  safeParseCitizenId,
} from './citizen-id.js';
export { type FacilityCodeParts, safeParseFacilityCode } from './facility-code.js';
export {
  formatInsuranceCard,
  type InsuranceCardOptions,
  type InsuranceCardParts,
  safeParseInsuranceCard,
} from './insurance-card.js';
