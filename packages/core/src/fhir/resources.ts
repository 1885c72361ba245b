import type { Bundle, ExtractResource, ResourceType } from '@medplum/fhirtypes';

/**
 * True when `value` is a FHIR resource (of `type`, when given). FHIR JSON names its type in
 * `resourceType`; the rest of the resource is left to the codec that reads it.
 * @example if (isResource(answer, 'Parameters')) answer.parameter
 */
export function isResource<K extends ResourceType = ResourceType>(
  value: unknown,
  type?: K,
): value is ExtractResource<K> {
  return (
    typeof value === 'object' &&
    value !== null &&
    'resourceType' in value &&
    (type === undefined ? typeof value.resourceType === 'string' : value.resourceType === type)
  );
}

/** True for a Bundle whose `entry` and `link`, when present, are lists — what paging and matching read. */
export function isBundle(value: unknown): value is Bundle {
  return (
    isResource(value, 'Bundle') &&
    (value.entry === undefined || Array.isArray(value.entry)) &&
    (value.link === undefined || Array.isArray(value.link))
  );
}

/**
 * The resources a search page matched: entries of `type` in `match` mode (or with no mode, as some
 * servers send), without the `_include`d resources and the OperationOutcomes beside them.
 * @example const [study] = bundleMatches(page, 'ImagingStudy');
 */
export function bundleMatches<K extends ResourceType>(bundle: Bundle, type: K): ExtractResource<K>[] {
  const found: ExtractResource<K>[] = [];
  for (const entry of bundle.entry ?? [])
    if (isResource(entry?.resource, type) && (entry.search?.mode ?? 'match') === 'match')
      found.push(entry.resource);
  return found;
}
