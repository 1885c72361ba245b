import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { syntheticImagingReferences } from '@lienthong/conformance';
import { validateFhir } from '@lienthong/conformance/fhir';
import {
  createHubImagingRegistry,
  createHubPatientDirectory,
  createHubVisitHistory,
} from '@lienthong/hub-api';
import { IMAGING_REPORT_IDENTIFIER_SYSTEM } from '@lienthong/imaging/fhir';
import { newVisit } from '@lienthong/visits';
import type { CapabilityStatement, DiagnosticReport, Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningHub } from '../src/server.js';
import { download, exportAll, kickOff, statusUrlOf, waitForManifest } from './bulk-export-client.js';
import {
  ADMIN,
  type BulkHub,
  ICD10,
  P1,
  P2,
  publishReports,
  startBulkHub,
  validateAll,
} from './bulk-fixtures.js';
import type { MakeDatabase } from './databases.js';

/** Withheld from readers of another facility (the visits tests' SYNTHETIC policy). */
const POLICY = { rules: [{ name: 'hiv', diagnoses: ['B20-B24', 'Z21'], allowPurposes: ['ETREAT'] }] };

/**
 * FHIR Bulk Data export on the facade, against a real hub of the dialect: the whole kick-off →
 * poll → manifest → download cycle read by a client written from the IG, every line validated by
 * Medplum's validator, facility scoping, `_type`, `_since`, `_typeFilter`, cancellation, audit,
 * and the refusals (403 without the scope, 400 for malformed requests).
 */
export function describeBulkExport(dialect: string, makeDatabase: MakeDatabase): void {
  describe(`hub FHIR Bulk Data export on ${dialect}`, () => {
    let bulk: BulkHub;
    let hub: RunningHub;
    let dir: string;
    let base: string;
    let keyA: string;
    let keyB: string;
    let readOnlyKey: string;
    let sinceMark: string;

    beforeAll(async () => {
      bulk = await startBulkHub(
        await makeDatabase(),
        { maxLinesPerFile: 5, pageSize: 4 },
        { disclosurePolicy: POLICY },
      );
      ({ hub, dir, base, keyA, keyB, readOnlyKey } = bulk);
      await createHubPatientDirectory({ baseUrl: hub.url, apiKey: keyA }).upsert({
        identifiers: [{ ...P1, kind: 'cccd' }],
        name: { family: 'Nguyễn', middle: 'Văn', given: 'An' },
        birthDate: '2003-04-05',
        sex: 'male',
      });
      await createHubPatientDirectory({ baseUrl: hub.url, apiKey: keyB }).upsert({
        identifiers: [{ ...P2, kind: 'cccd' }],
        name: { family: 'Trần', given: 'Bình' },
        birthDate: '1985-01-02',
        sex: 'female',
      });
      await publishReports(hub.url, keyA, 'BULK-A', P1, 12);
      await publishReports(hub.url, keyB, 'BULK-B', P2, 2);
      await publishReports(hub.url, keyB, 'BULK-B-P1', P1, 1);
      // A SYNTHETIC CT study of A's patient (the hub fills the performing facility from the key).
      const { performingFacility: _f, ...ct } = syntheticImagingReferences('bulk')[0]!;
      await createHubImagingRegistry({ baseUrl: hub.url, apiKey: keyA }).publish({
        ...ct,
        patient: { identifiers: [P1] },
      });
      // A SYNTHETIC visit of each facility; A's names a diagnosis the policy withholds from others.
      for (const [code, key, patient] of [
        ['01001', keyA, P1],
        ['01002', keyB, P2],
      ] as const)
        await createHubVisitHistory({ baseUrl: hub.url, apiKey: key }).publish(
          newVisit({
            id: `BULK-VISIT-${code}`,
            facility: code,
            patient: { name: 'Bệnh nhân tổng hợp', identifiers: [patient] },
            visitType: '03',
            admittedAt: '2026-11-03T08:00:00+07:00',
            dischargedAt: '2026-11-05T10:00:00+07:00',
            mainDiagnosis: { system: ICD10, code: 'J18.9' },
            secondaryDiagnoses: [{ system: ICD10, code: 'B20' }],
          }),
        );
      sinceMark = new Date().toISOString();
      await new Promise((r) => setTimeout(r, 5));
      await publishReports(hub.url, keyA, 'BULK-A-LATE', P1, 1);
    });
    afterAll(() => bulk?.close());

    it('runs the whole cycle for a facility: its records and patients only, split by type and size, each line valid FHIR', async () => {
      const { manifest, resources, statusUrl } = await exportAll(`${base}/$export`, keyA);
      expect(manifest.requiresAccessToken).toBe(true);
      expect(manifest.request).toBe(`${base}/$export`);
      expect(Date.parse(manifest.transactionTime)).not.toBeNaN();
      expect(manifest.error).toEqual([]);
      // 13 lab reports of A and its study's report: DiagnosticReport and Observation files of at
      // most 5 lines each.
      const counts = (type: string) => manifest.output.filter((f) => f.type === type).map((f) => f.count);
      expect(counts('DiagnosticReport')).toEqual([5, 5, 4]);
      expect(counts('Observation')).toEqual([5, 5, 3]);
      expect(counts('Patient')).toEqual([1]);
      // Its study; its visit: one Encounter, its two diagnoses (its own: nothing withheld).
      expect(counts('ImagingStudy')).toEqual([1]);
      expect(counts('Encounter')).toEqual([1]);
      expect(counts('Condition')).toEqual([2]);
      expect(manifest.output.map((f) => f.type)).toEqual([
        'Patient',
        'DiagnosticReport',
        'DiagnosticReport',
        'DiagnosticReport',
        'Observation',
        'Observation',
        'Observation',
        'ImagingStudy',
        'Encounter',
        'Condition',
      ]);
      expect(validateAll(resources)).toBe(32);
      const reports = resources.get('DiagnosticReport') as DiagnosticReport[];
      const ids = reports.flatMap((r) => r.identifier ?? []).map((i) => i.value);
      expect(ids.filter((v) => v?.startsWith('BULK-B'))).toEqual([]);
      // The imaging report, as the facade serves it (found by its study UID).
      const imagingReport = reports.find((r) =>
        r.identifier?.some((i) => i.system === IMAGING_REPORT_IDENTIFIER_SYSTEM),
      );
      expect(imagingReport?.id).toBe(resources.get('ImagingStudy')?.[0]?.id);
      const text = JSON.stringify([...resources.values()]);
      expect(text).not.toContain(P2.value);
      expect((resources.get('Patient') as Patient[])[0]!.identifier?.[0]?.value).toBe(P1.value);
      // The job's files are on disk until it is cancelled.
      const job = new URL(statusUrl).pathname.split('/').pop()!;
      expect(readdirSync(join(dir, job)).length).toBe(10);
    });

    it('exports every facility for an administrator, and a facility group by Group/<code>', async () => {
      const all = await exportAll(`${base}/$export`, ADMIN);
      expect(all.resources.get('DiagnosticReport')).toHaveLength(17);
      expect(all.resources.get('Patient')).toHaveLength(2);
      expect(all.resources.get('Encounter')).toHaveLength(2);
      // The disclosure policy holds for population-level reads: B20 leaves no visit of a facility
      // that is not the reader's.
      const codes = JSON.stringify(all.resources.get('Condition'));
      expect(all.resources.get('Condition')).toHaveLength(2);
      expect(codes).not.toContain('"B20"');
      validateAll(all.resources);
      const group = await exportAll(`${base}/Group/01002/$export?_type=Patient,DiagnosticReport`, ADMIN);
      expect(group.manifest.output.map((f) => f.type)).toEqual(['Patient', 'DiagnosticReport']);
      expect(group.resources.get('DiagnosticReport')).toHaveLength(3);
      // B's patients: the one it registered, and the one its report names.
      expect(group.resources.get('Patient')).toHaveLength(2);
      const own = await exportAll(`${base}/Group/01002/$export?_type=DiagnosticReport`, keyB);
      expect(own.resources.get('DiagnosticReport')).toHaveLength(3);
      expect((await kickOff(`${base}/Group/01002/$export`, keyA)).status).toBe(403);
      expect((await kickOff(`${base}/Group/09999/$export`, ADMIN)).status).toBe(404);
    });

    it('narrows by _type, _since and _typeFilter, on GET and POST', async () => {
      const patients = await exportAll(`${base}/Patient/$export?_type=Patient`, keyA);
      expect(patients.manifest.output.map((f) => f.type)).toEqual(['Patient']);
      const since = await exportAll(
        `${base}/$export?_type=DiagnosticReport&_since=${encodeURIComponent(sinceMark)}`,
        keyA,
      );
      expect(since.resources.get('DiagnosticReport')).toHaveLength(1);
      const filter = encodeURIComponent('DiagnosticReport?date=ge2026-11-10&status=final');
      const filtered = await exportAll(`${base}/$export?_type=DiagnosticReport&_typeFilter=${filter}`, keyA);
      // BULK-A-10…12 (the late report is dated 2026-11-01).
      expect(filtered.resources.get('DiagnosticReport')).toHaveLength(3);
      const studies = (modality: string) =>
        exportAll(
          `${base}/$export?_type=ImagingStudy&_typeFilter=${encodeURIComponent(`ImagingStudy?modality=${modality}`)}`,
          keyA,
        );
      expect((await studies('CT')).resources.get('ImagingStudy')).toHaveLength(1);
      expect((await studies('MR')).manifest.output).toEqual([]);
      // Visit resources: a code (ICD-10 with or without the dot), the visit's period (3–5 Nov).
      const visitPart = (filter: string) =>
        exportAll(
          `${base}/$export?_type=Encounter,Condition&_typeFilter=${encodeURIComponent(filter)}`,
          keyA,
        );
      const pneumonia = await visitPart(`Condition?code=${ICD10}|J189`);
      expect(pneumonia.resources.get('Condition')).toHaveLength(1);
      expect(JSON.stringify(pneumonia.resources.get('Condition'))).toContain('"J18.9"');
      expect(pneumonia.resources.get('Encounter')).toHaveLength(1);
      const during = await visitPart('Encounter?date=ge2026-11-04');
      expect(during.resources.get('Encounter')).toHaveLength(1);
      const after = await visitPart('Encounter?date=ge2026-11-06');
      expect(after.resources.get('Encounter')).toBeUndefined();
      expect(after.resources.get('Condition')).toHaveLength(2);
      const posted = await exportAll(`${base}/$export`, keyA, {
        method: 'POST',
        body: {
          resourceType: 'Parameters',
          parameter: [
            { name: '_type', valueString: 'Observation' },
            { name: '_typeFilter', valueString: 'Observation?code=urn:synthetic:service|nothing' },
          ],
        },
      });
      expect(posted.manifest.output).toEqual([]);
    });

    it('refuses malformed kick-offs with 400 and an OperationOutcome', async () => {
      const bad = [
        `${base}/$export?_outputFormat=text/csv`,
        `${base}/$export?_type=Medication`,
        `${base}/$export?_since=2026-11-01`,
        `${base}/$export?_since=2026-11-02T00:00:00Z&_until=2026-11-01T00:00:00Z`,
        `${base}/$export?_elements=name.given`,
        `${base}/$export?_elements=Medication.code`,
        `${base}/$export?includeAssociatedData=LatestProvenanceResources`,
        `${base}/$export?_typeFilter=${encodeURIComponent('Patient?name=An')}`,
        `${base}/$export?_typeFilter=${encodeURIComponent('DiagnosticReport?patient=Patient/x')}`,
        `${base}/$export?_typeFilter=${encodeURIComponent('DiagnosticReport?code=nosystem')}`,
        `${base}/$export?_type=Patient&_typeFilter=${encodeURIComponent('DiagnosticReport?status=final')}`,
        `${base}/$export?_deidentify=maybe`,
      ];
      for (const url of bad) {
        const r = await kickOff(url, keyA);
        const body = (await r.json()) as { resourceType: string };
        expect(r.status, url).toBe(400);
        expect(body.resourceType).toBe('OperationOutcome');
      }
      expect(
        (await kickOff(`${base}/$export`, keyA, { headers: { prefer: 'handling=strict' } })).status,
      ).toBe(400);
      const posted = await kickOff(`${base}/$export`, keyA, {
        method: 'POST',
        body: { resourceType: 'Patient' },
      });
      expect(posted.status).toBe(400);
      // Not configured here: de-identified exports are refused, never run identified.
      expect((await kickOff(`${base}/$export?_deidentify=true`, keyA)).status).toBe(400);
      // Lenient handling leaves an unsupported parameter out.
      const lenient = await kickOff(
        `${base}/$export?_type=Patient&includeAssociatedData=LatestProvenanceResources`,
        keyA,
        {
          headers: { prefer: 'respond-async, handling=lenient' },
        },
      );
      await waitForManifest(await statusUrlOf(lenient), keyA);
    });

    it("answers 403 without the export scope, 401 without a key, 404 for another credential's job", async () => {
      expect((await kickOff(`${base}/$export`, readOnlyKey)).status).toBe(403);
      const statusUrl = await statusUrlOf(await kickOff(`${base}/$export?_type=Patient`, keyA));
      const { manifest } = await waitForManifest(statusUrl, keyA);
      expect((await fetch(statusUrl, { headers: { authorization: `Bearer ${readOnlyKey}` } })).status).toBe(
        403,
      );
      expect((await fetch(statusUrl)).status).toBe(401);
      expect((await fetch(statusUrl, { headers: { authorization: `Bearer ${keyB}` } })).status).toBe(404);
      const file = manifest.output[0]!.url;
      expect((await fetch(file, { headers: { authorization: `Bearer ${keyB}` } })).status).toBe(404);
      expect((await fetch(file, { headers: { authorization: `Bearer ${readOnlyKey}` } })).status).toBe(403);
      const csv = await fetch(file, { headers: { authorization: `Bearer ${keyA}`, accept: 'text/csv' } });
      expect(csv.status).toBe(406);
      expect((await fetch(`${file}x`, { headers: { authorization: `Bearer ${keyA}` } })).status).toBe(404);
      expect(
        (await fetch(`${base}/$export-status/not-a-job`, { headers: { authorization: `Bearer ${keyA}` } }))
          .status,
      ).toBe(404);
    });

    it('cancels: DELETE answers 202, the files are gone, the status and files then 404', async () => {
      const statusUrl = await statusUrlOf(await kickOff(`${base}/$export`, keyA));
      const { manifest } = await waitForManifest(statusUrl, keyA);
      const job = new URL(statusUrl).pathname.split('/').pop()!;
      expect(existsSync(join(dir, job))).toBe(true);
      const cancelled = await fetch(statusUrl, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${keyA}` },
      });
      expect(cancelled.status).toBe(202);
      expect(existsSync(join(dir, job))).toBe(false);
      expect((await fetch(statusUrl, { headers: { authorization: `Bearer ${keyA}` } })).status).toBe(404);
      expect(
        (await fetch(manifest.output[0]!.url, { headers: { authorization: `Bearer ${keyA}` } })).status,
      ).toBe(404);
      const again = await fetch(statusUrl, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${keyA}` },
      });
      expect(again.status).toBe(404);
      // Cancelled right after the kick-off, queued or running: nothing is left either.
      const early = await statusUrlOf(await kickOff(`${base}/$export`, keyA));
      expect(
        (await fetch(early, { method: 'DELETE', headers: { authorization: `Bearer ${keyA}` } })).status,
      ).toBe(202);
      expect(existsSync(join(dir, new URL(early).pathname.split('/').pop()!))).toBe(false);
      expect((await fetch(early, { headers: { authorization: `Bearer ${keyA}` } })).status).toBe(404);
    });

    it('audits every kick-off, download and cancellation of the facility', async () => {
      const { manifest, statusUrl } = await exportAll(`${base}/$export?_type=Patient`, keyA);
      await download(manifest.output[0]!.url, keyA);
      await fetch(statusUrl, { method: 'DELETE', headers: { authorization: `Bearer ${keyA}` } });
      const job = new URL(statusUrl).pathname.split('/').pop()!;
      const audit = await fetch(`${hub.url}/v1/audit?facility=01001&limit=1000`, {
        headers: { authorization: `Bearer ${ADMIN}` },
      });
      const { items } = (await audit.json()) as { items: { action: string; resourceId: string | null }[] };
      const mine = items.filter((e) => e.resourceId?.startsWith(job));
      expect(mine.map((e) => e.action).sort()).toEqual([
        'fhir-export',
        'fhir-export-cancel',
        'fhir-export-download',
        'fhir-export-download',
      ]);
    });

    it('declares the export operations and instantiates the Bulk Data server CapabilityStatement', async () => {
      const cs = (await (await fetch(`${base}/metadata`)).json()) as CapabilityStatement;
      validateFhir(cs);
      expect(cs.instantiates).toContain('http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data');
      expect(cs.rest?.[0]?.operation?.map((o) => o.definition)).toContain(
        'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export',
      );
      const op = (type: string) => cs.rest?.[0]?.resource?.find((r) => r.type === type)?.operation ?? [];
      expect(op('Patient').map((o) => o.name)).toContain('export');
      expect(op('Group').map((o) => o.definition)).toEqual([
        'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/group-export',
      ]);
    });
  });
}
