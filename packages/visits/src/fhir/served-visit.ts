import type { Extension, Resource } from '@lienthong/core';
import type { Visit } from '../model.js';
import { decodeFhirVisitBundle } from './decode.js';
import { overlayExtension, visitOverlay } from './model-overlay.js';
import type { VisitFhirOptions } from './options.js';
import { FHIR_VISIT_MODEL_EXTENSION } from './server-conventions.js';

/**
 * The extension a server that serves visits as FHIR puts on a version's Encounter so that the
 * `fhir` visit history (`createFhirVisitHistory`) reads that version back exactly as `visit`:
 * what `resources` — the resources the server serves of it, Encounter included — do not give back
 * once decoded (a Patient it does not serve, the fields of a visit built by hand). Undefined when
 * they give back the whole visit. Made from the visit as served: a server that withholds part of
 * a visit from a reader passes the visit as that reader sees it, so the extension reveals nothing
 * more than the resources do.
 * @example
 * const ext = servedVisitExtension(shown, resources);
 * if (ext) encounter.extension = [...(encounter.extension ?? []), ext];
 */
export function servedVisitExtension(
  visit: Visit,
  resources: readonly Resource[],
  options: VisitFhirOptions & { url?: string } = {},
): Extension | undefined {
  const bundle = {
    resourceType: 'Bundle' as const,
    type: 'collection' as const,
    entry: resources.map((resource) => ({ resource })),
  };
  const decoded = decodeFhirVisitBundle(bundle, options).value.visits[0];
  const overlay = decoded ? visitOverlay(visit, decoded) : undefined;
  return overlay && overlayExtension(options.url ?? FHIR_VISIT_MODEL_EXTENSION, overlay);
}
