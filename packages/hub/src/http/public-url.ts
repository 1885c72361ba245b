import { ValidationError } from '@lienthong/core';

/** The base URL links use when none is configured: `startHub`'s default listening address. */
export const DEFAULT_PUBLIC_URL = 'http://127.0.0.1:8080';

/**
 * The hub's public base URL as links start with it: an absolute `http(s)` URL, a path prefix kept
 * (`https://gateway.example.vn/lienthong`), without a trailing slash, query, fragment or
 * credentials. Links are never built from request headers (`Host`, `X-Forwarded-*`, `Forwarded`).
 */
export function normalizePublicUrl(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (
    !url ||
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    url.search !== '' ||
    url.hash !== '' ||
    url.username !== '' ||
    url.password !== '' ||
    value.includes('?') ||
    value.includes('#')
  ) {
    throw new ValidationError({
      code: 'HUB_PUBLIC_URL_INVALID',
      message: `The public URL must be an absolute http(s) URL without query, fragment or credentials (got ${JSON.stringify(value)}).`,
      messageVi: `URL công khai phải là URL http(s) tuyệt đối, không có query, fragment hay thông tin đăng nhập (nhận được ${JSON.stringify(value)}).`,
      path: 'publicUrl',
    });
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}
