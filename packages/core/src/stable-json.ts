/**
 * JSON with object keys sorted and `undefined` members left out, so two values with the same
 * content serialise identically whatever their key order — the basis of "same or changed"
 * decisions (idempotent publishes) in every provider.
 * @example stableJson({ b: 1, a: [2, { d: 3, c: undefined }] }) // '{"a":[2,{"d":3}],"b":1}'
 */
export function stableJson(value: unknown): string {
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? 'null' : stableJson(v))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record)
      .filter((k) => record[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(record[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
