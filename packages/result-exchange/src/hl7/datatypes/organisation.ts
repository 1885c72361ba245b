import type { Facility } from '../../model.js';
import { type Ctx, nonEmpty, u } from '../options.js';
import { escapeHl7, piece } from '../v2.js';

/** XON (ORC-21, OBX-23): organisation name (component 1) and identifier (component 10). */
export function readFacility(raw: string, ctx: Ctx): Facility | undefined {
  if (raw === '') return undefined;
  const name = u(piece(raw, 0, ctx.d.component), ctx).trim();
  const code = u(piece(raw, 9, ctx.d.component), ctx).trim();
  return nonEmpty({ code, name });
}

/** Facility → XON. */
export function writeFacility(f: Facility | undefined, ctx: Ctx): string {
  if (!f) return '';
  const parts = [escapeHl7(f.name ?? '', ctx.d), ...Array(8).fill(''), escapeHl7(f.code ?? '', ctx.d)];
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts.join(ctx.d.component);
}
