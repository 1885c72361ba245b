/**
 * `@lienthong/visits/provider-kit` — for provider authors (and the exchange hub), not for
 * applications: the rules every `VisitHistory` provider shares, so a vendor's provider answers
 * exactly like the shipped ones — the visit key, what may be published and when it is a new
 * version, the query filter and order, and the summary built from the visits.
 * @packageDocumentation
 */
export {
  DEFAULT_DISCLOSURE_POLICY,
  type Disclosed,
  type DisclosurePolicy,
  DisclosurePolicySchema,
  type DisclosureReader,
  discloseVisits,
  parseDisclosurePolicy,
} from './disclosure.js';
export {
  checkPublishableVisit,
  decideVisitPublish,
  parseVisitKey,
  visitContentKey,
  visitIdempotencyConflict,
  visitKey,
} from './publish.js';
export {
  byVisitStartDesc,
  checkVisitQuery,
  hasIdentifier,
  icd10Matches,
  matchesDiagnosis,
  matchesVisitQuery,
  visitQueryAnswer,
  visitStart,
  visitStartedAt,
} from './query.js';
export {
  type SummarizeOptions,
  type SummaryJson,
  type SummaryJsonOptions,
  type SummaryWindows,
  summarizeVisits,
  summaryJson,
} from './summary.js';
export { isSummaryParts, type SummaryParts, summaryParts, type TimedJson } from './summary-parts.js';
export { summaryView } from './summary-view.js';
