import { readFileSync } from 'node:fs';
import type { Bundle, OperationOutcome } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import {
  AuthError,
  ConflictError,
  LienThongError,
  NotFoundError,
  TransportError,
  ValidationError,
} from './lienthong-error.js';
import { ERROR_CODE_SYSTEM, fromOperationOutcome, toOperationOutcome } from './operation-outcome.js';

const FIXTURES = new URL('../../../../fixtures/real-world/fhir-r4/', import.meta.url);
const base = { message: 'English text', messageVi: 'Văn bản tiếng Việt' };

describe('OperationOutcome conversion', () => {
  const errors = [
    new ValidationError({
      ...base,
      code: 'XML4_FIELD_TOO_LONG',
      path: 'CHI_TIET_CLS[3].MA_CHI_SO',
      issues: [
        {
          path: 'CHI_TIET_CLS[3].MA_CHI_SO',
          code: 'XML4_FIELD_TOO_LONG',
          message: 'too long',
          messageVi: 'quá dài',
        },
        {
          path: 'CHI_TIET_CLS[4].NGAY_KQ',
          code: 'DATE_FORMAT_INVALID',
          message: 'bad date',
          messageVi: 'sai ngày',
        },
      ],
    }),
    new NotFoundError({ ...base, code: 'PATIENT_NOT_FOUND' }),
    new ConflictError({ ...base, code: 'PUBLISH_IDEMPOTENCY_CONFLICT' }),
    new AuthError({ ...base, code: 'AUTH_FORBIDDEN' }),
    new TransportError({ ...base, code: 'TRANSPORT_TIMEOUT', method: 'GET', url: 'u', retryable: true }),
    new LienThongError({ ...base, code: 'SOMETHING_ELSE', path: 'x' }),
  ];

  it.each(errors)('round-trips $name with its code, both languages and path', (error) => {
    const outcome = toOperationOutcome(error);
    expect(outcome.resourceType).toBe('OperationOutcome');
    const back = fromOperationOutcome(outcome);
    expect(back.kind).toBe(error.kind);
    expect(back.code).toBe(error.code);
    expect(back.message).toBe(error instanceof ValidationError ? error.issues[0]!.message : error.message);
    expect(back.messageVi).toBe(
      error instanceof ValidationError ? error.issues[0]!.messageVi : error.messageVi,
    );
    expect(back.path).toBe(error.path);
    if (error instanceof ValidationError) expect((back as ValidationError).issues).toEqual(error.issues);
  });

  it('carries the code as a coding and Vietnamese in the translation extension', () => {
    const issue = toOperationOutcome(errors[1]!).issue[0]!;
    expect(issue.code).toBe('not-found');
    expect(issue.details?.coding).toEqual([{ system: ERROR_CODE_SYSTEM, code: 'PATIENT_NOT_FOUND' }]);
    expect(JSON.stringify(issue)).toContain('Văn bản tiếng Việt');
  });

  it('reads a real server outcome (FHIR spec example) without our extensions', () => {
    const bundle = JSON.parse(
      readFileSync(new URL('Bundle-bundle-search-warning.json', FIXTURES), 'utf8'),
    ) as Bundle;
    const outcome = bundle.entry![0]!.resource as OperationOutcome;
    const error = fromOperationOutcome(outcome);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.code).toBe('FHIR_NOT_FOUND');
    expect(error.message).toBe('There is no matching patient for MRN 123456');
    expect(error.messageVi).toContain('There is no matching patient');
  });

  it.each([
    [400, ValidationError],
    [401, AuthError],
    [404, NotFoundError],
    [409, ConflictError],
    [503, TransportError],
    [418, LienThongError],
  ] as const)('falls back to the HTTP status %i when the issue type says nothing', (status, cls) => {
    const error = fromOperationOutcome(
      {
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'error', code: 'processing', diagnostics: 'd' }],
      },
      { status },
    );
    expect(error).toBeInstanceOf(cls);
    expect(error.message).toBe('d');
  });

  it('explains an outcome without issues', () => {
    const error = fromOperationOutcome({ resourceType: 'OperationOutcome', issue: [] });
    expect(error.code).toBe('FHIR_OPERATION_OUTCOME_EMPTY');
  });

  it('prefers error issues over warnings and reads location when expression is absent', () => {
    const error = fromOperationOutcome({
      resourceType: 'OperationOutcome',
      issue: [
        { severity: 'warning', code: 'informational', diagnostics: 'just a warning' },
        {
          severity: 'error',
          code: 'required',
          diagnostics: 'missing status',
          location: ['Observation.status'],
        },
      ],
    });
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toBe('missing status');
    expect(error.path).toBe('Observation.status');
  });
});
