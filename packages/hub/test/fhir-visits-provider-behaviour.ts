import { describeVisitHistoryConformance, visitHistoryFixtures } from '@lienthong/conformance';
import { bearerAuth } from '@lienthong/core';
import { readOnly } from '@lienthong/core/contract';
import type { Visit } from '@lienthong/visits';
import { createFhirVisitHistory, FHIR_VISIT_KEY_SYSTEM } from '@lienthong/visits/fhir';
import { visitKey } from '@lienthong/visits/provider-kit';
import type { Bundle, Encounter, OperationOutcome, Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningHub } from '../src/server.js';
import type { MakeDatabase, TestDatabase } from './databases.js';
import { startTestHub } from './test-hub.js';

const ADMIN = 'fhir-visits-provider-admin';
/** The facility that reads (another facility's visits, for treatment). */
const READER = 'SYN03';

/**
 * The SDK's `fhir` visit history, read-only, against the hub's FHIR facade: the conformance
 * suite's visits (SYNTHETIC, from two facilities) are published through the hub API, then read by
 * a third facility through `/fhir` — `Encounter?subject:identifier=`, the visit key, `_history`,
 * the resources of each version by `encounter`/`context` — and the provider must give back exactly
 * what was published, as it does from any FHIR server. Beside the suite: what the facade answers
 * such a client (versions, the several-patients refusal, `POST Patient/$summary`).
 */
export function describeFhirVisitsProvider(dialect: string, makeDatabase: MakeDatabase): void {
  describe(`fhir visit history on the hub facade (${dialect})`, () => {
    const run = `fvp${Date.now().toString(36)}`;
    const fixtures = visitHistoryFixtures(run);
    let database: TestDatabase;
    let hub: RunningHub;
    const keys: Record<string, string> = {};

    const history = () =>
      readOnly(
        createFhirVisitHistory({
          baseUrl: `${hub.url}/fhir`,
          transportOptions: {
            auth: bearerAuth(keys[READER]!),
            retry: 0,
            headers: { 'x-purpose-of-use': 'TREAT' },
          },
        }),
        ['publish'],
        { name: 'hub FHIR facade' },
      );
    const get = async (path: string, init: RequestInit = {}) => {
      const r = await fetch(`${hub.url}/fhir/${path}`, {
        ...init,
        headers: { authorization: `Bearer ${keys[READER]}`, ...(init.headers ?? {}) },
      });
      return { status: r.status, body: (await r.json()) as Resource };
    };
    const publish = async (v: Visit) => {
      const r = await fetch(`${hub.url}/v1/visits`, {
        method: 'POST',
        headers: { authorization: `Bearer ${keys[v.facility!]}`, 'content-type': 'application/json' },
        body: JSON.stringify(v),
      });
      expect(r.status, await r.text()).toBeLessThan(300);
    };

    beforeAll(async () => {
      database = await makeDatabase();
      hub = await startTestHub(database, { adminKey: ADMIN, rateLimit: false });
      for (const code of ['SYN01', 'SYN02', READER]) {
        const answer = await fetch(`${hub.url}/v1/facilities`, {
          method: 'POST',
          headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ code, name: `Bệnh viện ${code} (synthetic)` }),
        });
        keys[code] = ((await answer.json()) as { credential: { apiKey: string } }).credential.apiKey;
      }
      for (const v of fixtures.publish) await publish(v);
    });
    afterAll(async () => {
      await hub?.close();
      await database?.drop();
    });

    describeVisitHistoryConformance(`fhir provider on the hub facade (${dialect})`, () => history(), {
      options: { seed: fixtures },
    });

    it('serves a corrected visit as one Encounter: searches answer the current version, _history both', async () => {
      const { original, correction } = fixtures.corrected;
      const key = visitKey(original);
      const found = await get(
        `Encounter?identifier=${encodeURIComponent(`${FHIR_VISIT_KEY_SYSTEM}|${key}`)}`,
      );
      const [current] = ((found.body as Bundle).entry ?? []).map((e) => e.resource as Encounter);
      expect((found.body as Bundle).entry).toHaveLength(1);
      expect(current?.meta?.versionId).toBe('2');
      const versions = await get(`Encounter/${current!.id}/_history`);
      expect((versions.body as Bundle).type).toBe('history');
      expect(((versions.body as Bundle).entry ?? []).map((e) => e.resource?.meta?.versionId)).toEqual([
        '2',
        '1',
      ]);
      // Version 1's diagnoses point at version 1; the current ones at the Encounter.
      const old = await get(`Condition?encounter=Encounter/${current!.id}/_history/1`);
      const now = await get(`Condition?encounter=Encounter/${current!.id}`);
      const refs = (b: Resource) =>
        ((b as Bundle).entry ?? []).map(
          (e) => (e.resource as { encounter?: { reference?: string } }).encounter?.reference,
        );
      expect(new Set(refs(old.body))).toEqual(new Set([`Encounter/${current!.id}/_history/1`]));
      expect(new Set(refs(now.body))).toEqual(new Set([`Encounter/${current!.id}`]));
      expect(refs(now.body).length).toBe(refs(old.body).length + 1); // the correction added E11.9
      expect(correction.secondaryDiagnoses.length).toBe(original.secondaryDiagnoses.length + 1);
      expect((await get(`Encounter/${current!.id}/_history/1`)).body).toMatchObject({
        resourceType: 'Encounter',
        meta: { versionId: '1' },
      });
      expect((await get(`Encounter/${current!.id}/_history/3`)).status).toBe(404);
    });

    it('refuses visits of several patients in one search, and identifiers other than the visit key', async () => {
      const { query } = fixtures;
      const ids = [query.old, query.other].map((v) => `Encounter/${v.facility}.${v.id}`);
      const several = await get(`Condition?encounter=${ids.join(',')}`);
      expect(several.status).toBe(400);
      expect((several.body as OperationOutcome).issue?.[0]?.details?.coding?.[0]?.code).toBe(
        'HUB_SEARCH_SEVERAL_PATIENTS',
      );
      expect((await get(`Encounter?identifier=urn:other|${query.old.id}`)).status).toBe(400);
      expect((await get('Condition?encounter=Patient/x')).status).toBe(400);
      const unknown = await get('Condition?encounter=Encounter/SYN01.unknown');
      expect([unknown.body.resourceType, (unknown.body as Bundle).entry ?? []]).toEqual(['Bundle', []]);
    });

    it('answers POST Patient/$summary with the document GET gives; a malformed body is 400', async () => {
      const patient = fixtures.query.patient;
      const byGet = await get(
        `Patient/$summary?identifier=${encodeURIComponent(`${patient.system}|${patient.value}`)}`,
      );
      const byPost = await get('Patient/$summary', {
        method: 'POST',
        headers: { 'content-type': 'application/fhir+json' },
        body: JSON.stringify({
          resourceType: 'Parameters',
          parameter: [{ name: 'identifier', valueIdentifier: patient }],
        }),
      });
      expect(byPost.status).toBe(200);
      const strip = (b: Resource) => {
        const { id: _id, timestamp: _t, identifier: _i, ...rest } = b as Bundle;
        return JSON.stringify(rest)
          .replace(/urn:uuid:[0-9a-f-]+/g, 'urn')
          .replace(/"date":"[^"]+"/g, '');
      };
      expect(strip(byPost.body)).toBe(strip(byGet.body));
      for (const body of [
        '{"resourceType":"Parameters"}',
        '{"resourceType":"Patient"}',
        '{"resourceType":"Parameters","parameter":[{"name":"patient","valueString":"x"}]}',
        '{"resourceType":"Parameters","parameter":[{"name":"identifier","valueIdentifier":{"value":"1"}}]}',
      ]) {
        const r = await get('Patient/$summary', {
          method: 'POST',
          headers: { 'content-type': 'application/fhir+json' },
          body,
        });
        expect([body, r.status]).toEqual([body, 400]);
      }
    });
  });
}
