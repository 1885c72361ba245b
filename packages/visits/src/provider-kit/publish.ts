import {
  ConflictError,
  canonicalIdentifier,
  stableJson,
  ValidationError,
  validationErrorFromZod,
} from '@lienthong/core';
import type { WriteOutcome } from '@lienthong/core/contract';
import { type Visit, VisitSchema } from '../model.js';

/**
 * A visit's key, `<facility>:<MA_LK>`: MA_LK is unique within its facility only, and a facility
 * code (5 digits) has no colon, so the key reads back unambiguously.
 * @example visitKey({ facility: '01001', id: 'LK-1', … }) // '01001:LK-1'
 */
export const visitKey = (visit: Pick<Visit, 'facility' | 'id'>): string =>
  `${visit.facility ?? ''}:${visit.id}`;

/** The facility and MA_LK of a visit key, or `undefined` when it has no colon. */
export function parseVisitKey(key: string): { facility: string; id: string } | undefined {
  const at = key.indexOf(':');
  return at <= 0 || at === key.length - 1 ? undefined : { facility: key.slice(0, at), id: key.slice(at + 1) };
}

function required(path: string, message: string, messageVi: string): ValidationError {
  return new ValidationError({ code: 'VISIT_NOT_PUBLISHABLE', path, message, messageVi });
}

/** Validates a visit for publishing: the schema, a facility, an MA_LK and at least one patient identifier. */
export function checkPublishableVisit(visit: unknown): Visit {
  const parsed = VisitSchema.safeParse(visit);
  if (!parsed.success)
    throw validationErrorFromZod(parsed.error, {
      code: 'VISIT_INVALID',
      subject: { en: 'visit', vi: 'lượt khám' },
    });
  const v = parsed.data;
  if (!v.facility?.trim() || v.facility.includes(':'))
    throw required(
      'facility',
      'A published visit needs its facility code (MA_CSKCB)',
      'Lượt khám được gửi phải có mã cơ sở KCB (MA_CSKCB)',
    );
  if (!v.id.trim())
    throw required('id', 'A published visit needs its MA_LK', 'Lượt khám được gửi phải có MA_LK');
  if (v.patient.identifiers.length === 0)
    throw required(
      'patient.identifiers',
      'A published visit needs at least one patient identifier',
      'Lượt khám được gửi phải có ít nhất một mã định danh người bệnh',
    );
  return v;
}

/** The content that decides "same or changed": the visit with its identifier systems made canonical. */
export function visitContentKey(visit: Visit): string {
  return stableJson({
    ...visit,
    patient: { ...visit.patient, identifiers: visit.patient.identifiers.map((i) => canonicalIdentifier(i)) },
  });
}

/**
 * The outcome a publish will have, given the current version: `created` when there is none,
 * `unchanged` for the same content, else `updated` — a visit sent again with other content is its
 * correction (the insurance file set has no status to say so).
 */
export function decideVisitPublish(current: Visit | undefined, next: Visit): WriteOutcome {
  if (!current) return 'created';
  return visitContentKey(current) === visitContentKey(next) ? 'unchanged' : 'updated';
}

/** The error of an idempotency key used again for another visit (`IDEMPOTENCY_KEY_REUSED`). */
export function visitIdempotencyConflict(): ConflictError {
  return new ConflictError({
    code: 'IDEMPOTENCY_KEY_REUSED',
    path: 'idempotencyKey',
    message: 'This idempotency key was used for another visit',
    messageVi: 'Khóa idempotency này đã được dùng cho một lượt khám khác',
  });
}
