import type { Signer } from '../../model.js';
import { type Ctx, nonEmpty, u } from '../options.js';
import { escapeHl7, piece } from '../v2.js';

/** OBR-32 (NDL): the principal result interpreter — an id, a family and a given name (CNN). */
export function readSigner(raw: string, ctx: Ctx): Signer | undefined {
  const d = ctx.d;
  // The first repetition's first component, split into subcomponents.
  const cnn = piece(piece(raw, 0, d.repetition), 0, d.component);
  const id = u(piece(cnn, 0, d.subcomponent), ctx).trim();
  const family = u(piece(cnn, 1, d.subcomponent), ctx).trim();
  const given = u(piece(cnn, 2, d.subcomponent), ctx).trim();
  const name = family && given ? `${family} ${given}` : family || given;
  return nonEmpty({ id, name });
}

/** Signer → OBR-32: the id, then the whole name as the family name. */
export function writeSigner(signer: Signer | undefined, ctx: Ctx): string {
  if (!signer) return '';
  const e = (s: string | undefined) => escapeHl7(s ?? '', ctx.d);
  return [e(signer.id), e(signer.name)].join(ctx.d.subcomponent).replace(/&+$/, '');
}
