import type { CodeSystemMeta } from '../model.js';
import { KNOWN_SYSTEMS, type KnownSystemId } from '../systems.js';

/**
 * Metadata of a known system for a release (`version` and dates are the caller's facts).
 * @example systemMeta('qd1227', { version: '2025-04-11', validFrom: '2025-04-11' })
 */
export function systemMeta(
  id: KnownSystemId,
  extra: Partial<CodeSystemMeta> & { version: string },
): CodeSystemMeta {
  const k = KNOWN_SYSTEMS[id];
  return {
    id: k.id,
    uri: k.uri,
    name: k.name,
    nameVi: k.nameVi,
    publisher: k.publisher,
    legalDocument: k.legalDocument,
    ...(k.licenceNote === undefined ? {} : { licenceNote: k.licenceNote }),
    ...extra,
  };
}
