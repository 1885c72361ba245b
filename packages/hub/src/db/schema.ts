/**
 * The hub's tables. Portable across SQLite and PostgreSQL: text keys (UUIDs, codes), ISO 8601
 * timestamps as text (they sort chronologically), JSON documents as text.
 */
export interface HubDatabase {
  facilities: FacilityTable;
  credentials: CredentialTable;
  audit_events: AuditEventTable;
  idempotency_keys: IdempotencyKeyTable;
  settings: SettingTable;
}

/** Deployment settings the hub generates once (e.g. the audit key). */
export interface SettingTable {
  key: string;
  value: string;
}

export interface FacilityTable {
  /** 5-digit facility code (mã cơ sở KCB) or another code the deployment uses. */
  code: string;
  name: string;
  created_at: string;
}

export interface CredentialTable {
  id: string;
  facility_code: string;
  /** SHA-256 of the API key (keys are 256-bit random, so a fast hash is the right tool). */
  key_hash: string;
  /** Space-separated scopes. */
  scopes: string;
  label: string | null;
  created_at: string;
  revoked_at: string | null;
}

export interface AuditEventTable {
  id: string;
  at: string;
  facility_code: string;
  credential_id: string;
  /** The end user the calling system acted for (`X-User` header), if given. */
  user_ref: string | null;
  /** Purpose of use (`X-Purpose-Of-Use` header, default `TREAT`). */
  purpose: string;
  action: string;
  resource_type: string;
  resource_id: string | null;
  /** Keyed hash of the patient identifier read, so audits can be searched without storing it. */
  patient_ref: string | null;
}

export interface IdempotencyKeyTable {
  facility_code: string;
  key: string;
  /** SHA-256 of method, path and body: the same key with another request is a conflict. */
  request_hash: string;
  status: number;
  response: string;
  created_at: string;
}
