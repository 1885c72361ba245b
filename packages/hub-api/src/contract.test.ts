import { readdirSync, readFileSync } from 'node:fs';
import { patientDirectoryFixtures } from '@lienthong/conformance';
import { fromDicomJsonStudies, ImagingReferenceSchema } from '@lienthong/imaging';
import { PatientRecordSchema } from '@lienthong/patient-id';
import { LabReportSchema } from '@lienthong/result-exchange';
import { decodeOru } from '@lienthong/result-exchange/hl7';
import { VisitSchema } from '@lienthong/visits';
import { decodeXml130 } from '@lienthong/visits/xml130';
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import type * as z from 'zod';

// The contract's schemas (schemas/*.json, referenced by openapi.yaml) and the domain zod models
// must accept and reject the same documents: real-world fixtures, and structural breakages of them.
const REAL = new URL('../../../fixtures/real-world/', import.meta.url);
const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
const schemaOf = (name: string) =>
  ajv.compile(JSON.parse(readFileSync(new URL(`../schemas/${name}.json`, import.meta.url), 'utf8')));

function labReports() {
  const dir = new URL('hl7v2/', REAL);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.hl7'))
    .flatMap((f) => {
      const decoded = decodeOru(readFileSync(new URL(f, dir), 'utf8'));
      return (decoded as { value: unknown[] }).value.map(
        (r) => JSON.parse(JSON.stringify(r)) as Record<string, unknown>,
      );
    });
}
const imagingReferences = () =>
  fromDicomJsonStudies(
    JSON.parse(readFileSync(new URL('dicomweb/search_for_studies.json', REAL), 'utf8')),
  ).map((r) => JSON.parse(JSON.stringify(r)) as Record<string, unknown>);
/** The visits of the SYNTHETIC XML 130 file set of `@lienthong/visits`. */
const visits = () =>
  decodeXml130(
    readFileSync(new URL('../../visits/test/fixtures/synthetic-xml130-file-set.xml', import.meta.url)),
  ).value.visits.map((v) => JSON.parse(JSON.stringify(v)) as Record<string, unknown>);
const patients = () =>
  patientDirectoryFixtures('contract').map((r) => JSON.parse(JSON.stringify(r)) as Record<string, unknown>);

/** Structural breakages JSON Schema can express: a missing required member, a wrong type, an unknown enum value. */
function breakages(
  doc: Record<string, unknown>,
  required: string[],
  enums: Record<string, string>,
): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const key of required) {
    const { [key]: _, ...rest } = doc;
    out.push([`without ${key}`, rest]);
    const wrong = typeof doc[key] === 'number' ? 'twelve' : 12345;
    out.push([`${key} of the wrong type`, { ...doc, [key]: wrong }]);
  }
  for (const [key, bad] of Object.entries(enums)) out.push([`${key} = ${bad}`, { ...doc, [key]: bad }]);
  out.push(['an array instead of an object', [doc]]);
  return out;
}

const cases: {
  name: string;
  schema: z.ZodType;
  contract: string;
  docs: () => Record<string, unknown>[];
  required: string[];
  enums: Record<string, string>;
}[] = [
  {
    name: 'PatientRecord',
    schema: PatientRecordSchema,
    contract: 'PatientRecord',
    docs: patients,
    required: ['identifiers', 'name'],
    enums: { sex: 'hermaphrodite' },
  },
  {
    name: 'LabReport',
    schema: LabReportSchema,
    contract: 'LabReport',
    docs: labReports,
    required: ['id', 'patient', 'codes', 'status', 'observations'],
    enums: { status: 'bogus' },
  },
  {
    name: 'ImagingReference',
    schema: ImagingReferenceSchema,
    contract: 'ImagingReferenceInput',
    docs: imagingReferences,
    required: ['studyInstanceUid', 'patient', 'instanceCount'],
    enums: { completeness: 'maybe' },
  },
  {
    name: 'Visit',
    schema: VisitSchema,
    contract: 'VisitInput',
    docs: visits,
    required: ['id', 'patient', 'secondaryDiagnoses', 'medications', 'labReports'],
    enums: {},
  },
];

describe('openapi schemas ↔ zod models', () => {
  for (const c of cases) {
    it(`${c.name}: both accept the fixtures and reject their breakages`, () => {
      const validate = schemaOf(c.contract);
      const docs = c.docs();
      expect(docs.length).toBeGreaterThan(0);
      for (const doc of docs) {
        expect(c.schema.safeParse(doc).success, `zod accepts ${JSON.stringify(doc).slice(0, 80)}`).toBe(true);
        expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
        for (const [label, broken] of breakages(doc, c.required, c.enums)) {
          expect(c.schema.safeParse(broken).success, `zod rejects ${label}`).toBe(false);
          expect(validate(broken), `schema rejects ${label}`).toBe(false);
        }
      }
    });
  }
});
