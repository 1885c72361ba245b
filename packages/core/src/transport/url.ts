/** Query values a transport accepts: repeated keys are arrays, `undefined` values are left out. */
export type SearchParamsInit =
  | URLSearchParams
  | Readonly<Record<string, string | number | boolean | undefined | readonly (string | number | boolean)[]>>;

/**
 * Resolves `path` against `baseUrl` the way API users expect: `'Patient'` and `'/Patient'` both
 * land under the base path (`https://h/fhir/Patient`); an absolute URL (a FHIR `next` link) is
 * kept as is.
 */
export function resolveUrl(baseUrl: string, path: string, searchParams?: SearchParamsInit): URL {
  const url = /^[a-z][a-z0-9+.-]*:/i.test(path)
    ? new URL(path)
    : new URL(path.replace(/^\/+/, ''), baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  for (const [k, v] of toSearchParams(searchParams)) url.searchParams.append(k, v);
  return url;
}

/** Query values as `URLSearchParams`: undefined values left out, arrays as repeated keys. */
export function toSearchParams(init: SearchParamsInit = {}): URLSearchParams {
  if (init instanceof URLSearchParams) return new URLSearchParams(init);
  const out = new URLSearchParams();
  for (const [key, value] of Object.entries(init)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) out.append(key, String(v));
  }
  return out;
}
