import { formatDecimal } from '../../decimal.js';
import type { ReferenceRange } from '../../model.js';

/** OBX-7, the reference range: text, read as numbers when it has one of the usual shapes. */

const BETWEEN = /^([+-]?(?:\d+\.?\d*|\.\d+))\s*-\s*([+-]?(?:\d+\.?\d*|\.\d+))$/;
const BELOW = /^<=?\s*([+-]?(?:\d+\.?\d*|\.\d+))$/;
const ABOVE = /^>=?\s*([+-]?(?:\d+\.?\d*|\.\d+))$/;

/** OBX-7: `low-high`, `<high`, `>low` as numbers; anything else (or out of range) as text. */
export function parseRange(text: string): ReferenceRange | undefined {
  const t = text.trim();
  if (!t) return undefined;
  const between = BETWEEN.exec(t);
  if (between) {
    const low = Number(between[1]);
    const high = Number(between[2]);
    if (Number.isFinite(low) && Number.isFinite(high)) return { low, high };
  }
  const below = BELOW.exec(t);
  if (below && Number.isFinite(Number(below[1]))) return { high: Number(below[1]) };
  const above = ABOVE.exec(t);
  if (above && Number.isFinite(Number(above[1]))) return { low: Number(above[1]) };
  return { text: t };
}

/** Reference range → OBX-7 text (unescaped). */
export function writeRange(r: ReferenceRange): string {
  if (r.low !== undefined && r.high !== undefined) return `${formatDecimal(r.low)}-${formatDecimal(r.high)}`;
  if (r.low !== undefined) return `>${formatDecimal(r.low)}`;
  if (r.high !== undefined) return `<${formatDecimal(r.high)}`;
  return r.text ?? '';
}
