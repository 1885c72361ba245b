import { AuthError } from '../errors/lienthong-error.js';

/**
 * Supplies the `Authorization` header of a transport. Implement it for your own scheme (API key,
 * signed JWT, mTLS-bound token) and pass it as `createTransport({ auth })`.
 */
export interface AuthProvider {
  /** The header value to send, e.g. `Bearer eyJ…`. Concurrent callers may share one refresh. */
  authorization(signal?: AbortSignal): Promise<string>;
  /**
   * Called once when the server answered 401 to a request sent with `rejected`. Return true if a
   * fresh credential may now be obtained, so the transport retries that request once.
   */
  invalidate?(rejected: string): boolean;
}

/**
 * A fixed or caller-supplied bearer token.
 * @example createTransport({ baseUrl, auth: bearerAuth(process.env.HUB_TOKEN!) })
 * @example bearerAuth(async () => session.accessToken) // asked again after a 401
 */
export function bearerAuth(token: string | (() => string | Promise<string>)): AuthProvider {
  return {
    async authorization() {
      return `Bearer ${typeof token === 'string' ? token : await token()}`;
    },
    invalidate: () => typeof token === 'function',
  };
}

/** Settings of the OAuth 2.0 client-credentials grant (RFC 6749 §4.4). */
export interface ClientCredentialsOptions {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
  /** Send the client credentials in the body instead of HTTP Basic. */
  credentialsInBody?: boolean;
  /** Refresh this many seconds before `expires_in` runs out (default 30). */
  refreshSkewSeconds?: number;
  fetch?: typeof globalThis.fetch;
  /** Clock in ms, for tests. */
  now?: () => number;
}

interface CachedToken {
  header: string;
  expiresAt: number;
}

function tokenError(
  code: string,
  message: string,
  messageVi: string,
  cause?: unknown,
  status?: number,
): AuthError {
  return new AuthError({
    code,
    message,
    messageVi,
    ...(status === undefined ? {} : { status, details: { status } }),
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * OAuth 2.0 client credentials with single-flight refresh: however many requests need a token at
 * once, one token request is sent and all of them wait for it. The secret never appears in errors.
 */
export function clientCredentialsAuth(options: ClientCredentialsOptions): AuthProvider {
  const now = options.now ?? Date.now;
  const skewMs = (options.refreshSkewSeconds ?? 30) * 1000;
  let cached: CachedToken | undefined;
  let pending: Promise<CachedToken> | undefined;

  async function requestToken(): Promise<CachedToken> {
    const body = new URLSearchParams({ grant_type: 'client_credentials' });
    if (options.scope) body.set('scope', options.scope);
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    if (options.credentialsInBody) {
      body.set('client_id', options.clientId);
      body.set('client_secret', options.clientSecret);
    } else {
      const basic = `${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`;
      headers.authorization = `Basic ${btoa(basic)}`;
    }
    const doFetch = options.fetch ?? globalThis.fetch;
    let response: Response;
    try {
      response = await doFetch(options.tokenUrl, { method: 'POST', headers, body });
    } catch (cause) {
      throw tokenError(
        'AUTH_TOKEN_ENDPOINT_UNREACHABLE',
        'The OAuth2 token endpoint could not be reached.',
        'Không kết nối được máy chủ cấp token OAuth2.',
        cause,
      );
    }
    if (!response.ok) {
      throw tokenError(
        'AUTH_TOKEN_REJECTED',
        `The OAuth2 token endpoint refused the client credentials (HTTP ${response.status}).`,
        `Máy chủ cấp token OAuth2 từ chối thông tin xác thực (HTTP ${response.status}).`,
        undefined,
        response.status,
      );
    }
    let json: { access_token?: unknown; token_type?: unknown; expires_in?: unknown };
    try {
      json = (await response.json()) as typeof json;
    } catch (cause) {
      throw tokenError(
        'AUTH_TOKEN_RESPONSE_INVALID',
        'The token endpoint answered with invalid JSON.',
        'Máy chủ cấp token trả về JSON không hợp lệ.',
        cause,
      );
    }
    if (typeof json.access_token !== 'string' || json.access_token === '') {
      throw tokenError(
        'AUTH_TOKEN_RESPONSE_INVALID',
        'The token endpoint answered without an access_token.',
        'Máy chủ cấp token không trả về access_token.',
      );
    }
    const expiresIn = typeof json.expires_in === 'number' ? json.expires_in : Number(json.expires_in ?? 300);
    return {
      header: `Bearer ${json.access_token}`,
      expiresAt: now() + (Number.isFinite(expiresIn) ? expiresIn : 300) * 1000 - skewMs,
    };
  }

  return {
    async authorization() {
      if (cached && cached.expiresAt > now()) return cached.header;
      pending ??= requestToken().finally(() => {
        pending = undefined;
      });
      cached = await pending;
      return cached.header;
    },
    invalidate(rejected) {
      if (cached?.header === rejected) cached = undefined;
      return true;
    },
  };
}
