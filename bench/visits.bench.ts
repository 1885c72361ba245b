import { readFileSync } from 'node:fs';
import { loadIcd10 } from '@lienthong/catalogue/icd10';
import { decodeXml4 } from '@lienthong/result-exchange/xml4';
import type { Visit } from '@lienthong/visits';
import { decodeXml130, encodeXml130, type Xml130Options } from '@lienthong/visits/xml130';
import { XMLParser } from 'fast-xml-parser';
import { readXml, type XmlElement } from '../packages/visits/src/xml130/flat-xml.ts';
import { defineBench } from './harness.ts';

const VISITS = 500;
const FIXTURE = new URL('../packages/visits/test/fixtures/synthetic-xml130-file-set.xml', import.meta.url);

let envelope = '';
/** The inner XML of the XML4 tables of the envelope (the XML4-only path reads these). */
let xml4Tables: string[] = [];
let tables = 0;
let icd10: Xml130Options['icd10'];

const parser = new XMLParser({ parseTagValue: false, trimValues: true });

/** fast-xml-parser alone on the envelope, then base64 and fast-xml-parser on every inner table: the floor of a decode built on it. */
function withFastXmlParser(text: string): number {
  const doc = parser.parse(text) as {
    GIAMDINHHS: { THONGTINHOSO: { DANHSACHHOSO: { HOSO: { FILEHOSO: { NOIDUNGFILE: string }[] }[] } } };
  };
  let n = 0;
  for (const hoso of doc.GIAMDINHHS.THONGTINHOSO.DANHSACHHOSO.HOSO)
    for (const file of hoso.FILEHOSO) {
      const inner = parser.parse(Buffer.from(file.NOIDUNGFILE, 'base64').toString('utf8')) as object;
      n += Object.keys(inner).length;
    }
  return n;
}

const child = (e: XmlElement, name: string) => e.children.find((c) => c.name === name)!;

/**
 * The same work with the codec's own flat XML reader (flat-xml.ts). fast-xml-parser alone reads
 * fewer than the 2,000 visits/s the decode must reach, so no decode built on it could: hence the
 * own reader.
 */
function withOwnReader(text: string): number {
  let n = 0;
  for (const hoso of child(child(readXml(text), 'THONGTINHOSO'), 'DANHSACHHOSO').children)
    for (const file of hoso.children) {
      const inner = readXml(Buffer.from(child(file, 'NOIDUNGFILE').text, 'base64').toString('utf8'));
      n += inner.children.length > 0 ? 1 : 0;
    }
  return n;
}

const ours = (text: string, options: Xml130Options = {}) => decodeXml130(text, options).value.visits.length;

const xml4Only = () => {
  let n = 0;
  for (const t of xml4Tables) n += decodeXml4(t).value.length;
  return n;
};

/** Visits per second of `fn` over a few runs (measured once, for `facts()`). */
function visitsPerSecond(fn: () => unknown, runs = 5): number {
  fn();
  const start = performance.now();
  for (let i = 0; i < runs; i++) fn();
  return Math.round((VISITS * runs * 1000) / (performance.now() - start));
}

export default defineBench({
  name: 'visits — XML 130 file set decode',
  description: `a SYNTHETIC GIAMDINHHS envelope of ${VISITS} visits, XML1–XML5 each (the synthetic fixture's complete visit with new MA_LK keys and varied rows, written by encodeXml130); fast-xml-parser alone, the old floor, is below the 2,000 visits/s target, so the codec reads with its own flat XML reader, measured alone beside it`,
  async setup() {
    const set = decodeXml130(readFileSync(FIXTURE)).value;
    const template = set.visits.find(
      (v) => v.medications.length && v.services.length && v.labRows.length && v.notes.length,
    )!;
    const json = JSON.stringify({ ...template, otherTables: [] });
    const visits: Visit[] = Array.from({ length: VISITS }, (_, i) => {
      const visit = JSON.parse(
        json.replaceAll(template.id, `SYN-BENCH-${String(i).padStart(5, '0')}`),
      ) as Visit;
      // Vary the rows a little: every other visit has one medication fewer.
      if (i % 2 === 1 && visit.medications.length > 1) visit.medications.pop();
      return visit;
    });
    envelope = encodeXml130({ ...set, visits, unlinked: [], otherTables: [] }).value;
    const files = [...envelope.matchAll(/<LOAIHOSO>(\w+)<\/LOAIHOSO>\s*<NOIDUNGFILE>([^<]*)</g)];
    tables = files.length;
    xml4Tables = files
      .filter((m) => m[1] === 'XML4')
      .map((m) => Buffer.from(m[2]!, 'base64').toString('utf8'));
    if (ours(envelope) !== VISITS) throw new Error('the synthetic envelope does not decode to every visit');
    icd10 = await loadIcd10();
  },
  cases: () => [
    {
      group: `decode ${VISITS} visits (XML1–XML5 each)`,
      library: '@lienthong/visits decodeXml130',
      ours: true,
      fn: () => ours(envelope),
    },
    {
      group: `decode ${VISITS} visits (XML1–XML5 each)`,
      library: 'fast-xml-parser 5 alone (floor)',
      fn: () => withFastXmlParser(envelope),
    },
    {
      group: `decode ${VISITS} visits (XML1–XML5 each)`,
      library: '@lienthong/visits flat XML reader alone',
      fn: () => withOwnReader(envelope),
    },
    {
      group: `decode ${VISITS} visits (XML1–XML5 each)`,
      library: 'result-exchange decodeXml4 (XML4 only)',
      fn: xml4Only,
    },
    {
      group: `decode ${VISITS} visits with ICD-10 checks`,
      library: '@lienthong/visits decodeXml130 + loadIcd10',
      ours: true,
      fn: () => ours(envelope, { icd10 }),
    },
  ],
  facts: () => {
    const oursRate = visitsPerSecond(() => ours(envelope));
    const fxpRate = visitsPerSecond(() => withFastXmlParser(envelope));
    const readerRate = visitsPerSecond(() => withOwnReader(envelope));
    const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
    return {
      'input bytes': envelope.length,
      tables,
      'visits/s decodeXml130': oursRate,
      'visits/s decodeXml130 + ICD-10 checks': visitsPerSecond(() => ours(envelope, { icd10 })),
      'visits/s fast-xml-parser alone (floor)': fxpRate,
      'visits/s own flat XML reader alone': readerRate,
      'own reader ÷ fast-xml-parser alone': ratio(readerRate, fxpRate),
      'decodeXml130 ÷ fast-xml-parser alone': ratio(oursRate, fxpRate),
      'visits/s decodeXml4, XML4 only': visitsPerSecond(xml4Only),
      'target (≥ 2,000 visits/s, five tables each)': oursRate >= 2000 ? 'met' : 'not met',
    };
  },
  timeMs: 1000,
});
