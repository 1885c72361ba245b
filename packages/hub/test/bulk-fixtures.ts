import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateFhir } from '@lienthong/conformance/fhir';
import { createHubResultExchange } from '@lienthong/hub-api';
import type { Resource } from '@medplum/fhirtypes';
import { expect } from 'vitest';
import type { RunningHub, StartHubOptions } from '../src/server.js';
import type { TestDatabase } from './databases.js';
import { syntheticReport } from './synthetic-report.js';
import { startTestHub } from './test-hub.js';

/** What the bulk export tests share: the administrator key, the identifier systems, the patients. */
export const ADMIN = 'bulk-admin';
export const CCCD = 'http://fhir.ehealth.gov.vn/core/sid/national_id';
export const ICD10 = 'http://hl7.org/fhir/sid/icd-10';
/** SYNTHETIC patients: P1 registered by facility A, P2 by facility B. */
export const P1 = { system: CCCD, value: '001203012345' };
export const P2 = { system: CCCD, value: '079085000071' };

/** Registers a facility and issues a key with `scopes`. */
export async function facilityKey(hubUrl: string, code: string, scopes: string[]): Promise<string> {
  const admin = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' };
  const made = await fetch(`${hubUrl}/v1/facilities`, {
    method: 'POST',
    headers: admin,
    body: JSON.stringify({ code, name: `Bulk ${code} (synthetic)` }),
  });
  expect([201, 409]).toContain(made.status);
  const issued = await fetch(`${hubUrl}/v1/facilities/${code}/credentials`, {
    method: 'POST',
    headers: admin,
    body: JSON.stringify({ scopes }),
  });
  expect(issued.status).toBe(201);
  return ((await issued.json()) as { apiKey: string }).apiKey;
}

/** Publishes `count` SYNTHETIC reports `<prefix>-<n>` of `patient` as the facility of `key`, one a day from 2026-11-01. */
export async function publishReports(
  hubUrl: string,
  key: string,
  prefix: string,
  patient: { system: string; value: string },
  count: number,
): Promise<void> {
  const exchange = createHubResultExchange({ baseUrl: hubUrl, apiKey: key });
  for (let n = 1; n <= count; n++)
    await exchange.publish(
      syntheticReport(`${prefix}-${n}`, patient, {
        effectiveAt: `2026-11-${String(n).padStart(2, '0')}T08:00:00+07:00`,
      }) as never,
    );
}

/** Every line of an export passes Medplum's validator; answers how many were checked. */
export function validateAll(resources: Map<string, Resource[]>): number {
  let checked = 0;
  for (const list of resources.values())
    for (const r of list) {
      validateFhir(r as never);
      checked++;
    }
  return checked;
}

/** A hub serving exports, and the keys of its three SYNTHETIC facilities. */
export interface BulkHub {
  hub: RunningHub;
  /** Where its export files go (a temp dir, removed by `close`). */
  dir: string;
  /** Its FHIR facade's base URL. */
  base: string;
  /** Facilities 01001 (A) and 01002 (B): read, write, export. */
  keyA: string;
  keyB: string;
  /** Facility 01003: read and write, no export scope. */
  readOnlyKey: string;
  /** Stops the hub, drops its database, deletes its export files. */
  close(): Promise<void>;
}

/** Starts a hub on `database` with exports (`exports`, in a new temp dir) and `options`, and issues the facilities' keys. */
export async function startBulkHub(
  database: TestDatabase,
  exports: Omit<Exclude<StartHubOptions['exports'], false | undefined>, 'directory'>,
  options: Omit<StartHubOptions, 'database' | 'port' | 'exports' | 'adminKey' | 'rateLimit'> = {},
): Promise<BulkHub> {
  const dir = mkdtempSync(join(tmpdir(), 'lienthong-bulk-'));
  const hub = await startTestHub(database, {
    adminKey: ADMIN,
    rateLimit: false,
    exports: { directory: dir, ...exports },
    ...options,
  });
  return {
    hub,
    dir,
    base: `${hub.url}/fhir`,
    keyA: await facilityKey(hub.url, '01001', ['read', 'write', 'export']),
    keyB: await facilityKey(hub.url, '01002', ['read', 'write', 'export']),
    readOnlyKey: await facilityKey(hub.url, '01003', ['read', 'write']),
    async close() {
      await hub.close();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
