import { formatDecimal } from '../../decimal.js';
import { issue } from '../../errors.js';
import type { LabValue } from '../../model.js';
import { type Ctx, u } from '../options.js';
import { escapeHl7, type Segment, segmentPath } from '../v2.js';
import { readCodings, writeCodings } from './coded-element.js';
import { readUnits, withUnits, writeUnits } from './units.js';

/**
 * OBX-5, the value, in the datatype OBX-2 names: NM and SN numbers (with the units of OBX-6),
 * CE/CWE codes, ST/TX/FT text; any other type is read as text.
 */

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)$/;

/** A decimal (`undefined` when not one, or too large for a finite number). */
function num(text: string): number | undefined {
  const t = text.trim();
  if (t === '' || !NUMBER.test(t)) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

/** Whether `raw` holds nothing but repetition separators (no value at all). */
function onlySeparators(raw: string, rep: string): boolean {
  for (let i = 0; i < raw.length; i++) if (raw[i] !== rep) return false;
  return true;
}

/** The repetitions of a text value, unescaped, one per line. */
export function textLines(raw: string, ctx: Ctx): string {
  const rep = ctx.d.repetition;
  if (raw.indexOf(rep) < 0) return u(raw, ctx);
  let out = '';
  let from = 0;
  for (;;) {
    const to = raw.indexOf(rep, from);
    out += u(to < 0 ? raw.slice(from) : raw.slice(from, to), ctx);
    if (to < 0) return out;
    out += '\n';
    from = to + 1;
  }
}

const COMPARATOR = /^(<=|>=|<|>)\s*([+-]?(?:\d+\.?\d*|\.\d+))$/;
const SN_COMPARATORS = new Set(['', '<', '>', '<=', '>=', '=']);

/** OBX-5 of type `type` (OBX-2), with the units of OBX-6 (`unitsRaw`); warnings name `seg`. */
export function readValue(
  type: string,
  raw: string,
  unitsRaw: string,
  seg: Segment,
  ctx: Ctx,
): LabValue | undefined {
  const rep = ctx.d.repetition;
  if (onlySeparators(raw, rep)) return undefined;
  const cut = raw.indexOf(rep);
  const first = cut < 0 ? raw : raw.slice(0, cut);
  if (cut >= 0 && type !== 'TX' && type !== 'FT' && type !== 'ST') {
    let count = 1;
    for (let p = cut; p >= 0; p = raw.indexOf(rep, p + 1)) count++;
    ctx.warnings.push(
      issue(
        'HL7_VALUE_REPEATED',
        `${segmentPath(seg)}-5`,
        `Only the first of ${count} values of type ${type} is kept`,
        `Chỉ giữ giá trị đầu trong ${count} giá trị kiểu ${type}`,
      ),
    );
  }
  switch (type) {
    case 'NM': {
      const text = u(first, ctx);
      const n = num(text);
      if (n !== undefined) return withUnits({ kind: 'quantity', value: n }, readUnits(unitsRaw, ctx));
      const cmp = COMPARATOR.exec(text.trim());
      if (cmp && Number.isFinite(Number(cmp[2])))
        return withUnits(
          { kind: 'quantity', value: Number(cmp[2]), comparator: cmp[1] as '<' },
          readUnits(unitsRaw, ctx),
        );
      ctx.warnings.push(
        issue(
          'HL7_NM_NOT_NUMERIC',
          `${segmentPath(seg)}-5`,
          'NM value is not a number; kept as text',
          'Giá trị NM không phải số; giữ dưới dạng văn bản',
        ),
      );
      return text.trim() ? { kind: 'text', text } : undefined;
    }
    case 'SN': {
      const c = first.split(ctx.d.component).map((x) => u(x, ctx).trim());
      const comparator = c[0] ?? '';
      const n1 = c[1] ?? '';
      const sep = c[2] ?? '';
      const n2 = c[3] ?? '';
      const a = num(n1);
      const b = num(n2);
      if (a !== undefined && sep === '' && n2 === '' && SN_COMPARATORS.has(comparator)) {
        const q: LabValue = { kind: 'quantity', value: a };
        if (comparator && comparator !== '=') q.comparator = comparator as '<';
        return withUnits(q, readUnits(unitsRaw, ctx));
      }
      if (a !== undefined && b !== undefined && comparator === '' && (sep === ':' || sep === '/')) {
        return {
          kind: 'ratio',
          numerator: withUnits({ value: a }, readUnits(unitsRaw, ctx)),
          denominator: { value: b },
        };
      }
      if (
        comparator === '' &&
        sep === '-' &&
        (a !== undefined || n1 === '') &&
        (b !== undefined || n2 === '') &&
        (a !== undefined || b !== undefined)
      ) {
        const range: LabValue = { kind: 'range' };
        if (a !== undefined) range.low = withUnits({ value: a }, readUnits(unitsRaw, ctx));
        if (b !== undefined) range.high = withUnits({ value: b }, readUnits(unitsRaw, ctx));
        return range;
      }
      ctx.warnings.push(
        issue(
          'HL7_SN_UNREADABLE',
          `${segmentPath(seg)}-5`,
          'SN value kept as text',
          'Giá trị SN được giữ dưới dạng văn bản',
        ),
      );
      const text = c.join('');
      return text ? { kind: 'text', text } : undefined;
    }
    case 'CE':
    case 'CWE':
    case 'CNE':
    case 'CF': {
      const { codings, text } = readCodings(first, seg, 5, ctx);
      if (codings.length > 0) return text ? { kind: 'coded', codings, text } : { kind: 'coded', codings };
      return text ? { kind: 'text', text } : undefined;
    }
    case 'ST':
    case 'TX':
    case 'FT': {
      const text = textLines(raw, ctx);
      return text ? { kind: 'text', text } : undefined;
    }
    default: {
      ctx.warnings.push(
        issue(
          'HL7_VALUE_TYPE_UNSUPPORTED',
          `${segmentPath(seg)}-5`,
          `Value type ${type || '(empty)'} kept as text`,
          `Kiểu giá trị ${type || '(trống)'} được giữ dưới dạng văn bản`,
        ),
      );
      const text = textLines(raw, ctx);
      return text ? { kind: 'text', text } : undefined;
    }
  }
}

/** A value → its OBX-2 type, OBX-5 and OBX-6 (SN for a comparator, a ratio or a range). */
export function writeValue(value: LabValue, ctx: Ctx): { type: string; field: string; units: string } {
  const e = (s: string) => escapeHl7(s, ctx.d);
  const j = ctx.d.component;
  switch (value.kind) {
    case 'quantity':
      if (value.comparator)
        return {
          type: 'SN',
          field: [e(value.comparator), formatDecimal(value.value)].join(j),
          units: writeUnits(value, ctx),
        };
      return { type: 'NM', field: formatDecimal(value.value), units: writeUnits(value, ctx) };
    case 'ratio':
      return {
        type: 'SN',
        field: ['', formatDecimal(value.numerator.value), ':', formatDecimal(value.denominator.value)].join(
          j,
        ),
        units: writeUnits(value.numerator, ctx),
      };
    case 'range':
      return {
        type: 'SN',
        field: [
          '',
          value.low ? formatDecimal(value.low.value) : '',
          '-',
          value.high ? formatDecimal(value.high.value) : '',
        ].join(j),
        units: writeUnits(value.low ?? value.high ?? {}, ctx),
      };
    case 'coded':
      return { type: 'CWE', field: writeCodings(value.codings, value.text, ctx, 'OBX-5'), units: '' };
    case 'text': {
      const lines = value.text.split('\n');
      if (lines.length === 1 && value.text.length <= 199)
        return { type: 'ST', field: e(value.text), units: '' };
      return { type: 'TX', field: lines.map(e).join(ctx.d.repetition), units: '' };
    }
  }
}
