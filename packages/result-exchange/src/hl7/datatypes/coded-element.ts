import { issue } from '../../errors.js';
import type { LabCoding } from '../../model.js';
import { isRecognisedCode } from '../../systems.js';
import { type Ctx, u } from '../options.js';
import { escapeHl7, piece, pieces, type Segment, segmentPath } from '../v2.js';
import { URI } from './identifier.js';

/** CE/CWE coded elements: a code, its display and its coding system, twice, and the original text. */

/** The system of a coding whose CWE-3 is empty. */
export const UNNAMED = 'urn:lienthong:hl7-cs:none';
/** C0 controls and line/paragraph separators (an escaped CR/LF inside a code), replaced by a space. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\x00-\x1f\u2028\u2029]+/g;
/** The longest code the model takes (`code` of @lienthong/core). */
const MAX_CODE = 255;
const NAMED_PREFIX = 'urn:lienthong:hl7-cs:';

function systemUri(name: string, ctx: Ctx): string {
  if (name === '') return UNNAMED;
  const known = ctx.names[name];
  if (known) return known;
  if (URI.test(name)) return name;
  return `${NAMED_PREFIX}${name.replace(/\s+/g, '_')}`;
}

function systemName(uri: string, ctx: Ctx): string {
  if (uri === UNNAMED) return '';
  const name = ctx.uris.get(uri);
  if (name !== undefined) return name;
  if (uri.startsWith(NAMED_PREFIX)) return uri.slice(NAMED_PREFIX.length);
  return uri;
}

/** Whether a code holds a character {@link CONTROL} replaces (rare: an escaped CR/LF inside a code). */
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 32 || c === 0x2028 || c === 0x2029) return true;
  }
  return false;
}

/** What {@link readCodings} returns. */
export interface CodingsRead {
  codings: LabCoding[];
  text?: string;
}

/** CE/CWE → codings (primary and alternate); field `n` of `seg` names the field in issue paths. */
export function readCodings(raw: string, seg: Segment, n: number, ctx: Ctx): CodingsRead {
  const codings: LabCoding[] = [];
  if (raw === '') return { codings };
  const c = pieces(raw, ctx.d.component, 9);
  for (let k = 0; k < 2; k++) {
    const ci = k * 3;
    const rawCode = c[ci];
    if (!rawCode) continue;
    let code = u(rawCode, ctx);
    if (hasControl(code)) code = code.replace(CONTROL, ' ');
    code = code.trim();
    if (!code) continue;
    if (code.length > MAX_CODE) {
      ctx.errors.push(
        issue(
          'HL7_CODE_TOO_LONG',
          `${segmentPath(seg)}-${n}`,
          `A code is ${code.length} characters long; at most ${MAX_CODE} are allowed`,
          `Mã dài ${code.length} ký tự; tối đa ${MAX_CODE} ký tự`,
        ),
      );
      continue;
    }
    const system = systemUri(u(c[ci + 2] ?? '', ctx).trim(), ctx);
    const coding: LabCoding = { system, code };
    const display = u(c[ci + 1] ?? '', ctx);
    if (display) coding.display = display;
    const version = u(c[6 + k] ?? '', ctx);
    if (version) coding.version = version;
    if (!isRecognisedCode(system, code, ctx.systems)) coding.unrecognised = true;
    codings.push(coding);
  }
  const original = u(c[8] ?? '', ctx);
  const text = original || (codings.length === 0 ? u(c[1] ?? '', ctx) : '');
  return text ? { codings, text } : { codings };
}

/** Codings → CWE (a third coding and more are left out, with a warning at `path`). */
export function writeCodings(
  codings: readonly LabCoding[],
  text: string | undefined,
  ctx: Ctx,
  path: string,
): string {
  const e = (s: string | undefined) => escapeHl7(s ?? '', ctx.d);
  const [a, b] = codings;
  if (codings.length > 2) {
    ctx.warnings.push(
      issue(
        'HL7_CODING_NOT_CARRIED',
        path,
        `HL7 v2 CWE carries two codings; ${codings.length - 2} more were not written`,
        `CWE của HL7 v2 chỉ mang hai mã; ${codings.length - 2} mã còn lại không được ghi`,
      ),
    );
  }
  const parts = [
    e(a?.code),
    e(a?.display),
    a ? e(systemName(a.system, ctx)) : '',
    e(b?.code),
    e(b?.display),
    b ? e(systemName(b.system, ctx)) : '',
    e(a?.version),
    e(b?.version),
    e(text),
  ];
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts.join(ctx.d.component);
}

/** OBR-15 (v2.3 SPS): the specimen type, a CWE in the subcomponents of the first component. */
export function readSpecimenSource(raw: string, seg: Segment, ctx: Ctx): CodingsRead {
  const d = ctx.d;
  const sps = piece(raw, 0, d.component);
  return readCodings(
    sps.indexOf(d.subcomponent) < 0 ? sps : sps.split(d.subcomponent).join(d.component),
    seg,
    15,
    ctx,
  );
}

/** Specimen type → OBR-15 (v2.3 SPS). */
export function writeSpecimenSource(type: LabCoding, ctx: Ctx): string {
  const e = (s: string | undefined) => escapeHl7(s ?? '', ctx.d);
  return [e(type.code), e(type.display), e(systemName(type.system, ctx))]
    .join(ctx.d.subcomponent)
    .replace(/&+$/, '');
}
