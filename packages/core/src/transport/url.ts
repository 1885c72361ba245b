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
  if (searchParams instanceof URLSearchParams) {
    for (const [k, v] of searchParams) url.searchParams.append(k, v);
  } else if (searchParams) {
    for (const [key, value] of Object.entries(searchParams)) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(key, String(v));
    }
  }
  return url;
}
