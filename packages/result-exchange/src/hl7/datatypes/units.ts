import { type Ctx, type UnitsRead, u } from '../options.js';
import { escapeHl7, piece } from '../v2.js';

const NO_UNITS: UnitsRead = Object.freeze({});

/** OBX-6: the UCUM unit (given as UCUM, or normalised from the text) and the unit as written. */
export function readUnits(raw: string, ctx: Ctx): UnitsRead {
  if (raw === '') return NO_UNITS;
  const cached = ctx.units.get(raw);
  if (cached) return cached;
  const j = ctx.d.component;
  const c0 = piece(raw, 0, j);
  const original = (u(c0, ctx) || u(piece(raw, 1, j), ctx)).trim();
  let unit: string | undefined;
  const c3 = piece(raw, 3, j);
  if (c3 && piece(raw, 5, j) === 'UCUM') unit = u(c3, ctx);
  else if (c0 && piece(raw, 2, j) === 'UCUM') unit = u(c0, ctx);
  else if (original) unit = ctx.unit(original);
  const out: UnitsRead = {};
  if (unit) out.unit = unit;
  if (original) out.originalUnit = original;
  ctx.units.set(raw, out);
  return out;
}

/** A quantity with the units of OBX-6 (copied: the units object is shared within a message). */
export function withUnits<const T extends object>(target: T, units: UnitsRead): T & UnitsRead {
  const out = target as T & UnitsRead;
  if (units.unit !== undefined) out.unit = units.unit;
  if (units.originalUnit !== undefined) out.originalUnit = units.originalUnit;
  return out;
}

/** A quantity's units → OBX-6: the unit as written (local) beside its UCUM code, or either alone. */
export function writeUnits(q: UnitsRead, ctx: Ctx): string {
  const e = (s: string) => escapeHl7(s, ctx.d);
  const j = ctx.d.component;
  if (q.unit && q.originalUnit && q.originalUnit !== q.unit)
    return [e(q.originalUnit), '', 'L', e(q.unit), '', 'UCUM'].join(j);
  if (q.unit) return [e(q.unit), '', 'UCUM'].join(j);
  return q.originalUnit ? e(q.originalUnit) : '';
}
