import { ValidationError } from '@lienthong/core';
import { type PatientQuery, toFhirPatient } from '@lienthong/patient-id';
import { getPatient, searchPatients } from '../../records/patients.js';
import { needs } from '../auth.js';
import type { RouteDeps } from '../deps.js';
import { hubFactory } from '../factory.js';
import { searchPatientRequired } from '../search-scope.js';
import { resourceSpec } from './capability.js';
import { searchset, subset } from './resources.js';
import { auditSearch, fhirJson, readInstance, readOf, selfOf } from './respond.js';
import { elementsOf, oneToken, oneValue, pageOf, readSearch } from './search-params.js';

const PATIENT = resourceSpec('Patient');
const PATIENT_READ = readOf('Patient', 'người bệnh');
const GENDERS = ['male', 'female', 'other', 'unknown'] as const;

const invalid = (name: string, message: string, messageVi: string) =>
  new ValidationError({ code: 'FHIR_PARAMETER_INVALID', message, messageVi, path: `query.${name}` });

/**
 * Patient: search (the directory's PDQm search of the patient an `identifier` names; demographics
 * only narrow it) and read.
 */
export function patientRoutes({ db, audit }: RouteDeps) {
  const patients = hubFactory.createApp();

  patients.get('/Patient', needs('read'), async (c) => {
    const search = readSearch(c, PATIENT.searchParams);
    const identifier = oneToken(search, 'identifier');
    if (identifier === undefined) throw searchPatientRequired('query.identifier', { ownListing: false });
    const gender = oneValue(search, 'gender');
    if (gender !== undefined && !(GENDERS as readonly string[]).includes(gender))
      throw invalid(
        'gender',
        `gender must be one of ${GENDERS.join(', ')}.`,
        `gender phải là một trong ${GENDERS.join(', ')}.`,
      );
    const birthDate = oneValue(search, 'birthdate');
    if (birthDate !== undefined && !/^\d{4}(-\d{2}(-\d{2})?)?$/.test(birthDate))
      throw invalid(
        'birthdate',
        'birthdate must be YYYY, YYYY-MM or YYYY-MM-DD (no prefix).',
        'birthdate phải có dạng YYYY, YYYY-MM hoặc YYYY-MM-DD (không tiền tố).',
      );
    const text = (name: 'family' | 'given' | 'name') => {
      const v = oneValue(search, name);
      return v === undefined ? {} : { [name]: v };
    };
    const elements = elementsOf(search);
    const query = {
      ...(identifier.system !== ''
        ? {
            identifier: {
              ...(identifier.system ? { system: identifier.system } : {}),
              value: identifier.value,
            },
          }
        : {}),
      ...text('family'),
      ...text('given'),
      ...text('name'),
      ...(birthDate ? { birthDate } : {}),
      ...(gender ? { sex: gender as (typeof GENDERS)[number] } : {}),
    } as PatientQuery;
    // "|value" asks for an identifier without a system: the directory holds none.
    const result =
      identifier.system === ''
        ? { items: [], nextCursor: null }
        : await searchPatients(db, query, pageOf(search));
    await auditSearch(
      audit,
      c,
      'Patient',
      { named: identifier, own: false, path: 'query.identifier' },
      result.items.map((r) => r.identifiers),
    );
    const matches = result.items.map((r) => subset({ ...toFhirPatient(r), id: r.id! }, elements));
    return fhirJson(c, searchset(selfOf(c, search), matches, [], result.nextCursor));
  });

  patients.get('/Patient/:id', needs('read'), async (c) => {
    const { answer: record } = await readInstance(audit, c, PATIENT_READ, async (id) => {
      const found = await getPatient(db, id);
      return { answer: found, patient: found?.identifiers[0] };
    });
    return fhirJson(c, { ...toFhirPatient(record), id: record.id });
  });

  return patients;
}
