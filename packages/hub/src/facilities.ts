import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError, ValidationError } from '@lienthong/core';
import type { Kysely } from 'kysely';
import type { HubDatabase } from './db/schema.js';
import { isFacilityName, MAX_FACILITY_NAME_LENGTH } from './limits.js';
import { newApiKey } from './security/api-keys.js';

/**
 * Scopes a credential can hold. `admin` manages facilities and reads every audit entry. `export`
 * runs FHIR Bulk Data exports of what the facility may read (the only population-level read);
 * `export-deidentified` runs them de-identified only (research credentials).
 */
export const SCOPES = ['read', 'write', 'admin', 'export', 'export-deidentified'] as const;
export type Scope = (typeof SCOPES)[number];

/**
 * A facility registered on the hub, as the API shows it (`GET /v1/facilities`): its code, name and
 * registration time; its API keys are credentials of their own. Not the `Facility` of the records
 * (`@lienthong/core`), which names a facility inside a lab report or imaging reference.
 */
export interface RegisteredFacility {
  code: string;
  name: string;
  createdAt: string;
}

/** A credential just created: the key is shown this once and never stored. */
export interface IssuedCredential {
  id: string;
  facilityCode: string;
  scopes: Scope[];
  apiKey: string;
}

const FACILITY_CODE = /^[0-9A-Za-z][0-9A-Za-z._-]{0,31}$/;

function checkScopes(scopes: readonly string[]): Scope[] {
  const bad = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (bad.length > 0 || scopes.length === 0) {
    throw new ValidationError({
      code: 'HUB_SCOPE_UNKNOWN',
      message: `Unknown or missing scopes: ${bad.join(', ') || '(none)'}; allowed: ${SCOPES.join(', ')}.`,
      messageVi: `Phạm vi quyền không hợp lệ: ${bad.join(', ') || '(trống)'}; cho phép: ${SCOPES.join(', ')}.`,
      path: 'scopes',
    });
  }
  return [...new Set(scopes)] as Scope[];
}

/**
 * Registers a facility and issues its first credential (scopes `read write` by default).
 * @example const { facility, credential } = await addFacility(db, { code: '01001', name: 'Bệnh viện Bạch Mai' });
 */
export async function addFacility(
  db: Kysely<HubDatabase>,
  input: { code: string; name: string; scopes?: readonly string[] },
): Promise<{ facility: RegisteredFacility; credential: IssuedCredential }> {
  if (typeof input.code !== 'string' || !FACILITY_CODE.test(input.code)) {
    throw new ValidationError({
      code: 'HUB_FACILITY_CODE_INVALID',
      message:
        'A facility code is 1–32 letters, digits, dots, dashes or underscores (e.g. the 5-digit mã cơ sở KCB).',
      messageVi:
        'Mã cơ sở gồm 1–32 chữ, số, dấu chấm, gạch ngang hoặc gạch dưới (ví dụ mã cơ sở KCB 5 chữ số).',
      path: 'code',
    });
  }
  if (typeof input.name !== 'string' || input.name.trim() === '') {
    throw new ValidationError({
      code: 'HUB_FACILITY_NAME_MISSING',
      message: 'The facility name is missing.',
      messageVi: 'Thiếu tên cơ sở.',
      path: 'name',
    });
  }
  if (!isFacilityName(input.name.trim())) {
    throw new ValidationError({
      code: 'HUB_FACILITY_NAME_INVALID',
      message: `A facility name is at most ${MAX_FACILITY_NAME_LENGTH} characters, without control characters.`,
      messageVi: `Tên cơ sở dài tối đa ${MAX_FACILITY_NAME_LENGTH} ký tự, không chứa ký tự điều khiển.`,
      path: 'name',
    });
  }
  const scopes = checkScopes(input.scopes ?? ['read', 'write']);
  const createdAt = new Date().toISOString();
  return db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('facilities')
      .select('code')
      .where('code', '=', input.code)
      .executeTakeFirst();
    if (existing) {
      throw new ConflictError({
        code: 'HUB_FACILITY_EXISTS',
        message: `Facility ${input.code} is already registered.`,
        messageVi: `Cơ sở ${input.code} đã được đăng ký.`,
        path: 'code',
      });
    }
    await trx
      .insertInto('facilities')
      .values({ code: input.code, name: input.name.trim(), created_at: createdAt })
      .execute();
    const credential = await insertCredential(trx, input.code, scopes, 'initial');
    return { facility: { code: input.code, name: input.name.trim(), createdAt }, credential };
  });
}

/** Issues another credential for an existing facility (key rotation, another system of the facility). */
export async function addCredential(
  db: Kysely<HubDatabase>,
  facilityCode: string,
  options: { scopes?: readonly string[]; label?: string } = {},
): Promise<IssuedCredential> {
  const scopes = checkScopes(options.scopes ?? ['read', 'write']);
  const facility = await db
    .selectFrom('facilities')
    .select('code')
    .where('code', '=', facilityCode)
    .executeTakeFirst();
  if (!facility) {
    throw new NotFoundError({
      code: 'HUB_FACILITY_NOT_FOUND',
      message: `No facility ${facilityCode}.`,
      messageVi: `Không có cơ sở ${facilityCode}.`,
    });
  }
  return insertCredential(db, facilityCode, scopes, options.label ?? null);
}

async function insertCredential(
  db: Kysely<HubDatabase>,
  facilityCode: string,
  scopes: Scope[],
  label: string | null,
): Promise<IssuedCredential> {
  const { key, hash } = newApiKey();
  const id = randomUUID();
  await db
    .insertInto('credentials')
    .values({
      id,
      facility_code: facilityCode,
      key_hash: hash,
      scopes: scopes.join(' '),
      label,
      created_at: new Date().toISOString(),
      revoked_at: null,
    })
    .execute();
  return { id, facilityCode, scopes, apiKey: key };
}

/** Revokes a credential; later requests with its key get 401. */
export async function revokeCredential(db: Kysely<HubDatabase>, id: string): Promise<void> {
  const result = await db
    .updateTable('credentials')
    .set({ revoked_at: new Date().toISOString() })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) {
    throw new NotFoundError({
      code: 'HUB_CREDENTIAL_NOT_FOUND',
      message: 'No active credential with that id.',
      messageVi: 'Không có thông tin xác thực đang hiệu lực với mã này.',
    });
  }
}

/** Every registered facility, by code. */
export async function listFacilities(db: Kysely<HubDatabase>): Promise<RegisteredFacility[]> {
  const rows = await db.selectFrom('facilities').selectAll().orderBy('code').execute();
  return rows.map((r) => ({ code: r.code, name: r.name, createdAt: r.created_at }));
}
