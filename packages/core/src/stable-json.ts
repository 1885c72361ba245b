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

/**
 * A short digest of a value's content (FNV-1a over its {@link stableJson}, 2 × 32 bits, 16 hex
 * digits): the same for equal content whatever the key order. It names content — a conditional
 * create's identifier, a record key — it is not a security measure: never use it to hide or
 * authenticate anything.
 * @example contentDigest({ a: 1, b: 2 }) === contentDigest({ b: 2, a: 1 }) // true
 */
export function contentDigest(value: unknown): string {
  const text = stableJson(value);
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x5bd1e995) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}
