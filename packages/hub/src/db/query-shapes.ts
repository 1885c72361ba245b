import { type Compilable, CompiledQuery, type Kysely, type QueryResult } from 'kysely';
import type { HubDatabase } from './schema.js';

/** What a shaped query's parameters may hold: leaves become SQL parameters, the rest is shape. */
export type ShapeParams = string | number | null | undefined | boolean | readonly ShapeParams[] | ShapeObject;
/** An object of shaped-query parameters. */
export interface ShapeObject {
  readonly [key: string]: ShapeParams;
}

/** A query compiled once per shape of its parameters and run with each call's values. */
export interface ShapedQuery<P extends ShapeParams, R> {
  /** Runs the query on `db` (a transaction too) with `params`; the rows it returns, if any. */
  execute(db: Kysely<HubDatabase>, params: P): Promise<R[]>;
  /** {@link execute}, answering the driver's whole result: an insert's `insertId` too (SQLite's new row id). */
  run(db: Kysely<HubDatabase>, params: P): Promise<QueryResult<R>>;
}

/** Most shapes remembered per database (a shape is compiled again once forgotten, never wrong). */
const REMEMBERED_SHAPES = 500;

/** The SQL of one shape, and where each of its parameters comes from: a leaf (its index) or a constant. */
interface Compiled {
  sql: string;
  slots: readonly ({ leaf: number } | { constant: unknown })[];
}

// A leaf's stand-in while the query is compiled: no value the hub stores starts with NUL.
const SENTINEL = '\u0000lt-shape:';

/**
 * A Kysely query built and compiled once per *shape* of its parameters, then run with each call's
 * values. Kysely builds and compiles every query anew — for the hub's hot statements that was
 * 59 µs of a patient query's CPU and 106 µs of a publish's, more than SQLite's own work on some
 * statements (docs/en/guide/hub-performance.md#shaped-queries).
 *
 * The shape is everything in `params` but its leaves: which keys hold a value (`undefined` is
 * absence), each list's length, booleans. The leaves — strings, numbers, `null` — become the SQL
 * parameters. So `build` may branch on whether a parameter is there and on a list's length, but
 * must pass every leaf to Kysely unchanged, never look at its value: the first call of a shape
 * builds with stand-ins, and a later call reuses that SQL text with its own values. A stand-in
 * found inside a larger value (a leaf concatenated or parsed in `build`) is refused at once.
 *
 * @example
 * const byId = shapedQuery((db, p: { id: string; times?: readonly string[] }) =>
 *   db.selectFrom('lab_reports').select('document').where('id', '=', p.id)
 *     .$if(p.times !== undefined, (q) => q.where('clinical_at', 'in', p.times!)));
 * const rows = await byId.execute(db, { id: 'XN-1' });
 */
export function shapedQuery<P extends ShapeParams, R>(
  build: (db: Kysely<HubDatabase>, params: P) => Compilable<R>,
): ShapedQuery<P, R> {
  // Per dialect adapter: the same shape compiles to other SQL on SQLite and PostgreSQL.
  const byAdapter = new WeakMap<object, Map<string, Compiled>>();
  const shaped: ShapedQuery<P, R> = {
    async execute(db, params) {
      return (await shaped.run(db, params)).rows;
    },
    async run(db, params) {
      const leaves: unknown[] = [];
      const shape = shapeOf(params, leaves);
      const { adapter } = db.getExecutor();
      let shapes = byAdapter.get(adapter);
      if (!shapes) {
        shapes = new Map();
        byAdapter.set(adapter, shapes);
      }
      let compiled = shapes.get(shape);
      if (!compiled) {
        compiled = compile(build(db, standIns(params, { next: 0 }) as P));
        if (shapes.size >= REMEMBERED_SHAPES) shapes.delete(shapes.keys().next().value as string);
        shapes.set(shape, compiled);
      }
      const parameters = compiled.slots.map((s) => ('leaf' in s ? leaves[s.leaf] : s.constant));
      return db.executeQuery<R>(CompiledQuery.raw(compiled.sql, parameters));
    },
  };
  return shaped;
}

/** The shape of `value` as a key; its leaves pushed to `leaves` in the order {@link standIns} numbers them. */
function shapeOf(value: ShapeParams, leaves: unknown[]): string {
  if (value === undefined) return 'u';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (value === null || typeof value === 'string' || typeof value === 'number') {
    leaves.push(value);
    return '$';
  }
  if (Array.isArray(value)) {
    let key = '[';
    for (const item of value) key += `${shapeOf(item, leaves)},`;
    return `${key}]`;
  }
  let key = '{';
  for (const name in value as ShapeObject) key += `${name}:${shapeOf((value as ShapeObject)[name], leaves)},`;
  return `${key}}`;
}

/** `value` with each leaf replaced by its numbered stand-in. */
function standIns(value: ShapeParams, counter: { next: number }): ShapeParams {
  if (value === undefined || typeof value === 'boolean') return value;
  if (value === null || typeof value === 'string' || typeof value === 'number')
    return `${SENTINEL}${counter.next++}`;
  if (Array.isArray(value)) return value.map((item) => standIns(item, counter));
  const out: Record<string, ShapeParams> = {};
  for (const name in value as ShapeObject) out[name] = standIns((value as ShapeObject)[name], counter);
  return out;
}

function compile(query: Compilable<unknown>): Compiled {
  const { sql, parameters } = query.compile();
  const slots = parameters.map((p) => {
    if (typeof p === 'string' && p.startsWith(SENTINEL)) return { leaf: Number(p.slice(SENTINEL.length)) };
    if (typeof p === 'string' && p.includes(SENTINEL))
      throw new Error('shapedQuery: a parameter was derived from a leaf; pass leaves to Kysely unchanged');
    return { constant: p };
  });
  return { sql, slots };
}
