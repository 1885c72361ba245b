import { type IdentifierValue, ValidationError } from '@lienthong/core';

const invalid = (path: string, message: string, messageVi: string) =>
  new ValidationError({ code: 'FHIR_PARAMETERS_INVALID', message, messageVi, path });

const isText = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

/**
 * The patient a `POST Patient/$summary` names: a `Parameters` resource with one `identifier`
 * parameter (`valueIdentifier` with `system` and `value`), as the IPS `$summary` operation takes
 * it. Anything else — another resource, a parameter the operation does not take here, an
 * identifier without its system — is 400 `FHIR_PARAMETERS_INVALID` at its path.
 * @example
 * summaryPatientOf({ resourceType: 'Parameters', parameter: [{ name: 'identifier',
 *   valueIdentifier: { system: 'http://fhir.ehealth.gov.vn/core/sid/national_id', value: '0012…' } }] })
 */
export function summaryPatientOf(body: unknown): IdentifierValue {
  const parameters = body as { resourceType?: unknown; parameter?: unknown } | null;
  if (parameters === null || typeof parameters !== 'object' || parameters.resourceType !== 'Parameters')
    throw invalid(
      'body',
      'The body of $summary is a Parameters resource.',
      'Nội dung của $summary là một tài nguyên Parameters.',
    );
  const list = parameters.parameter;
  if (!Array.isArray(list) || list.length !== 1)
    throw invalid(
      'body.parameter',
      '$summary takes exactly one parameter here: identifier (the patient).',
      '$summary nhận đúng một tham số ở đây: identifier (người bệnh).',
    );
  const [p] = list as { name?: unknown; valueIdentifier?: { system?: unknown; value?: unknown } }[];
  if (p?.name !== 'identifier')
    throw invalid(
      'body.parameter[0].name',
      '$summary takes the parameter identifier here.',
      '$summary nhận tham số identifier ở đây.',
    );
  const { system, value } = p.valueIdentifier ?? {};
  if (!isText(system) || !isText(value))
    throw invalid(
      'body.parameter[0].valueIdentifier',
      'The identifier parameter needs a valueIdentifier with system and value.',
      'Tham số identifier cần valueIdentifier có system và value.',
    );
  return { system, value };
}
