import { type IdentifierValue, identifierSearchToken, type ServerCapabilities } from '@lienthong/core';

/**
 * The DiagnosticReport search parameters that find a patient's reports by identifier in one
 * search, when the server declares one (`capabilities` from its CapabilityStatement); undefined
 * when it declares none, and the portable way is left: resolve `Patient?identifier=` first, then
 * search `subject=Patient/<id>`, which finds only reports whose patient has a Patient resource.
 *
 * In order of preference:
 * 1. `subject:identifier` / `patient:identifier` — matches subjects that carry the identifier, so
 *    it also finds reports whose patient has no Patient resource on the server (servers that keep
 *    subjects as logical references, such as the hub's FHIR facade, declare it);
 * 2. `subject.identifier` / `patient.identifier` — a chain through the Patient resource: the same
 *    reports as the portable way, in one request instead of two.
 */
export function patientSearchParams(
  capabilities: ServerCapabilities,
  patient: IdentifierValue,
): Record<string, string> | undefined {
  const token = patientIdentifierToken(patient);
  for (const key of ['subject:identifier', 'patient:identifier', 'subject.identifier', 'patient.identifier'])
    if (capabilities.searches('DiagnosticReport', key)) return { [key]: token };
  return undefined;
}

/** The token of a patient identifier in a search, under every alias of its system (`identifierSearchToken`). */
export const patientIdentifierToken = (patient: IdentifierValue): string => identifierSearchToken(patient);
