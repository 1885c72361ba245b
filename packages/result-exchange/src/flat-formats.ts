import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { formatDecimal } from './decimal.js';
import type { LabValue } from './model.js';
import type { UnitNormaliser } from './units.js';

/**
 * What the two flat formats, XML4 and CV 365, share (internal): one value and its unit as two
 * texts, and the XML they are read from and written to.
 */

const DECIMAL = /^[+-]?(?:\d+(?:\.\d+)?|\.\d+)$/;

/**
 * The value of an observation as text and the unit it is written in (the source's own unit,
 * else UCUM). `rangeUnit`: a range carries the unit of its low end (XML4 writes it, CV 365 not).
 */
export function valueToText(v: LabValue | undefined, rangeUnit = false): { value?: string; unit?: string } {
  if (!v) return {};
  switch (v.kind) {
    case 'quantity':
      return {
        value: `${v.comparator ?? ''}${formatDecimal(v.value)}`,
        ...(v.originalUnit || v.unit ? { unit: (v.originalUnit ?? v.unit)! } : {}),
      };
    case 'text':
      return { value: v.text };
    case 'coded':
      return { value: v.text ?? v.codings[0]!.display ?? v.codings[0]!.code };
    case 'ratio':
      return { value: `${formatDecimal(v.numerator.value)}/${formatDecimal(v.denominator.value)}` };
    case 'range':
      return {
        value: `${v.low ? formatDecimal(v.low.value) : ''}-${v.high ? formatDecimal(v.high.value) : ''}`,
        ...(rangeUnit && (v.low?.originalUnit ?? v.low?.unit)
          ? { unit: (v.low?.originalUnit ?? v.low?.unit)! }
          : {}),
      };
  }
}

/**
 * A value written as text: a decimal is a quantity (`original` its unit as written, normalised by
 * `unit`), any other text is kept as text; no text, no value.
 */
export function valueFromText(
  text: string | undefined,
  original: string | undefined,
  unit: UnitNormaliser,
): LabValue | undefined {
  if (text === undefined || text === '') return undefined;
  if (!DECIMAL.test(text.trim())) return { kind: 'text', text };
  const ucum = original ? unit(original) : undefined;
  return {
    kind: 'quantity',
    value: Number(text.trim()),
    ...(ucum ? { unit: ucum } : {}),
    ...(original ? { originalUnit: original } : {}),
  };
}

/**
 * A parser that keeps every text as written (no number guessing, no trimming, no HTML entities,
 * attributes ignored); an element named `listed` reads as a list even when it stands alone.
 */
export function flatXmlParser(listed: string): XMLParser {
  return new XMLParser({
    ignoreAttributes: true,
    parseTagValue: false,
    trimValues: false,
    processEntities: true,
    htmlEntities: false,
    isArray: (name) => name === listed,
  });
}

const builder = /* @__PURE__ */ new XMLBuilder({
  format: true,
  indentBy: '  ',
  suppressEmptyNode: false,
  processEntities: true,
});

/** `doc` as an XML document: the declaration, then the elements indented (an empty one `<X></X>`). */
export function toXmlDocument(doc: unknown): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${builder.build(doc)}`;
}
