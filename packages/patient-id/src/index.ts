/**
 * `@lienthong/patient-id` — Vietnamese patient identifiers (personal ID / CCCD, old ID card,
 * passport, insurance card, facility code, hospital record number), province tables, and
 * (as they land) the patient model and the `PatientDirectory` contract with its providers.
 * The identifier parsers alone, without zod: `@lienthong/patient-id/validators`.
 * @packageDocumentation
 */
export {
  checkIdentifier,
  detectIdentifierType,
  type IdentifierCheck,
  type IdentifierType,
} from './detect.js';
export {
  formatInsuranceCards,
  hospitalRecordIdentifier,
  maskCitizenId,
  maskInsuranceCard,
  maskOldIdCard,
  maskPassport,
  parseInsuranceCards,
} from './identifiers.js';
export {
  type CurrentProvince,
  currentProvince,
  currentProvinces,
  type OldProvince,
  oldProvince,
  oldProvinces,
} from './provinces.js';
export {
  type CitizenIdOptions,
  type CitizenIdParts,
  formatCitizenId,
  type IdSex,
  isCitizenId,
  parseCitizenId,
} from './validators/citizen-id.js';
export {
  type FacilityCodeParts,
  formatFacilityCode,
  isFacilityCode,
  parseFacilityCode,
} from './validators/facility-code.js';
export {
  formatInsuranceCard,
  type InsuranceCardOptions,
  type InsuranceCardParts,
  isInsuranceCard,
  parseInsuranceCard,
} from './validators/insurance-card.js';
export {
  formatOldIdCard,
  isOldIdCard,
  type OldIdCardParts,
  parseOldIdCard,
} from './validators/old-id-card.js';
export { formatPassport, isPassport, type PassportParts, parsePassport } from './validators/passport.js';
export { currentCodeOf } from './validators/province-codes.js';
