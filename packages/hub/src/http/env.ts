import type { Scope } from '../facilities.js';

/** The authenticated caller of a request. */
export interface Caller {
  facilityCode: string;
  credentialId: string;
  scopes: ReadonlySet<Scope>;
  /** End user the calling system acts for (`X-User`), for the audit trail. */
  userRef: string | undefined;
  /** Purpose of use (`X-Purpose-Of-Use`, default `TREAT`). */
  purpose: string;
}

/**
 * The hub's Hono environment: what its middleware sets on a request's context. `caller` is there
 * behind `authenticate` (every route but `/health`, `/ready` and `/fhir/metadata`).
 */
export type HubEnv = {
  Variables: {
    caller: Caller;
    requestId: string;
    /** The hub's public base URL, which every link starts with. */
    publicUrl: string;
    /** Largest request body `readJsonBody` reads (set by `limitBody`). */
    bodyLimitBytes?: number;
  };
};
