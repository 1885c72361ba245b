import { DEFAULT_IDENTIFIER_SYSTEMS, type IdentifierValue, identifierSystemName } from '@lienthong/core';
import { issue } from '../../errors.js';
import { type Ctx, u } from '../options.js';
import { escapeHl7, piece, type Segment, segmentPath } from '../v2.js';

/** CX (patient identifiers) and EI (order numbers) identifiers. */

/** An absolute URI: a scheme, a colon, no white space. */
export const URI = /^[a-z][a-z0-9+.-]*:\S+$/i;

/**
 * CX → identifier: the system is the assigning authority's universal id when it is a URI, the
 * citizen-ID system for a national number (`NNVNM`, `NN`), else a URN of the authority or type.
 * A URI is kept as sent (reports stay as published); lookups compare systems through
 * `canonicalIdentifierSystem`.
 */
export function readIdentifier(raw: string, ctx: Ctx): IdentifierValue | undefined {
  const d = ctx.d;
  const value = u(piece(raw, 0, d.component), ctx).trim();
  if (!value) return undefined;
  const hdRaw = piece(raw, 3, d.component);
  const hd0 = u(piece(hdRaw, 0, d.subcomponent), ctx);
  const hd1 = u(piece(hdRaw, 1, d.subcomponent), ctx);
  const hd2 = u(piece(hdRaw, 2, d.subcomponent), ctx);
  const type = u(piece(raw, 4, d.component), ctx);
  let system: string;
  if (hd2 === 'URI' && hd1 && URI.test(hd1)) system = hd1;
  else if (type === 'NNVNM' || type === 'NN') system = DEFAULT_IDENTIFIER_SYSTEMS.cccd;
  else system = `urn:lienthong:hl7-sid:${(hd0 || hd1 || type || 'unknown').replace(/\s+/g, '_')}`;
  return { system, value };
}

/** Identifier → CX: the system as a URI assigning authority, `NNVNM` for a citizen ID (under any of its URIs). */
export function writeIdentifier(id: IdentifierValue, ctx: Ctx): string {
  const d = ctx.d;
  const type = identifierSystemName(id.system) === 'cccd' ? 'NNVNM' : '';
  return [escapeHl7(id.value, d), '', '', ['', escapeHl7(id.system, d), 'URI'].join(d.subcomponent), type]
    .join(d.component)
    .replace(/\^+$/, '');
}

/**
 * OBR-3 (EI, filler order number) → the system of the report id: the universal id when its type
 * is `URI` and it is an absolute URI (else a warning, and no system).
 */
export function readFillerIdSystem(raw: string, seg: Segment, ctx: Ctx): string | undefined {
  const d = ctx.d;
  if (u(piece(raw, 3, d.component), ctx).trim() !== 'URI') return undefined;
  const idSystem = u(piece(raw, 2, d.component), ctx).trim();
  if (URI.test(idSystem)) return idSystem;
  if (idSystem)
    ctx.warnings.push(
      issue(
        'HL7_ID_SYSTEM_INVALID',
        `${segmentPath(seg)}-3`,
        'The filler order number names a URI system that is not an absolute URI; the id is kept without it',
        'Hệ thống mã của số phiếu không phải URI tuyệt đối; giữ mã phiếu, bỏ hệ thống mã',
      ),
    );
  return undefined;
}

/** Report id (and its URI system) → OBR-3 (EI). */
export function writeFillerId(id: string, system: string | undefined, ctx: Ctx): string {
  const e = (s: string) => escapeHl7(s, ctx.d);
  return system ? [e(id), '', e(system), 'URI'].join(ctx.d.component) : e(id);
}
