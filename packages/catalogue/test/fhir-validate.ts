import { readFileSync } from 'node:fs';
import type { Resource } from '@medplum/fhirtypes';
import { Ajv, type ValidateFunction } from 'ajv';
import draft06 from 'ajv/dist/refs/json-schema-draft-06.json' with { type: 'json' };
import { REPO_ROOT } from './data.js';

/** Validates with @medplum/core (an independent validator) through the shared FHIR test kit. */
export { validateFhir as validateWithMedplum } from '@lienthong/conformance/fhir';

let schema: ValidateFunction | undefined;

/** Validates with the official FHIR R4 JSON schema (draft-06; `id` → `$id`, strict off). */
export function validateWithSchema(resource: Resource): { valid: boolean; errors: unknown } {
  if (!schema) {
    const json = JSON.parse(
      readFileSync(new URL('fixtures/real-world/fhir-r4/fhir.schema.json', REPO_ROOT), 'utf8'),
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
