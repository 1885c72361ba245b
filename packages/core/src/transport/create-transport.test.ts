import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { sendJson, startLoopbackServer } from '../../test/loopback-server.js';
import {
  AuthError,
  ConflictError,
  isLienThongError,
  NotFoundError,
  TransportError,
  ValidationError,
} from '../errors/lienthong-error.js';
import { toOperationOutcome } from '../errors/operation-outcome.js';
import { bearerAuth, clientCredentialsAuth } from './auth.js';
import { createTransport, type TransportEvent } from './create-transport.js';

type Server = Awaited<ReturnType<typeof startLoopbackServer>>;
const servers: Server[] = [];
async function serve(handler: Parameters<typeof startLoopbackServer>[0]) {
  const s = await startLoopbackServer(handler);
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const fast = { backoffMs: 10, limit: 2 };

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

describe('createTransport — requests and answers', () => {
  it('sends JSON, query parameters, headers and a unique X-Request-ID; parses the answer with a schema', async () => {
    const s = await serve((req, res) =>
      sendJson(res, 200, { echo: JSON.parse(req.body || 'null'), url: req.url }),
    );
    const t = createTransport({ baseUrl: `${s.url}/api/v1`, headers: { 'x-vendor': 'A' } });
    const schema = z.object({ echo: z.object({ a: z.number() }), url: z.string() });
    const answer = await t.post('reports', {
      json: { a: 1 },
      schema,
      searchParams: { code: ['1', '2'], skip: undefined },
    });
    expect(answer).toEqual({ echo: { a: 1 }, url: '/api/v1/reports?code=1&code=2' });
    await t.get('/reports');
    const [first, second] = s.requests;
    expect(first!.headers['content-type']).toMatch(/application\/json/);
    expect(first!.headers['x-vendor']).toBe('A');
    expect(first!.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(second!.headers['x-request-id']).not.toBe(first!.headers['x-request-id']);
    expect(second!.url).toBe('/api/v1/reports');
  });

  it('returns undefined for an empty body and supports put/patch/delete', async () => {
    const s = await serve((req, res) => {
      res.statusCode = req.method === 'DELETE' ? 204 : 200;
      res.end(req.method === 'DELETE' ? '' : JSON.stringify({ m: req.method }));
    });
    const t = createTransport({ baseUrl: s.url });
    expect(await t.delete('x')).toBeUndefined();
    expect(await t.put('x', { json: {} })).toEqual({ m: 'PUT' });
    expect(await t.patch('x', { json: {} })).toEqual({ m: 'PATCH' });
    expect(await t.request('GET', 'x')).toEqual({ m: 'GET' });
  });

  it('maps a schema mismatch to a ValidationError with the field path', async () => {
    const s = await serve((_req, res) => sendJson(res, 200, { items: [{ id: 1 }, { id: 'two' }] }));
    const t = createTransport({ baseUrl: s.url });
    const error = await failure(
      t.get('list', { schema: z.object({ items: z.array(z.object({ id: z.number() })) }) }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe('TRANSPORT_RESPONSE_INVALID');
    expect((error as ValidationError).path).toBe('items[1].id');
  });

  it('maps a body that is not JSON to TRANSPORT_BODY_INVALID', async () => {
    const s = await serve((_req, res) => res.end('<html>gateway</html>'));
    const error = await failure(createTransport({ baseUrl: s.url }).get('x'));
    expect(error).toMatchObject({ code: 'TRANSPORT_BODY_INVALID', status: 200, method: 'GET' });
  });

  it('returns the raw response for binary answers', async () => {
    const s = await serve((req, res) => {
      res.setHeader('content-type', req.headers.accept ?? '');
      res.end(Buffer.from([1, 2, 3]));
    });
    const response = await createTransport({ baseUrl: s.url }).fetchResponse('GET', 'img', {
      accept: 'image/png',
    });
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('extend() replaces options and merges headers', async () => {
    const s = await serve((req, res) => sendJson(res, 200, { a: req.headers['x-a'], b: req.headers['x-b'] }));
    const t = createTransport({ baseUrl: s.url, headers: { 'x-a': '1' } }).extend({
      headers: { 'x-b': '2' },
    });
    expect(await t.get('x')).toEqual({ a: '1', b: '2' });
  });
});

describe('createTransport — error mapping', () => {
  const outcome = (status: number, error: Parameters<typeof toOperationOutcome>[0]) =>
    serve((_req, res) =>
      sendJson(res, status, toOperationOutcome(error), { 'content-type': 'application/fhir+json' }),
    );

  it('turns a FHIR OperationOutcome into a readable error with the server code and path', async () => {
    const s = await outcome(
      422,
      new ValidationError({
        code: 'XML4_FIELD_TOO_LONG',
        message: 'MA_CHI_SO is too long',
        messageVi: 'MA_CHI_SO quá dài',
        path: 'CHI_TIET_CLS[3].MA_CHI_SO',
      }),
    );
    const error = await failure(createTransport({ baseUrl: s.url }).post('Observation', { json: {} }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({
      code: 'XML4_FIELD_TOO_LONG',
      messageVi: 'MA_CHI_SO quá dài',
      path: 'CHI_TIET_CLS[3].MA_CHI_SO',
    });
  });

  it('reads problem documents and masks identifiers the server echoes', async () => {
    const s = await serve((_req, res) =>
      sendJson(res, 409, {
        title: 'Conflict',
        detail: 'Patient 001203012345 already exists',
        code: 'PATIENT_DUPLICATE',
        messageVi: 'Bệnh nhân 001203012345 đã tồn tại',
      }),
    );
    const error = await failure(createTransport({ baseUrl: s.url }).post('patients', { json: {} }));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({
      code: 'PATIENT_DUPLICATE',
      message: 'Patient 001*******45 already exists',
      messageVi: 'Bệnh nhân 001*******45 đã tồn tại',
    });
  });

  it('keeps the issues of a problem document', async () => {
    const s = await serve((_req, res) =>
      sendJson(res, 400, {
        title: 'Bad',
        code: 'LAB_REPORT_INVALID',
        issues: [{ path: 'observations[0].code', code: 'X', message: 'm', messageVi: 'v' }, 'junk'],
      }),
    );
    const error = (await failure(
      createTransport({ baseUrl: s.url }).post('r', { json: {} }),
    )) as ValidationError;
    expect(error.issues).toEqual([{ path: 'observations[0].code', code: 'X', message: 'm', messageVi: 'v' }]);
  });

  it.each([
    [400, ValidationError, 'HTTP_BAD_REQUEST'],
    [401, AuthError, 'AUTH_UNAUTHORIZED'],
    [403, AuthError, 'AUTH_FORBIDDEN'],
    [404, NotFoundError, 'NOT_FOUND'],
    [409, ConflictError, 'CONFLICT'],
    [418, TransportError, 'HTTP_418'],
    [501, TransportError, 'TRANSPORT_SERVER_ERROR'],
  ] as const)('summarises a bare HTTP %i without dumping the body', async (status, cls, code) => {
    const s = await serve((_req, res) => {
      res.statusCode = status;
      res.end('stack trace with secrets 001203012345');
    });
    const error = await failure(
      createTransport({ baseUrl: s.url, retry: false }).get('Patient', {
        searchParams: { identifier: 'x|001203012345' },
      }),
    );
    expect(error).toBeInstanceOf(cls);
    expect((error as unknown as { code: string }).code).toBe(code);
    expect(error.message).not.toContain('secrets');
    expect(error.message).not.toContain('001203012345');
    expect(error.message).toContain('identifier=***');
  });

  it('maps timeouts, refused connections and aborts', async () => {
    const slow = await serve(() => {
      /* never answers */
    });
    const timeout = await failure(
      createTransport({ baseUrl: slow.url, timeoutMs: 100, retry: false }).get('x'),
    );
    expect(timeout).toMatchObject({ code: 'TRANSPORT_TIMEOUT', retryable: true });

    const closed = await serve(() => {});
    const url = closed.url;
    await closed.close();
    const refused = await failure(createTransport({ baseUrl: url, retry: false }).get('x'));
    expect(refused).toMatchObject({ code: 'TRANSPORT_NETWORK', retryable: true });

    const controller = new AbortController();
    const pending = createTransport({ baseUrl: slow.url, retry: false }).get('x', {
      signal: controller.signal,
    });
    controller.abort();
    expect(await failure(pending)).toMatchObject({ code: 'OPERATION_ABORTED', retryable: false });
  });

  it('rejects a path that cannot form a URL', async () => {
    const error = await failure(createTransport({ baseUrl: 'http://127.0.0.1:1' }).get('http://[bad'));
    expect(error).toMatchObject({ code: 'TRANSPORT_URL_INVALID' });
  });
});

describe('createTransport — retries', () => {
  it('retries 503 for GET and honours Retry-After', async () => {
    let calls = 0;
    const s = await serve((_req, res) => {
      calls++;
      if (calls === 1) sendJson(res, 503, {}, { 'retry-after': '1' });
      else sendJson(res, 200, { ok: true });
    });
    const events: TransportEvent[] = [];
    const started = Date.now();
    const answer = await createTransport({ baseUrl: s.url, retry: fast, onEvent: (e) => events.push(e) }).get(
      'x',
    );
    expect(answer).toEqual({ ok: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(calls).toBe(2);
    expect(events.map((e) => e.type)).toEqual(['request', 'retry', 'response']);
  });

  it('retries 429, 500, 502, 504 and 408 with backoff, up to the limit', async () => {
    for (const status of [408, 429, 500, 502, 504]) {
      let calls = 0;
      const s = await serve((_req, res) => {
        calls++;
        sendJson(res, status, {});
      });
      const error = await failure(createTransport({ baseUrl: s.url, retry: fast }).get('x'));
      expect(error).toMatchObject({ status, retryable: true });
      expect(calls).toBe(3);
    }
  });

  it('does not retry a POST without an idempotency key, but does with one', async () => {
    let calls = 0;
    const s = await serve((req, res) => {
      calls++;
      if (calls % 2 === 1) sendJson(res, 503, {});
      else sendJson(res, 201, { key: req.headers['idempotency-key'] });
    });
    const t = createTransport({ baseUrl: s.url, retry: fast });
    await failure(t.post('reports', { json: {} }));
    expect(calls).toBe(1);
    calls = 0;
    expect(await t.post('reports', { json: {}, idempotencyKey: 'k-1' })).toEqual({ key: 'k-1' });
    expect(calls).toBe(2);
  });

  it('does not retry 4xx errors other than 408/429', async () => {
    let calls = 0;
    const s = await serve((_req, res) => {
      calls++;
      sendJson(res, 400, {});
    });
    await failure(createTransport({ baseUrl: s.url, retry: fast }).get('x'));
    expect(calls).toBe(1);
  });
});

describe('createTransport — authentication', () => {
  function tokenServer(opts: { expiresIn?: number } = {}) {
    let issued = 0;
    let valid = new Set<string>();
    return {
      issuedCount: () => issued,
      revokeAll: () => {
        valid = new Set();
      },
      handler: async (
        req: { method: string; url: string; headers: Record<string, unknown>; body: string },
        res: import('node:http').ServerResponse,
      ) => {
        if (req.url === '/oauth/token') {
          const params = new URLSearchParams(req.body);
          const basic = Buffer.from(
            String(req.headers.authorization).replace('Basic ', ''),
            'base64',
          ).toString();
          if (params.get('grant_type') !== 'client_credentials' || basic !== 'vendor-a:s3cret')
            return sendJson(res, 401, { error: 'invalid_client' });
          await new Promise((r) => setTimeout(r, 30)); // a slow token endpoint makes the single flight visible
          issued++;
          const token = `tok-${issued}`;
          valid.add(token);
          return sendJson(res, 200, {
            access_token: token,
            token_type: 'Bearer',
            expires_in: opts.expiresIn ?? 3600,
          });
        }
        const token = String(req.headers.authorization ?? '').replace('Bearer ', '');
        if (!valid.has(token))
          return sendJson(res, 401, { title: 'Unauthorized', code: 'AUTH_TOKEN_EXPIRED' });
        return sendJson(res, 200, { token });
      },
    };
  }

  it('sends one token request for 20 concurrent requests (single flight)', async () => {
    const ts = tokenServer();
    const s = await serve(ts.handler);
    const t = createTransport({
      baseUrl: s.url,
      auth: clientCredentialsAuth({
        tokenUrl: `${s.url}/oauth/token`,
        clientId: 'vendor-a',
        clientSecret: 's3cret',
        scope: 'results.read',
      }),
    });
    const answers = await Promise.all(Array.from({ length: 20 }, () => t.get('data')));
    expect(ts.issuedCount()).toBe(1);
    expect(new Set(answers.map((a) => (a as { token: string }).token))).toEqual(new Set(['tok-1']));
    expect(new URLSearchParams(s.requests[0]!.body).get('scope')).toBe('results.read');
  });

  it('refreshes once on 401 and retries the request once (bounded)', async () => {
    const ts = tokenServer();
    const s = await serve(ts.handler);
    const t = createTransport({
      baseUrl: s.url,
      auth: clientCredentialsAuth({
        tokenUrl: `${s.url}/oauth/token`,
        clientId: 'vendor-a',
        clientSecret: 's3cret',
      }),
    });
    await t.get('data');
    ts.revokeAll(); // the server forgets the token (restart, revocation)
    const concurrent = await Promise.all(Array.from({ length: 20 }, () => t.get('data')));
    expect(concurrent.every((a) => (a as { token: string }).token === 'tok-2')).toBe(true);
    expect(ts.issuedCount()).toBe(2);

    // A server that rejects every token: exactly one refresh + one retry, then an AuthError.
    const always = await serve((req, res) =>
      req.url === '/oauth/token'
        ? sendJson(res, 200, { access_token: 'x', expires_in: 60 })
        : sendJson(res, 401, {}),
    );
    const t2 = createTransport({
      baseUrl: always.url,
      auth: clientCredentialsAuth({
        tokenUrl: `${always.url}/oauth/token`,
        clientId: 'a',
        clientSecret: 'b',
      }),
    });
    const error = await failure(t2.get('data'));
    expect(error).toBeInstanceOf(AuthError);
    expect(always.requests.filter((r) => r.url === '/data')).toHaveLength(2);
    expect(always.requests.filter((r) => r.url === '/oauth/token')).toHaveLength(2);
  });

  it('refreshes before expiry and sends credentials in the body when asked', async () => {
    const s = await serve((req, res) => {
      if (req.url === '/token')
        return sendJson(res, 200, { access_token: `t${s.requests.length}`, expires_in: '40' });
      sendJson(res, 200, { auth: req.headers.authorization });
    });
    let now = 1_000_000;
    const auth = clientCredentialsAuth({
      tokenUrl: `${s.url}/token`,
      clientId: 'id',
      clientSecret: 'sec',
      credentialsInBody: true,
      refreshSkewSeconds: 30,
      now: () => now,
    });
    const t = createTransport({ baseUrl: s.url, auth });
    await t.get('a');
    now += 5_000;
    await t.get('a');
    now += 6_000; // 11 s > 40 s − 30 s skew
    await t.get('a');
    const tokenRequests = s.requests.filter((r) => r.url === '/token');
    expect(tokenRequests).toHaveLength(2);
    expect(new URLSearchParams(tokenRequests[0]!.body).get('client_secret')).toBe('sec');
  });

  it('reports token endpoint failures without the secret', async () => {
    const s = await serve((req, res) =>
      req.url === '/bad-json'
        ? res.end('nope')
        : req.url === '/no-token'
          ? sendJson(res, 200, {})
          : sendJson(res, 401, { error: 'invalid_client' }),
    );
    for (const [path, code] of [
      ['/token', 'AUTH_TOKEN_REJECTED'],
      ['/bad-json', 'AUTH_TOKEN_RESPONSE_INVALID'],
      ['/no-token', 'AUTH_TOKEN_RESPONSE_INVALID'],
    ] as const) {
      const t = createTransport({
        baseUrl: s.url,
        auth: clientCredentialsAuth({
          tokenUrl: `${s.url}${path}`,
          clientId: 'id',
          clientSecret: 'TOPSECRET',
        }),
      });
      const error = await failure(t.get('x'));
      expect(error).toMatchObject({ code });
      expect(JSON.stringify((error as AuthError).toJSON()) + error.message).not.toContain('TOPSECRET');
    }
    const down = createTransport({
      baseUrl: s.url,
      auth: clientCredentialsAuth({
        tokenUrl: 'http://127.0.0.1:1/token',
        clientId: 'id',
        clientSecret: 'x',
      }),
    });
    expect(await failure(down.get('x'))).toMatchObject({ code: 'AUTH_TOKEN_ENDPOINT_UNREACHABLE' });
  });

  it('bearer auth: a static token is not retried, a function token is asked again after 401', async () => {
    let accept = 'b';
    const s = await serve((req, res) =>
      req.headers.authorization === `Bearer ${accept}` ? sendJson(res, 200, {}) : sendJson(res, 401, {}),
    );
    const staticT = createTransport({ baseUrl: s.url, auth: bearerAuth('a') });
    expect(await failure(staticT.get('x'))).toBeInstanceOf(AuthError);
    expect(s.requests).toHaveLength(1);
    let n = 0;
    const dynamic = createTransport({ baseUrl: s.url, auth: bearerAuth(() => (n++ === 0 ? 'stale' : 'b')) });
    accept = 'b';
    expect(await dynamic.get('x')).toEqual({});
    expect(s.requests).toHaveLength(3);
  });

  it('never sends credentials to another origin (a next link elsewhere)', async () => {
    const other = await serve((req, res) => sendJson(res, 200, { auth: req.headers.authorization ?? null }));
    const home = await serve((_req, res) => sendJson(res, 200, {}));
    const t = createTransport({ baseUrl: home.url, auth: bearerAuth('secret-token') });
    expect(await t.get(`${other.url}/page2`)).toEqual({ auth: null });
  });
});

describe('createTransport — privacy of events and errors', () => {
  it('events carry redacted URLs only', async () => {
    const s = await serve((_req, res) => sendJson(res, 404, {}));
    const events: TransportEvent[] = [];
    const t = createTransport({
      baseUrl: s.url.replace('http://', 'http://user:pw@'),
      onEvent: (e) => events.push(e),
      retry: false,
    });
    const error = await failure(t.get('Patient/001203012345', { searchParams: { name: 'Nguyễn Văn A' } }));
    expect(isLienThongError(error)).toBe(true);
    const text = JSON.stringify(events) + error.message + JSON.stringify((error as NotFoundError).toJSON());
    expect(text).not.toContain('001203012345');
    expect(text).not.toContain('Nguy');
    expect(text).not.toContain('pw@');
    expect(text).toContain('001*******45');
    expect(events.map((e) => e.type)).toEqual(['request', 'error']);
  });
});
