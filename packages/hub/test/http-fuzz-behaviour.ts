import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { RunningHub } from '../src/server.js';
import type { MakeDatabase, TestDatabase } from './databases.js';
import { syntheticReport } from './synthetic-report.js';
import { startTestHub } from './test-hub.js';

/**
 * The hub's HTTP surface under generated malformed requests. The targets come from the contracts
 * themselves — every operation of the OpenAPI document and every resource of the FHIR facade's
 * CapabilityStatement — so a route added later is fuzzed without touching this file. For every
 * request: no 5xx, a problem document (or an OperationOutcome under /fhir) for every 4xx, nothing
 * stored when it is refused; and the hub still answers /health at the end.
 */

const ADMIN_KEY = 'fuzz-admin-key-not-secret';
/** A SYNTHETIC identifier system; every value sent under it is made up. */
const MRN = 'urn:synthetic:fuzz:mrn';
/** Requests per property; with `LIENTHONG_FUZZ_RUNS` a longer run can be asked for locally. */
const RUNS = Number(process.env.LIENTHONG_FUZZ_RUNS ?? 150);
/** Each property stops generating after this long, so CI time stays bounded whatever the machine. */
const TIME_LIMIT_MS = Number(process.env.LIENTHONG_FUZZ_TIME_LIMIT_MS ?? 20_000);

interface Operation {
  method: string;
  /** OpenAPI path template: `/v1/lab-reports/{id}`. */
  path: string;
  queryNames: string[];
  hasBody: boolean;
}

/** Every operation of the hub's OpenAPI contract (the repository's own copy). */
function contractOperations(): Operation[] {
  const url = new URL('../../hub-api/openapi.yaml', import.meta.url);
  const document = parseYaml(readFileSync(url, 'utf8')) as {
    paths: Record<string, Record<string, { parameters?: unknown[]; requestBody?: unknown }>>;
    components: { parameters: Record<string, { name: string; in: string }> };
  };
  const resolve = (p: unknown) => {
    const ref = (p as { $ref?: string }).$ref;
    return ref
      ? document.components.parameters[ref.split('/').pop() as string]
      : (p as { name: string; in: string });
  };
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'delete', 'patch'].includes(method)) continue;
      const parameters = (operation.parameters ?? []).map(resolve).filter((p) => p !== undefined);
      operations.push({
        method: method.toUpperCase(),
        path,
        queryNames: parameters.filter((p) => p.in === 'query').map((p) => p.name),
        hasBody: operation.requestBody !== undefined,
      });
    }
  }
  return operations;
}

/** The FHIR facade's searches, reads and type operations, as its CapabilityStatement declares them. */
function facadeOperations(capability: {
  rest: {
    resource: { type: string; searchParam?: { name: string }[]; operation?: { name: string }[] }[];
  }[];
}): Operation[] {
  return capability.rest.flatMap((rest) =>
    rest.resource.flatMap((resource) => [
      {
        method: 'GET',
        path: `/fhir/${resource.type}`,
        queryNames: (resource.searchParam ?? []).map((p) => p.name),
        hasBody: false,
      },
      { method: 'GET', path: `/fhir/${resource.type}/{id}`, queryNames: [], hasBody: false },
      // The statement lists no parameters of an operation: `$summary` takes the patient's identifier.
      ...(resource.operation ?? []).map((o) => ({
        method: 'GET',
        path: `/fhir/${resource.type}/$${o.name}`,
        queryNames: ['identifier'],
        hasBody: false,
      })),
    ]),
  );
}

/** A SYNTHETIC lab report: the base the body mutations start from. */
const validReport = syntheticReport('SYN-FUZZ-1', { system: MRN, value: 'FUZZ-P1' });

/** Strings that have broken parsers before: empty, huge, control characters, lone surrogates, injection. */
const nastyString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    '\u0000',
    '\ud800',
    "' or 1=1 --",
    '../../etc/passwd',
    '%00',
    '%',
    '%E0%A4%A',
    '[]',
    'a|b|c',
    '|',
    'x'.repeat(5_000),
    '9'.repeat(400),
    '-1',
    '0x10',
    '1e999',
    'NaN',
    '2026-13-45',
  ),
);

/** A JSON value, or the valid report with one member replaced, removed or its type changed. */
const bodyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  // Valid as is, under a fresh id: the publishes that succeed (and must store what they say).
  fc.stringMatching(/^SYN-FUZZ-[A-Za-z0-9]{1,12}$/).map((id) => ({ ...validReport, id })),
  fc
    .record({
      path: fc.constantFrom(
        ['id'],
        ['status'],
        ['effectiveAt'],
        ['patient'],
        ['patient', 'identifiers'],
        ['codes'],
        ['observations'],
        ['observations', 0, 'value'],
        ['observations', 0, 'value', 'value'],
        ['performingFacility'],
        ['lab'],
      ),
      value: fc.oneof(fc.jsonValue({ maxDepth: 3 }), nastyString, fc.constant(undefined)),
    })
    .map(({ path, value }) => {
      const copy = structuredClone(validReport) as Record<string | number, unknown>;
      let node = copy;
      for (const step of path.slice(0, -1)) node = (node[step] ?? {}) as Record<string | number, unknown>;
      const last = path[path.length - 1] as string | number;
      if (value === undefined) delete node[last];
      else node[last] = value;
      return copy;
    }),
);

/** The bytes of a body: JSON text, JSON cut short, or arbitrary bytes. */
const bodyBytes = fc.oneof(
  { weight: 3, arbitrary: bodyValue.map((v) => Buffer.from(JSON.stringify(v) ?? 'null')) },
  bodyValue.chain((v) => {
    const text = JSON.stringify(v) ?? 'null';
    return fc.nat({ max: text.length }).map((n) => Buffer.from(text.slice(0, n)));
  }),
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
  // Nesting deep enough to overflow a recursive reader's stack, alone or inside a valid report.
  fc
    .record({ depth: fc.integer({ min: 1, max: 8_000 }), objects: fc.boolean(), inReport: fc.boolean() })
    .map(({ depth, objects, inReport }) => {
      const deep = objects
        ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`
        : `${'['.repeat(depth)}${']'.repeat(depth)}`;
      return Buffer.from(inReport ? `${JSON.stringify(validReport).slice(0, -1)},"extra":${deep}}` : deep);
    }),
);

/** Header values Node's client will send (visible ASCII and spaces), including hostile ones. */
const headerValue = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 }),
  fc.constantFrom('', ' ', 'x'.repeat(5_000)),
);

const mediaType = fc.constantFrom(
  'application/json',
  'application/fhir+json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'text/plain',
  'application/xml',
  'multipart/form-data; boundary=x',
  'application/x-www-form-urlencoded',
  '*/*',
  'json',
  undefined,
);

type KeyKind = 'publisher' | 'reader' | 'admin' | 'none' | 'forged';

/** Every byte of the UTF-8 form outside the unreserved set as `%XX` (lone surrogates become U+FFFD). */
function percentEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out.slice(0, 2_000);
}

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/** One generated request against `operation`: path parameters, query, headers and body all fuzzed. */
function requestFor(operations: Operation[]): fc.Arbitrary<FuzzRequest & { key: KeyKind }> {
  return fc
    .record({
      operation: fc.constantFrom(...operations),
      pathValue: fc.oneof(
        nastyString.map(percentEncode),
        // Sent as is: invalid escapes and invalid UTF-8 a decoder has to refuse.
        fc.constantFrom('%', '%ZZ', '%00', '%E0%A4%A', '%C3%28', '%ED%A0%80', '..%2F..%2Fetc', '.', '..'),
      ),
      query: fc.array(
        fc.tuple(
          fc.oneof(fc.constantFrom('patient', 'code', '_count', 'limit', 'cursor'), nastyString),
          nastyString,
        ),
        { maxLength: 4 },
      ),
      knownQuery: fc.array(nastyString, { maxLength: 3 }),
      key: fc.oneof(
        { weight: 4, arbitrary: fc.constant<KeyKind>('publisher') },
        { weight: 2, arbitrary: fc.constant<KeyKind>('reader') },
        fc.constantFrom<KeyKind>('admin', 'none', 'forged'),
      ),
      contentType: mediaType,
      contentEncoding: fc.constantFrom(undefined, 'identity', 'gzip', 'br', 'x-unknown'),
      idempotencyKey: fc.option(headerValue, { nil: undefined }),
      prefer: fc.option(fc.constantFrom('handling=lenient', 'handling=strict', 'return=minimal', 'x'), {
        nil: undefined,
      }),
      user: fc.option(headerValue, { nil: undefined }),
      body: fc.option(bodyBytes, { nil: undefined }),
    })
    .map((g) => {
      const path = g.operation.path.replace(/\{[^}]+\}/g, () => g.pathValue);
      const search = new URLSearchParams();
      g.knownQuery.forEach((value, i) => {
        const name = g.operation.queryNames[i % Math.max(1, g.operation.queryNames.length)];
        if (name) search.append(name, value);
      });
      for (const [name, value] of g.query) search.append(name, value);
      const headers: Record<string, string> = {};
      if (g.contentType) headers['content-type'] = g.contentType;
      if (g.contentEncoding) headers['content-encoding'] = g.contentEncoding;
      if (g.idempotencyKey !== undefined) headers['idempotency-key'] = g.idempotencyKey;
      if (g.prefer) headers.prefer = g.prefer;
      if (g.user !== undefined) headers['x-user'] = g.user;
      const query = search.toString();
      return {
        method: g.operation.method,
        path: query ? `${path}?${query}` : path,
        headers,
        body: g.operation.hasBody ? (g.body ?? Buffer.alloc(0)) : g.body,
        key: g.key,
      };
    });
}

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

/** Sends `request` as is through node:http (fetch would normalise or refuse some of it). */
function send(hub: RunningHub, request: FuzzRequest): Promise<Answer> {
  const url = new URL(hub.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: request.method,
        path: request.path,
        headers: {
          ...request.headers,
          ...(request.body ? { 'content-length': String(request.body.length) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(request.body);
  });
}

/** What a refusal must look like: a problem document on the JSON API, an OperationOutcome on /fhir. */
function describesItsFailure(path: string, answer: Answer): boolean {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(answer.text) as Record<string, unknown>;
  } catch {
    return false;
  }
  if (path.startsWith('/fhir')) return body.resourceType === 'OperationOutcome' && Array.isArray(body.issue);
  return (
    answer.contentType.startsWith('application/problem+json') &&
    body.status === answer.status &&
    typeof body.code === 'string' &&
    /^[A-Z][A-Z0-9_]*$/.test(body.code) &&
    typeof body.detail === 'string' &&
    typeof body.messageVi === 'string'
  );
}

/** Row counts of every table a request could write, the audit trail aside (reads are audited). */
async function storedRows(hub: RunningHub): Promise<Record<string, number>> {
  const tables = [
    'facilities',
    'credentials',
    'idempotency_keys',
    'patients',
    'patient_identifiers',
    'lab_reports',
    'lab_report_patients',
    'lab_report_codes',
    'imaging_references',
    'imaging_patients',
    'visits',
    'visit_patients',
  ] as const;
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const row = await hub.store.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    counts[table] = Number(row?.n ?? 0);
  }
  return counts;
}

export function describeHubHttpFuzz(dialect: string, makeDatabase: MakeDatabase): void {
  describe(`hub HTTP surface under generated malformed requests on ${dialect}`, () => {
    let database: TestDatabase;
    let hub: RunningHub;
    const keys: Record<KeyKind, string | undefined> = {
      publisher: undefined,
      reader: undefined,
      admin: ADMIN_KEY,
      none: undefined,
      forged: 'lthub_forged0000000000000000000000',
    };
    let operations: Operation[];

    beforeAll(async () => {
      database = await makeDatabase();
      hub = await startTestHub(database, { adminKey: ADMIN_KEY, rateLimit: false });
      const admin = { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' };
      const created = await send(hub, {
        method: 'POST',
        path: '/v1/facilities',
        headers: admin,
        body: Buffer.from(JSON.stringify({ code: '01001', name: 'Bệnh viện A (synthetic)' })),
      });
      expect(created.status).toBe(201);
      keys.publisher = (JSON.parse(created.text) as { credential: { apiKey: string } }).credential.apiKey;
      const reader = await send(hub, {
        method: 'POST',
        path: '/v1/facilities/01001/credentials',
        headers: admin,
        body: Buffer.from(JSON.stringify({ scopes: ['read'] })),
      });
      expect(reader.status).toBe(201);
      keys.reader = (JSON.parse(reader.text) as { apiKey: string }).apiKey;
      const metadata = await send(hub, { method: 'GET', path: '/fhir/metadata', headers: {} });
      expect(metadata.status).toBe(200);
      operations = [...contractOperations(), ...facadeOperations(JSON.parse(metadata.text))];
    });
    afterAll(async () => {
      await hub?.close();
      await database?.drop();
    });

    it('reads every operation from the contracts', () => {
      const routes = operations.map((o) => `${o.method} ${o.path}`);
      expect(routes).toContain('POST /v1/lab-reports');
      expect(routes).toContain('PUT /v1/patients');
      expect(routes).toContain('POST /v1/visits');
      expect(routes).toContain('GET /v1/patients/{identifier}/summary');
      expect(routes).toContain('GET /fhir/Observation');
      expect(routes).toContain('GET /fhir/Encounter');
      expect(routes).toContain('GET /fhir/Patient/$summary');
      expect(routes.length).toBeGreaterThan(25);
    });

    it(
      'answers every generated request below 500, refusals described, nothing stored by a refusal',
      async () => {
        const seen = new Map<number, number>();
        await fc.assert(
          fc.asyncProperty(requestFor(operations), async (generated) => {
            const { key, ...request } = generated;
            const token = keys[key];
            if (token) request.headers.authorization = `Bearer ${token}`;
            const before = await storedRows(hub);
            const answer = await send(hub, request);
            seen.set(answer.status, (seen.get(answer.status) ?? 0) + 1);
            expect(answer.status, `${request.method} ${request.path.slice(0, 200)}`).toBeLessThan(500);
            if (answer.status >= 400) {
              expect(describesItsFailure(request.path, answer), answer.text.slice(0, 300)).toBe(true);
              expect(await storedRows(hub)).toEqual(before);
            }
          }),
          { numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: false },
        );
        // The generators reach past the front door: some requests are accepted, most are refused.
        expect([...seen.keys()].some((s) => s < 300)).toBe(true);
        expect([...seen.keys()].some((s) => s >= 400)).toBe(true);
      },
      TIME_LIMIT_MS + 60_000,
    );

    it('still answers /health after the run', async () => {
      const health = await send(hub, { method: 'GET', path: '/health', headers: {} });
      expect(health.status).toBe(200);
      expect(JSON.parse(health.text)).toMatchObject({ status: 'ok' });
    });
  });
}
