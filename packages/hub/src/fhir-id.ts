import { createHash } from 'node:crypto';

/** A FHIR id (`[A-Za-z0-9-.]{1,64}`) for any business key: the key itself when valid, else a stable hash. */
export function fhirId(key: string): string {
  return /^[A-Za-z0-9\-.]{1,64}$/.test(key)
    ? key
    : createHash('sha256').update(key).digest('hex').slice(0, 40);
}
