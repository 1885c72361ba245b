import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { nodeInflateRaw, parseDicomHeader, scanFolderToReferences } from '@lienthong/imaging/scanner';
import dicomParser from 'dicom-parser';
import { defineBench } from './harness.ts';

// Real input: the Part-10 files of fixtures/real-world/dicom (CT, MR, US, CR, NM, OT,
// RTPLAN; explicit/implicit VR, big endian, deflated, RLE, JPEG, JPEG-LS), read into memory once.
// no_meta.dcm (no Part-10 header) is left out of the in-memory groups: none of the three reads it.
const DIR = new URL('../fixtures/real-world/dicom/', import.meta.url);
let files: { name: string; bytes: Uint8Array; buffer: Buffer; arrayBuffer: ArrayBuffer }[] = [];

// dcmjs logs every unusual element at warn level; silence it so the console is not the benchmark.
// dcmjs ships no type declarations: the slice used here, typed locally.
type Logger = { setLevel?: (l: string) => void; getLogger?: (name: string) => Logger };
interface Dcmjs {
  log?: Logger;
  data: {
    DicomMessage: { readFile(buffer: ArrayBuffer, options?: { untilTag?: string }): { dict: unknown } };
  };
}
const dcmjs = createRequire(import.meta.url)('dcmjs') as Dcmjs;
const dcmjsLog = dcmjs.log;
dcmjsLog?.setLevel?.('silent');
dcmjsLog?.getLogger?.('validation.dcmjs').setLevel?.('silent');

const ours = (f: (typeof files)[number]) =>
  parseDicomHeader(f.bytes, { inflateRaw: nodeInflateRaw }).attributes.StudyInstanceUID;
const dcmjsFull = (f: (typeof files)[number]) => {
  const dict = dcmjs.data.DicomMessage.readFile(f.arrayBuffer).dict as Record<string, { Value?: unknown[] }>;
  return dict['0020000D']?.Value?.[0];
};
const dcmjsUntil = (f: (typeof files)[number]) => {
  const dict = dcmjs.data.DicomMessage.readFile(f.arrayBuffer, { untilTag: '7FE00010' }).dict as Record<
    string,
    { Value?: unknown[] }
  >;
  return dict['0020000D']?.Value?.[0];
};
const dicomParserUntil = (f: (typeof files)[number]) =>
  dicomParser.parseDicom(f.buffer, { untilTag: 'x7fe00010' }).string('x0020000d');

function safe<T>(fn: (f: (typeof files)[number]) => T) {
  return (f: (typeof files)[number]) => {
    try {
      return fn(f);
    } catch {
      return undefined;
    }
  };
}

const all = (fn: (f: (typeof files)[number]) => unknown) => () => {
  for (const f of files) fn(f);
};

export default defineBench({
  name: 'DICOM Part-10 headers',
  description:
    'read StudyInstanceUID & co. from the 14 Part-10 fixture files (in memory) — our header reader vs dcmjs 0.51 full parse / untilTag vs dicom-parser 1.8 untilTag; then our folder scan from disk',
  setup() {
    files = readdirSync(DIR)
      .filter((n) => n.endsWith('.dcm') && n !== 'no_meta.dcm')
      .sort()
      .map((name) => {
        const buffer = readFileSync(new URL(name, DIR));
        const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
        const arrayBuffer = buffer.buffer.slice(
          buffer.byteOffset,
          buffer.byteOffset + buffer.byteLength,
        ) as ArrayBuffer;
        return { name, bytes, buffer, arrayBuffer };
      });
  },
  cases: () => [
    {
      group: 'headers of 14 files in memory',
      library: '@lienthong/imaging parseDicomHeader',
      ours: true,
      fn: all(ours),
    },
    { group: 'headers of 14 files in memory', library: 'dcmjs 0.51 full parse', fn: all(safe(dcmjsFull)) },
    {
      group: 'headers of 14 files in memory',
      library: 'dcmjs 0.51 untilTag pixel data',
      fn: all(safe(dcmjsUntil)),
    },
    {
      group: 'headers of 14 files in memory',
      library: 'dicom-parser 1.8 untilTag pixel data',
      fn: all(safe(dicomParserUntil)),
    },
    {
      group: 'scan the fixture folder from disk (15 files)',
      library: '@lienthong/imaging scanFolderToReferences',
      ours: true,
      fn: () => scanFolderToReferences(decodeURIComponent(DIR.pathname)),
    },
  ],
  async facts() {
    const agree = (fn: (f: (typeof files)[number]) => unknown) =>
      `${files.filter((f) => safe(fn)(f) === ours(f)).length} / ${files.length}`;
    const time = (fn: () => unknown, runs: number) => {
      const start = performance.now();
      for (let i = 0; i < runs; i++) fn();
      return (performance.now() - start) / runs;
    };
    const oursMs = time(all(ours), 300);
    const dcmjsMs = time(all(safe(dcmjsFull)), 30);
    const parserMs = time(all(safe(dicomParserUntil)), 300);
    const started = performance.now();
    let scanned = 0;
    for (let i = 0; i < 20; i++)
      scanned += (await scanFolderToReferences(decodeURIComponent(DIR.pathname))).files;
    const scanSeconds = (performance.now() - started) / 1000;
    return {
      'files/s, header reader in memory': Math.round((files.length / oursMs) * 1000),
      'files/s, dcmjs full parse in memory': Math.round((files.length / dcmjsMs) * 1000),
      'files/s, dicom-parser untilTag in memory': Math.round((files.length / parserMs) * 1000),
      'header reader vs dcmjs full parse': `${(dcmjsMs / oursMs).toFixed(1)}× faster`,
      'files/s, folder scan from disk (incl. fs, grouping)': Math.round(scanned / scanSeconds),
      'StudyInstanceUID equal to ours: dcmjs full parse': agree(dcmjsFull),
      'StudyInstanceUID equal to ours: dicom-parser': agree(dicomParserUntil),
    };
  },
});
