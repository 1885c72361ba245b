import type { BundleEntry } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { ConflictError, TransportError, ValidationError } from '../errors/lienthong-error.js';
import { createdResources, entryStatus, lostRace } from './write-outcome.js';

/** What a lab report's write owns (the Patient is shared). */
const OWNED = ['Observation', 'Specimen', 'DiagnosticReport'];

describe('reading a transaction answer', () => {
  it('reads entry statuses written with or without their reason phrase', () => {
    expect(entryStatus({ response: { status: '201 Created' } })).toBe(201);
    expect(entryStatus({ response: { status: '200' } })).toBe(200);
    expect(entryStatus({ response: { status: 'created' } })).toBe(0);
    expect(entryStatus(undefined)).toBe(0);
  });

  it('lists the owned resources the answer says were created, whatever the location form', () => {
    const post = (url: string): BundleEntry => ({ request: { method: 'POST', url } });
    const request = [
      post('Patient'),
      post('Specimen'),
      post('Observation'),
      post('Observation'),
      post('DiagnosticReport'),
    ];
    const answer = {
      resourceType: 'Bundle' as const,
      type: 'transaction-response' as const,
      entry: [
        { response: { status: '201 Created', location: 'Patient/p1/_history/1' } },
        { response: { status: '201', location: 'https://fhir.example.vn/fhir/Specimen/s1/_history/1' } },
        { response: { status: '201 Created', location: 'Observation/o1' } },
        // No location: the id of the resource returned.
        {
          response: { status: '201' },
          resource: { resourceType: 'Observation' as const, id: 'o2', status: 'final' as const, code: {} },
        },
        { response: { status: '200 OK', location: 'DiagnosticReport/d1' } },
      ],
    };
    expect(createdResources(request, answer, OWNED)).toEqual([
      'Specimen/s1',
      'Observation/o1',
      'Observation/o2',
    ]);
    // A report this answer created (201 to its conditional create) is listed too.
    const createdReport = answer.entry.map((e, i) =>
      i === 4 ? { response: { status: '201 Created', location: 'DiagnosticReport/d1' } } : e,
    );
    expect(createdResources(request, { ...answer, entry: createdReport }, OWNED)).toEqual([
      'Specimen/s1',
      'Observation/o1',
      'Observation/o2',
      'DiagnosticReport/d1',
    ]);
    // Entries that were not created (a conditional match, a failure) are not listed.
    expect(
      createdResources(
        request,
        { ...answer, entry: answer.entry.map((e) => ({ ...e, response: { status: '200' } })) },
        OWNED,
      ),
    ).toEqual([]);
  });

  it('knows a refused transaction from a race (409, 412) from any other failure', () => {
    expect(lostRace(new ConflictError({ code: 'HTTP_CONFLICT', message: 'x', messageVi: 'x' }))).toBe(true);
    expect(
      lostRace(
        new TransportError({
          code: 'HTTP_500',
          message: 'x',
          messageVi: 'x',
          method: 'POST',
          url: '/',
          retryable: true,
          status: 500,
        }),
      ),
    ).toBe(false);
    expect(
      lostRace(new ValidationError({ code: 'X', message: 'x', messageVi: 'x', details: { status: 412 } })),
    ).toBe(true);
    expect(lostRace(new Error('x'))).toBe(false);
  });
});
