import {
  describeImagingRegistryConformance,
  describePatientDirectoryConformance,
  describeResultExchangeConformance,
  describeVisitHistoryConformance,
} from '@lienthong/conformance';
import {
  createHubImagingRegistry,
  createHubPatientDirectory,
  createHubResultExchange,
  createHubVisitHistory,
} from '@lienthong/hub-api';
import { afterAll, beforeAll, describe } from 'vitest';
import type { RunningHub } from '../src/server.js';
import type { MakeDatabase, TestDatabase } from './databases.js';
import { startTestHub } from './test-hub.js';

/**
 * The hub providers of `@lienthong/hub-api` must pass the same conformance suites as every other
 * provider, against a real hub on loopback, on each storage dialect.
 */
export function describeHubProviderConformance(dialect: string, makeDatabase: MakeDatabase): void {
  describe(`hub providers on ${dialect}`, () => {
    let database: TestDatabase;
    let hub: RunningHub;
    let apiKey: string;
    beforeAll(async () => {
      database = await makeDatabase();
      // The suites publish records of several (synthetic) facilities: an administrator credential
      // may publish on behalf of the facility a record names (facility keys may not — see the
      // security tests).
      apiKey = 'conformance-admin-key';
      hub = await startTestHub(database, { rateLimit: false, adminKey: apiKey });
    });
    afterAll(async () => {
      await hub?.close();
      await database?.drop();
    });
    const options = () => ({ baseUrl: hub.url, apiKey, retry: false as const, pageSize: 2 });
    describePatientDirectoryConformance(`hub (${dialect})`, () => createHubPatientDirectory(options()));
    describeResultExchangeConformance(`hub (${dialect})`, () => createHubResultExchange(options()));
    describeImagingRegistryConformance(`hub (${dialect})`, () => createHubImagingRegistry(options()));
    describeVisitHistoryConformance(`hub (${dialect})`, () => createHubVisitHistory(options()));
  });
}
