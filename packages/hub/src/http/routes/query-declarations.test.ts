import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { V1_QUERY_PARAMETERS } from './query-declarations.js';

interface Parameter {
  name: string;
  in: string;
}

/** The query parameters of every operation of the hub API contract (the repository's own copy). */
function contractQueryParameters(): Record<string, string[]> {
  const document = parse(
    readFileSync(new URL('../../../../hub-api/openapi.yaml', import.meta.url), 'utf8'),
  ) as {
    paths: Record<string, Record<string, { parameters?: (Parameter | { $ref: string })[] }>>;
    components: { parameters: Record<string, Parameter> };
  };
  const resolve = (p: Parameter | { $ref: string }) =>
    '$ref' in p ? document.components.parameters[p.$ref.split('/').pop()!]! : p;
  const out: Record<string, string[]> = {};
  for (const [path, item] of Object.entries(document.paths))
    for (const [method, operation] of Object.entries(item)) {
      const names = (operation.parameters ?? [])
        .map(resolve)
        .filter((p) => p.in === 'query')
        .map((p) => p.name);
      if (names.length > 0) out[`${method.toUpperCase()} ${path}`] = names.sort();
    }
  return out;
}

describe('the /v1 query parameters the hub accepts', () => {
  it('are exactly those openapi.yaml declares, operation by operation', () => {
    const accepted = Object.fromEntries(
      Object.entries(V1_QUERY_PARAMETERS).map(([operation, names]) => [operation, [...names].sort()]),
    );
    expect(accepted).toEqual(contractQueryParameters());
  });
});
