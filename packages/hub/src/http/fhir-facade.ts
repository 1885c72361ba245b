import { LienThongError, NotFoundError } from '@lienthong/core';
import type { Context, MiddlewareHandler } from 'hono';
import type { BulkExports } from '../export/jobs-runner.js';
import type { RouteDeps } from './deps.js';
import type { HubEnv } from './env.js';
import { hubFactory } from './factory.js';
import { bulkRoutes } from './fhir/bulk-routes.js';
import { capabilityStatement } from './fhir/capability.js';
import { endpointRoutes } from './fhir/endpoint-routes.js';
import { imagingRoutes } from './fhir/imaging-routes.js';
import { patientRoutes } from './fhir/patient-routes.js';
import { reportRoutes } from './fhir/report-routes.js';
import { baseOf, fhirJson } from './fhir/respond.js';
import { visitFhirRoutes } from './fhir/visit-routes.js';
import type { VisitRouteOptions } from './routes/visits.js';
import { refuseControlCharacters } from './url-guard.js';

/** A request that reads (HEAD is answered as GET). */
const reads = (c: Context) => c.req.method === 'GET' || c.req.method === 'HEAD';

/** 404 for a read the facade does not serve, 405 (`Allow: GET`) for any write. */
function unserved(c: Context): never {
  if (reads(c))
    throw new NotFoundError({
      code: 'FHIR_NOT_FOUND',
      message: 'The FHIR facade serves no such resource type or interaction (see /fhir/metadata).',
      messageVi: 'Giao diện FHIR không phục vụ loại tài nguyên hoặc thao tác này (xem /fhir/metadata).',
    });
  throw new LienThongError({
    code: 'FHIR_READ_ONLY',
    message: 'The FHIR facade is read-only: write through the hub API (/v1).',
    messageVi: 'Giao diện FHIR chỉ cho phép đọc: hãy ghi dữ liệu qua API của sàn (/v1).',
    details: { status: 405, headers: { allow: 'GET' } },
  });
}

/**
 * A read-and-search FHIR R4 facade over the hub's data, so plain FHIR clients — and the SDK's own
 * `fhir` providers — can read it: `metadata`, `Patient` (and `$summary`, the patient summary
 * document), `DiagnosticReport` (versions, `_history`, `_include` of results and specimen),
 * `Observation`, `Specimen`, `ImagingStudy` (Endpoints contained), `Endpoint` (the studies'
 * DICOMweb Endpoints, by id) and the visits — `Encounter`, `Condition`, `MedicationStatement`,
 * `Procedure` — after the disclosure policy (`visitOptions`). The CapabilityStatement
 * declares exactly what is served (`fhir/capability.ts`), modifiers and chains included;
 * unknown parameters are refused, never ignored. It is read-only: writes go through the hub API
 * (405 here) — but for FHIR Bulk Data exports (`$export`, when `exports` is given:
 * `fhir/bulk-routes.ts`). Only `metadata` is public; every other request is `authenticate`d, reads patient
 * data or data derived from it and writes one audit entry, like the API's. Errors are answered as
 * `OperationOutcome`s (`render-error.ts`).
 */
export function fhirFacade(
  deps: RouteDeps,
  authenticate: MiddlewareHandler<HubEnv>,
  visitOptions: VisitRouteOptions,
  exports?: BulkExports,
) {
  const bulkExport = exports !== undefined;
  const facade = hubFactory
    .createApp()
    .use(refuseControlCharacters)
    .all('/metadata', (c) =>
      reads(c) ? fhirJson(c, capabilityStatement(baseOf(c), { bulkExport })) : unserved(c),
    )
    .use(authenticate);
  // First: `Patient/$export` is no Patient id.
  if (exports) facade.route('/', bulkRoutes(deps, exports));
  return (
    facade
      // Before Patient's: `Patient/$summary` is no Patient id.
      .route('/', visitFhirRoutes(deps, visitOptions))
      .route('/', patientRoutes(deps))
      .route('/', reportRoutes(deps))
      .route('/', imagingRoutes(deps))
      .route('/', endpointRoutes(deps))
      .all('*', unserved)
  );
}
