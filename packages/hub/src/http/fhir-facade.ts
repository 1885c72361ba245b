import { LienThongError, NotFoundError, toLienThongError, toOperationOutcome } from '@lienthong/core';
import type { Hono } from 'hono';
import type { HubEnv } from './app.js';
import { capabilityStatement } from './fhir/capability.js';
import { endpointRoutes } from './fhir/endpoint-routes.js';
import { imagingRoutes } from './fhir/imaging-routes.js';
import { patientRoutes } from './fhir/patient-routes.js';
import { reportRoutes } from './fhir/report-routes.js';
import { baseOf, fhirJson } from './fhir/respond.js';
import { problemOf } from './problem.js';
import type { RouteDeps } from './routes/deps.js';

/**
 * A read-and-search FHIR R4 facade over the hub's data, so plain FHIR clients — and the SDK's own
 * `fhir` providers — can read it: `metadata`, `Patient`, `DiagnosticReport` (versions, `_history`,
 * `_include` of results and specimen), `Observation`, `Specimen`, `ImagingStudy` (Endpoints
 * contained) and `Endpoint` (the studies' DICOMweb Endpoints, by id). The CapabilityStatement
 * declares exactly what is served (`fhir/capability.ts`), modifiers and chains included;
 * unknown parameters are refused, never ignored. It is read-only: writes go through the hub API
 * (405 here). Only `metadata` is public; every other request reads patient data or data derived
 * from it and writes one audit entry, like the API's.
 */
export function fhirFacade(app: Hono<HubEnv>, deps: RouteDeps): void {
  app.onError((error, c) => {
    const family = error instanceof LienThongError ? error : toLienThongError(error);
    const { status } = problemOf(family);
    if (status === 405) c.header('allow', 'GET');
    return fhirJson(c, toOperationOutcome(family), status);
  });

  app.get('/metadata', (c) => fhirJson(c, capabilityStatement(baseOf(c))));
  patientRoutes(app, deps);
  reportRoutes(app, deps);
  imagingRoutes(app, deps);
  endpointRoutes(app, deps);

  app.all('*', (c) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD')
      throw new NotFoundError({
        code: 'FHIR_NOT_FOUND',
        message: 'The FHIR facade serves no such resource type or interaction (see /fhir/metadata).',
        messageVi: 'Giao diện FHIR không phục vụ loại tài nguyên hoặc thao tác này (xem /fhir/metadata).',
      });
    throw new LienThongError({
      code: 'FHIR_READ_ONLY',
      message: 'The FHIR facade is read-only: write through the hub API (/v1).',
      messageVi: 'Giao diện FHIR chỉ cho phép đọc: hãy ghi dữ liệu qua API của sàn (/v1).',
      details: { status: 405 },
    });
  });
}
