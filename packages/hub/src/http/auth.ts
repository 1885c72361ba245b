import { AuthError, LienThongError, ValidationError } from '@lienthong/core';
import type { Kysely } from 'kysely';
import type { HubDatabase } from '../db/schema.js';
import type { Scope } from '../facilities.js';
import type { Publisher } from '../records/access.js';
import { hashApiKey, looksLikeApiKey } from '../security/api-keys.js';
import type { CredentialCache } from '../security/credential-cache.js';
import type { RateLimiter } from '../security/rate-limit.js';
import { clientAddress } from './client-address.js';
import type { Caller } from './env.js';
import { hubFactory } from './factory.js';

const authRequired = () =>
  new AuthError({
    code: 'HUB_AUTH_REQUIRED',
    message: 'A valid API key is required.',
    messageVi: 'Cần khóa API hợp lệ.',
    status: 401,
  });

/** Longest `X-User` the audit trail records. */
const MAX_USER_LENGTH = 200;
/** An HL7 v3 PurposeOfUse code (`TREAT`, `ETREAT`, `HPAYMT`…). */
const PURPOSE_OF_USE = /^[A-Z_]{2,30}$/;

// The header's value is never quoted: X-User may be a person's name.
const userInvalid = () =>
  new ValidationError({
    code: 'HUB_HEADER_INVALID',
    message: `X-User takes at most ${MAX_USER_LENGTH} characters.`,
    messageVi: `X-User dài tối đa ${MAX_USER_LENGTH} ký tự.`,
    path: 'header.X-User',
  });
const purposeInvalid = () =>
  new ValidationError({
    code: 'HUB_HEADER_INVALID',
    message:
      'X-Purpose-Of-Use takes an HL7 v3 PurposeOfUse code (2–30 capital letters or "_", e.g. TREAT, ETREAT).',
    messageVi:
      'X-Purpose-Of-Use nhận một mã PurposeOfUse HL7 v3 (2–30 chữ in hoa hoặc "_", ví dụ TREAT, ETREAT).',
    path: 'header.X-Purpose-Of-Use',
  });

/** 403 `HUB_SCOPE_MISSING`: the caller's credential lacks `scope`. */
export const scopeMissing = (scope: Scope) =>
  new AuthError({
    code: 'HUB_SCOPE_MISSING',
    message: `This credential lacks the "${scope}" scope.`,
    messageVi: `Thông tin xác thực này không có quyền "${scope}".`,
    status: 403,
  });

const RATE_LIMITED = {
  credential: ['Too many requests for this credential.', 'Quá nhiều yêu cầu cho thông tin xác thực này.'],
  address: [
    'Too many requests with unknown API keys from this address.',
    'Quá nhiều yêu cầu với khóa API không hợp lệ từ địa chỉ này.',
  ],
} as const;
/** 429 `HUB_RATE_LIMITED`: past the credential's rate, or past the address's budget of unknown keys. */
const rateLimited = (retryAfterSeconds: number, of: keyof typeof RATE_LIMITED) =>
  new LienThongError({
    code: 'HUB_RATE_LIMITED',
    message: RATE_LIMITED[of][0],
    messageVi: RATE_LIMITED[of][1],
    details: { status: 429, headers: { 'retry-after': String(retryAfterSeconds) } },
  });

/** Throws 403 `HUB_SCOPE_MISSING` unless the caller holds `scope` (an administrator holds every scope). */
export function requireScope(caller: Caller, scope: Scope): void {
  if (!caller.scopes.has(scope) && !caller.scopes.has('admin')) throw scopeMissing(scope);
}

/**
 * Middleware of a route that needs `scope` (403 `HUB_SCOPE_MISSING` otherwise), placed before its
 * handler: `app.get('/x', needs('read'), handler)`.
 */
export const needs = (scope: Scope) =>
  hubFactory.createMiddleware(async (c, next) => {
    requireScope(c.get('caller'), scope);
    await next();
  });

/** The publisher a caller acts as (administrators may publish on behalf of the facility a record names). */
export function publisherOf(caller: Caller): Publisher {
  return { facilityCode: caller.facilityCode, admin: caller.scopes.has('admin') };
}

/** What {@link authenticate} checks keys against. */
export interface AuthenticateOptions {
  db: Kysely<HubDatabase>;
  /** Credentials found recently (`createCredentialCache`): a busy key is looked up once a second. */
  credentials: CredentialCache;
  /** SHA-256 of the bootstrap administrator key, when one is configured. */
  adminKeyHash: string | undefined;
  /** Per-credential rate limit; undefined: none. */
  limiter: RateLimiter | undefined;
  /**
   * Per-client-address limit on looking up keys the hub does not know (each costs a database
   * read): past it, keys not found recently are refused with 429 before any lookup, while keys in
   * the credential cache keep working. Undefined: none.
   */
  unknownKeys?: { limiter: RateLimiter; trustedProxyHops: number } | undefined;
}

/**
 * Middleware that sets the request's `caller` from its API key (`Authorization: Bearer …` or
 * `X-API-Key`): 401 `HUB_AUTH_REQUIRED` without a valid, unrevoked key, 429 `HUB_RATE_LIMITED`
 * (with `Retry-After`) past the credential's rate, or past the client address's budget of unknown
 * keys (`unknownKeys`). `X-User` (at most 200 characters) and
 * `X-Purpose-Of-Use` (default `TREAT`) are kept for the audit trail; a malformed one is
 * 400 `HUB_HEADER_INVALID`.
 */
export function authenticate({ db, credentials, adminKeyHash, limiter, unknownKeys }: AuthenticateOptions) {
  return hubFactory.createMiddleware(async (c, next) => {
    const header = c.req.header('authorization');
    const key = header?.startsWith('Bearer ') ? header.slice(7).trim() : c.req.header('x-api-key');
    if (!key) throw authRequired();
    const hash = hashApiKey(key);
    let caller: Omit<Caller, 'userRef' | 'purpose'>;
    if (adminKeyHash && hash === adminKeyHash) {
      caller = {
        facilityCode: '*',
        credentialId: 'admin',
        scopes: new Set<Scope>(['admin', 'read', 'write']),
      };
    } else {
      if (!looksLikeApiKey(key)) throw authRequired();
      // Each lookup takes a token before it runs (so concurrent ones cannot all slip through) and
      // gives it back when the key is found: only unknown keys use up an address's budget.
      let address: string | undefined;
      const credential = await credentials.find(hash, async () => {
        if (unknownKeys) {
          address = clientAddress(c, unknownKeys.trustedProxyHops);
          const wait = unknownKeys.limiter.take(address);
          if (wait > 0) throw rateLimited(wait, 'address');
        }
        const row = await db
          .selectFrom('credentials')
          .select(['id', 'facility_code', 'scopes'])
          .where('key_hash', '=', hash)
          .where('revoked_at', 'is', null)
          .executeTakeFirst();
        if (!row) return undefined;
        if (address !== undefined) unknownKeys?.limiter.refund(address);
        return { id: row.id, facilityCode: row.facility_code, scopes: row.scopes };
      });
      if (!credential) throw authRequired();
      caller = {
        facilityCode: credential.facilityCode,
        credentialId: credential.id,
        scopes: new Set(credential.scopes.split(' ') as Scope[]),
      };
    }
    const wait = limiter?.take(caller.credentialId) ?? 0;
    if (wait > 0) throw rateLimited(wait, 'credential');
    const user = c.req.header('x-user') || undefined;
    const purpose = c.req.header('x-purpose-of-use') || undefined;
    // Refused, never recorded otherwise: a purpose read as TREAT would hide what the caller asked
    // for (ETREAT's emergency access), and an audit entry must name the user as the caller did.
    if (user !== undefined && user.length > MAX_USER_LENGTH) throw userInvalid();
    if (purpose !== undefined && !PURPOSE_OF_USE.test(purpose)) throw purposeInvalid();
    c.set('caller', { ...caller, userRef: user, purpose: purpose ?? 'TREAT' });
    await next();
  });
}
