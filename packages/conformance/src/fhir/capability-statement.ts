import type { CapabilityStatement, ResourceType } from '@medplum/fhirtypes';

/**
 * A minimal server CapabilityStatement declaring `searchParams` on one resource type — for testing
 * code that plans its searches from what a server declares.
 * @example capabilityStatementDeclaring('DiagnosticReport', ['subject:identifier'])
 */
export function capabilityStatementDeclaring(
  resourceType: ResourceType,
  searchParams: readonly string[],
): CapabilityStatement {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: '2026-01-01',
    kind: 'instance',
    fhirVersion: '4.0.1',
    format: ['json'],
    rest: [
      {
        mode: 'server',
        resource: [
          { type: resourceType, searchParam: searchParams.map((name) => ({ name, type: 'token' })) },
        ],
      },
    ],
  };
}
