import { bearerAuth, type DiagnosticReport, isConflictError } from '@lienthong/core';
import { createFhirClient } from '@lienthong/core/fhir';

// A provider builds one client, on its transport options or on a transport it was given.
const fhir = createFhirClient({ baseUrl: 'https://fhir.benhvien.example.vn/fhir', auth: bearerAuth('…') });

export async function amend(reportId: string, conclusion: string, signal?: AbortSignal) {
  // One match or none; two reports with one identifier throw FHIR_SEARCH_NOT_UNIQUE.
  const report = await fhir.searchOne(
    'DiagnosticReport',
    { identifier: `urn:lienthong:sid:lab-report|${reportId}` },
    { signal },
  );
  if (!report?.id) return undefined;
  const amended: DiagnosticReport & { id: string } = {
    ...report,
    id: report.id,
    status: 'amended',
    conclusion,
  };
  try {
    // Version-aware: refused (ConflictError) if someone changed the report since it was read.
    return await fhir.update(amended, { ifMatch: report.meta?.versionId, signal });
  } catch (error) {
    if (isConflictError(error)) return undefined; // read again and decide again
    throw error;
  }
}
