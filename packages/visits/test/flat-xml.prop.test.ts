import fc from 'fast-check';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { readXml, type XmlElement, XmlSyntaxError } from '../src/xml130/flat-xml.js';

// The oracle: what the codec read XML with before its own reader (fast-xml-parser, validated first).
const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: true,
});
function oracle(text: string): unknown {
  if (/<!DOCTYPE/i.test(text)) throw new Error('DOCTYPE is not allowed');
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new Error(valid.err.msg);
  return parser.parse(text);
}

/** A tree in fast-xml-parser's shape: a leaf is its text, a repeated name a list, other text `#text`. */
function fxpShape(element: XmlElement): unknown {
  if (element.children.length === 0) return element.text;
  const out: Record<string, unknown> = {};
  const repeated = new Set<string>();
  for (const c of element.children) {
    const value = fxpShape(c);
    if (!(c.name in out)) out[c.name] = value;
    else if (repeated.has(c.name)) (out[c.name] as unknown[]).push(value);
    else {
      out[c.name] = [out[c.name], value];
      repeated.add(c.name);
    }
  }
  if (element.text !== '') out['#text'] = element.text;
  return out;
}

/** Both renderings of a piece: ours may use character references, the oracle's has the characters. */
type Piece = { ours: string; oracle: string };
const same = (s: string): Piece => ({ ours: s, oracle: s });
const ESCAPED: Record<string, string> = {
  '<': '&lt;',
  '>': '&gt;',
  '&': '&amp;',
  '"': '&quot;',
  "'": '&apos;',
};

const nameArb = fc
  .oneof(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,7}$/), fc.constantFrom('TÊN', 'MA_LK', 'Đ', 'ns:x'))
  .filter((n) => !/^xml/i.test(n) && !(n in Object.prototype) && n !== '__proto__');
const charArb = fc.oneof(
  fc.constantFrom(...'abcXYZ019 .,;:-/()|^~#%*áàảãạăâđêôơưỆ'),
  fc.constantFrom(' ', '\n', '\t', '\r\n', '\u00a0', '\u3000'),
  fc.constantFrom(...'<>&"\'').map((c) => same(ESCAPED[c]!)),
  fc.constantFrom('😀', '中', '\u{10FFFD}'),
);
/** A character written as a reference (not whitespace: the run it is in is trimmed before decoding). */
const referenceArb = fc.constantFrom(0x41, 0xe1, 0x1ec6, 0x3c, 0x26, 0x1f600, 0x10fffd, 0xfffd).chain((cp) =>
  fc
    .constantFrom(`&#${cp};`, `&#x${cp.toString(16)};`, `&#x${cp.toString(16).toUpperCase()};`)
    .map((ours): Piece => {
      const c = String.fromCodePoint(cp);
      return { ours, oracle: ESCAPED[c] ?? c };
    }),
);
const textPieceArb: fc.Arbitrary<Piece> = fc.oneof(
  { weight: 4, arbitrary: charArb.map((c) => (typeof c === 'string' ? same(c) : c)) },
  { weight: 1, arbitrary: referenceArb },
  { weight: 1, arbitrary: fc.constantFrom('amp', 'lt', 'gt', 'quot', 'apos').map((e) => same(`&${e};`)) },
);
const commentArb = fc.constantFrom('<!-- note -->', '<!---->', '<!-- a\nb <x> & -->').map(same);
const piArb = fc.constantFrom('<?pi data?>', '<?target?>').map(same);
const cdataArb = fc
  .array(fc.constantFrom(...'ab <>&;]\n😀 '), { maxLength: 8 })
  .map((c) => c.join(''))
  .filter((c) => !c.includes(']]>'))
  .map((c) => same(`<![CDATA[${c}]]>`));
const spaceArb = fc.constantFrom('', ' ', '\n  ', '\r\n\t').map(same);

const join = (pieces: readonly Piece[]): Piece => ({
  ours: pieces.map((p) => p.ours).join(''),
  oracle: pieces.map((p) => p.oracle).join(''),
});
const leafContentArb = fc
  .array(fc.oneof({ weight: 6, arbitrary: textPieceArb }, commentArb, piArb, cdataArb), { maxLength: 12 })
  .map(join);
const attributesArb = fc
  .array(fc.tuple(nameArb, fc.constantFrom('"1"', "'a > b'", '""', '"x/y"')), { maxLength: 2 })
  .map((as) => [...new Map(as)].map(([n, v]) => ` ${n}=${v}`).join(''));

const elementArb: fc.Arbitrary<Piece> = fc.letrec<{ element: Piece }>((tie) => ({
  element: fc
    .tuple(
      nameArb,
      attributesArb,
      fc.oneof(
        { depthSize: 'small' },
        leafContentArb,
        fc
          .array(fc.tuple(spaceArb, fc.oneof({ weight: 5, arbitrary: tie('element') }, commentArb, piArb)), {
            minLength: 1,
            maxLength: 4,
          })
          .map((items) => join([...items.flat(), same('\n')])),
      ),
      fc.boolean(),
    )
    .map(([name, attributes, content, selfClosing]) =>
      selfClosing && content.ours === ''
        ? same(`<${name}${attributes}/>`)
        : {
            ours: `<${name}${attributes}>${content.ours}</${name}>`,
            oracle: `<${name}${attributes}>${content.oracle}</${name}>`,
          },
    ),
})).element;
const documentArb = fc
  .tuple(
    fc.constantFrom('', '<?xml version="1.0" encoding="utf-8"?>\n', '<?xml version="1.0"?>'),
    fc.constantFrom('', '<!-- before -->\n', '<?pi?>'),
    elementArb,
    fc.constantFrom('', '\n', '\r\n<!-- after -->\n'),
  )
  .map(([declaration, before, root, after]) => join([same(declaration + before), root, same(after)]));

describe('flat XML reader against fast-xml-parser', () => {
  it('reads generated well-formed documents to the same tree', () => {
    fc.assert(
      fc.property(documentArb, (doc) => {
        const root = readXml(doc.ours);
        expect({ [root.name]: fxpShape(root) }).toEqual(oracle(doc.oracle));
      }),
      { numRuns: 400 },
    );
  });

  // Malformed documents from well-formed ones: each mutation breaks what both must refuse.
  const mutations: Record<string, (doc: string) => string | undefined> = {
    'a closing tag dropped': (doc) => {
      const m = /<\/[^>]+>/.exec(doc);
      return m ? doc.slice(0, m.index) + doc.slice(m.index + m[0].length) : undefined;
    },
    'a closing tag renamed': (doc) => {
      const i = doc.lastIndexOf('</');
      return i === -1 ? undefined : `${doc.slice(0, i + 2)}Zz${doc.slice(i + 2)}`;
    },
    'a bare ampersand': (doc) => {
      const i = doc.lastIndexOf('</');
      return i === -1 ? undefined : `${doc.slice(0, i)} & ${doc.slice(i)}`;
    },
    'text before the root': (doc) => `text ${doc}`,
    'a tag name starting with a digit': (doc) => {
      // The first tag: not a `<` inside a comment or CDATA section.
      const m = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<[A-Za-z_]/g;
      for (let t = m.exec(doc); t; t = m.exec(doc))
        if (!t[0].startsWith('<!')) return `${doc.slice(0, t.index + 1)}1${doc.slice(t.index + 1)}`;
      return undefined;
    },
    'a DOCTYPE': (doc) => `<!DOCTYPE r [<!ENTITY a "aaaa">]>${doc}`,
  };
  for (const [what, mutate] of Object.entries(mutations))
    it(`both refuse a document with ${what}`, () => {
      fc.assert(
        fc.property(documentArb, (doc) => {
          const bad = mutate(doc.oracle);
          fc.pre(bad !== undefined);
          expect(() => oracle(bad!)).toThrow();
          expect(() => readXml(bad!)).toThrow(XmlSyntaxError);
        }),
        { numRuns: 100 },
      );
    });
});
