/**
 * The official FHIR R4 JSON schema (fixtures/real-world/fhir-r4/fhir.schema.json) compiled with
 * ajv 8, for tests that compare our FHIR checks with it. Compiling takes a second or two: do it
 * once per test file.
 */
import { readFileSync } from 'node:fs';
import Ajv, { type ValidateFunction } from 'ajv';

const SCHEMA = new URL('../../../fixtures/real-world/fhir-r4/fhir.schema.json', import.meta.url);

/** The schema as published (its `definitions` carry the primitive types' patterns). */
export const fhirSchema = JSON.parse(readFileSync(SCHEMA, 'utf8')) as {
  definitions: Record<string, { pattern?: string; type?: string }>;
};

/**
 * A validator of one resource type. The schema needs the two fixes the bench applies
 * (bench/result-exchange.bench.ts) for ajv 8: no draft-06 `$schema`/`id`, and a root that points at
 * the resource instead of the `oneOf` over every resource.
 */
export function fhirValidator(resourceType: string): ValidateFunction {
  const {
    $schema: _draft,
    id: _id,
    oneOf: _all,
    discriminator: _d,
    ...body
  } = fhirSchema as Record<string, unknown>;
  return new Ajv({ strict: false, allErrors: false }).compile({
    ...body,
    $ref: `#/definitions/${resourceType}`,
  });
}
