import { type IdentifierValue, ValidationError } from '@lienthong/core';
import type { Kysely } from 'kysely';
import type { HubDatabase } from '../../db/schema.js';
import { getPatient } from '../../records/patients.js';
import { searchSeveralPatients } from '../search-scope.js';
import { anyOf, distinctTokens, referenceId, type SearchRequest, tokens } from './search-params.js';

/** The one patient a search names, as the identifiers its records are stored under. */
export interface PatientScope {
  /** Records carrying any of these identifiers match; empty: none match (an unknown patient). */
  identifiers: IdentifierValue[];
  /** A value in any system (`patient:identifier=value`, where the type allows it). */
  anySystemValue?: string;
  /** The patient as the search named it, for the audit entry (without a system: a value in any system). */
  named?: { system?: string; value: string };
}

const KEYS = ['patient', 'subject'] as const;

/**
 * Reads `patient` / `subject` (`Patient/<id>`, or `:identifier` / `.identifier` tokens). Records
 * of a `Patient/<id>` are those stored under any of the directory patient's identifiers. One
 * patient per search — each read of patient data is audited against one patient.
 */
export async function patientScope(
  db: Kysely<HubDatabase>,
  search: SearchRequest,
  options: { systemRequired: boolean },
): Promise<PatientScope | undefined> {
  const named = KEYS.flatMap((key) => [
    ...search.all(key).flatMap((v) => anyOf(v).map((value) => ({ key, value, kind: 'reference' as const }))),
    ...[`${key}:identifier`, `${key}.identifier`].flatMap((k) =>
      search.all(k).map((value) => ({ key: k, value, kind: 'identifier' as const })),
    ),
  ]);
  if (named.length === 0) return undefined;
  const [first] = named;
  const tokenList = first!.kind === 'identifier' ? distinctTokens(tokens([first!.value], first!.key)) : [];
  if (named.length > 1 || tokenList.length > 1) throw searchSeveralPatients(`query.${first!.key}`);
  if (first!.kind === 'reference') {
    const record = await getPatient(db, referenceId(first!.value, first!.key, 'Patient'));
    const identifiers = (record?.identifiers ?? []).map((i) => ({ system: i.system, value: i.value }));
    return { identifiers, ...(identifiers[0] ? { named: identifiers[0] } : {}) };
  }
  const token = tokenList[0]!;
  if (token.system === undefined) {
    if (options.systemRequired)
      throw new ValidationError({
        code: 'FHIR_PARAMETER_INVALID',
        message: `Parameter ${first!.key} needs "system|value" here.`,
        messageVi: `Tham số ${first!.key} cần dạng "system|value" ở đây.`,
        path: `query.${first!.key}`,
      });
    return { identifiers: [], anySystemValue: token.value, named: { value: token.value } };
  }
  if (token.system === '') return { identifiers: [] }; // "no system": every stored identifier has one
  const identifier = { system: token.system, value: token.value };
  return { identifiers: [identifier], named: identifier };
}
