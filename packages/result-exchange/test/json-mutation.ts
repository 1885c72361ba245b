/** Paths into JSON-like values and copies with one node changed, for mutation property tests. */

export type JsonPath = (string | number)[];

/** Every path into a JSON-like value (objects and arrays), the root included. */
export function jsonPaths(value: unknown, at: JsonPath = []): JsonPath[] {
  const out: JsonPath[] = [at];
  if (Array.isArray(value)) for (const [i, v] of value.entries()) out.push(...jsonPaths(v, [...at, i]));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) out.push(...jsonPaths(v, [...at, k]));
  return out;
}

/**
 * Replacements of every JSON type (and `undefined`), the empty and blank ones among them: the
 * start of each test's own list of odd values.
 */
export const ODD_JSON: readonly unknown[] = [undefined, null, '', ' ', 'x', true, [], {}, [{}], ['x']];

/** Pass as a replacement to delete the node instead. */
export const DELETE = Symbol('delete');

/** A copy of `value` with the node at `path` replaced (or deleted when `replacement` is `DELETE`). */
export function mutateAt(value: unknown, path: JsonPath, replacement: unknown): unknown {
  if (path.length === 0) return replacement === DELETE ? undefined : replacement;
  const [head, ...rest] = path;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<
    string | number,
    unknown
  >;
  if (rest.length === 0 && replacement === DELETE) {
    if (Array.isArray(copy)) copy.splice(head as number, 1);
    else delete copy[head!];
  } else copy[head!] = mutateAt(copy[head!], rest, replacement);
  return copy;
}
