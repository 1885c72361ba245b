/**
 * Content keys: an identifier on each Observation and Specimen of a transaction Bundle, digesting
 * what it says, on which its create is conditional. The DiagnosticReport's create is conditional on
 * the report's business identifier; without keys, a Bundle sent twice (a retry, a resend) would
 * create every result again beside the report found the second time.
 */
import { contentDigest, identifierCondition } from '@lienthong/core';
import type { BundleEntry, Specimen as FhirSpecimen, Observation } from '@medplum/fhirtypes';

/**
 * System of the content keys a transaction's Observations and Specimen carry (`<report id>#<place>:<digest>`):
 * their conditional creates, so a Bundle sent again finds what the first one created instead of
 * creating it twice, while a changed result gets a new key and a resource of its own.
 */
export const LAB_CONTENT_KEY_SYSTEM = 'urn:lienthong:sid:lab-content-key';

/**
 * Gives `resource` (an Observation or the Specimen of a report) a content key — its place in the
 * report (two equal results of one report stay two), `scope` (the report's identity and patient)
 * and its content, less its references to the other entries (`urn:uuid:` fullUrls, new at each
 * encoding) — and answers the key and the request creating it unless a resource has that key.
 */
export function withContentKey(
  resource: Observation | FhirSpecimen,
  reportId: string,
  place: string,
  scope: readonly unknown[],
): { key: string; request: NonNullable<BundleEntry['request']> } {
  const { subject: _subject, specimen: _specimen, ...content } = resource as Observation;
  const key = `${reportId}#${place}:${contentDigest([...scope, place, content])}`;
  resource.identifier = [...(resource.identifier ?? []), { system: LAB_CONTENT_KEY_SYSTEM, value: key }];
  return {
    key,
    request: {
      method: 'POST',
      url: resource.resourceType,
      ifNoneExist: identifierCondition(LAB_CONTENT_KEY_SYSTEM, key),
    },
  };
}
