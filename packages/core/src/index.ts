/**
 * `@lienthong/core` — what every Liên Thông package shares: the error family, the HTTP transport,
 * FHIR R4 helpers, identifier-system URIs, Vietnamese text folding and national date formats. The
 * FHIR client is in `@lienthong/core/fhir`.
 * @packageDocumentation
 */
export {
  formatNationalDate,
  formatNationalDateTime,
  parseNationalDate,
  parseNationalDateTime,
  safeParseNationalDate,
  safeParseNationalDateTime,
  VIETNAM_UTC_OFFSET,
} from './dates/national.js';
export { type ExplainedError, explainError } from './errors/explain.js';
export {
  AuthError,
  ConflictError,
  isAuthError,
  isConflictError,
  isLienThongError,
  isNotFoundError,
  isTransportError,
  isValidationError,
  LienThongError,
  type LienThongErrorInit,
  type LienThongErrorKind,
  NotFoundError,
  type SerializedLienThongError,
  TransportError,
  type TransportErrorInit,
  toLienThongError,
  ValidationError,
  type ValidationIssue,
} from './errors/lienthong-error.js';
export {
  ERROR_CODE_SYSTEM,
  type FromOperationOutcomeOptions,
  fromOperationOutcome,
  toOperationOutcome,
} from './errors/operation-outcome.js';
export {
  type FromZodOptions,
  formatPath,
  issuesFromZod,
  validationErrorFromZod,
} from './errors/zod-issues.js';
export {
  codeableConcept,
  coding,
  type DatePrefix,
  dateParam,
  identifier,
  identifierReference,
  reference,
  searchParams,
} from './fhir/builders.js';
export {
  type BundleIndex,
  indexBundle,
  newUrnUuid,
  resolveReference,
} from './fhir/bundle-references.js';
export {
  patientSearchParams,
  readServerCapabilities,
  type ServerCapabilities,
  serverCapabilities,
} from './fhir/capabilities.js';
export {
  formatTokenParam,
  identifierCondition,
  identifierSearchToken,
  parseTokenParam,
  type TokenParam,
} from './fhir/token-param.js';
export type * from './fhir/types.js';
export {
  canonicalIdentifier,
  canonicalIdentifierSystem,
  createIdentifierSystems,
  DEFAULT_IDENTIFIER_SYSTEMS,
  facilityRecordSystem,
  type IdentifierSystemName,
  type IdentifierSystems,
  identifierSystemAliases,
  identifierSystemName,
  LEGACY_IDENTIFIER_SYSTEMS,
  VN_CORE_BASE,
  VN_CORE_COMMUNITY_BASE,
  VN_CORE_PROFILES,
} from './identifier-systems.js';
export { maskIdentifier, redactText, redactUrl } from './privacy/mask.js';
export { attempt, fail, ok, type Result, unwrap, type WithWarnings } from './result.js';
export { type Facility, FacilitySchema } from './schema/facility.js';
export { parseWith, safeParseWith } from './schema/parse.js';
export {
  code,
  httpUrl,
  type IdentifierValue,
  IdentifierValueSchema,
  isoDate,
  isoDateTime,
  nonEmptyText,
  partialDate,
  uri,
} from './schema/primitives.js';
export { contentDigest, stableJson } from './stable-json.js';
export { foldedWords, foldVietnamese } from './text/fold.js';
export {
  type AuthProvider,
  bearerAuth,
  type ClientCredentialsOptions,
  clientCredentialsAuth,
} from './transport/auth.js';
export {
  createTransport,
  type RequestOptions,
  type RetryOptions,
  type SendJson,
  type Transport,
  type TransportEvent,
  type TransportOptions,
} from './transport/create-transport.js';
export { errorFromHttpResponse } from './transport/http-errors.js';
export type { SearchParamsInit } from './transport/url.js';
