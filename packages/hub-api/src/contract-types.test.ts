import type { WriteReceipt } from '@lienthong/core/contract';
import type { ImagingReference, ImagingReferenceInput } from '@lienthong/imaging';
import type { MatchCandidate, PatientIdentifier, PatientRecord } from '@lienthong/patient-id';
import type { LabReport } from '@lienthong/result-exchange';
import type { PatientSummary, Visit } from '@lienthong/visits';
import { describe, expectTypeOf, it } from 'vitest';
import type * as z from 'zod';
import type { components } from './generated/openapi.js';

// The contract's wire types are the SDK's domain models, exactly: the JSON Schemas in schemas/ are
// generated from the zod models and the OpenAPI types from the schemas. If a model changes without
// `npm run gen` (or the contract is edited by hand), `tsc` fails here — which is why the hub
// providers return the client's answers without a cast.
type Wire = components['schemas'];

describe('OpenAPI types equal the domain models (checked by tsc)', () => {
  it('answers', () => {
    expectTypeOf<Wire['LabReport']>().toEqualTypeOf<LabReport>();
    expectTypeOf<Wire['ImagingReference']>().toEqualTypeOf<ImagingReference>();
    expectTypeOf<Wire['PatientRecord']>().toEqualTypeOf<PatientRecord>();
    expectTypeOf<Wire['PatientIdentifier']>().toEqualTypeOf<PatientIdentifier>();
    expectTypeOf<Wire['MatchCandidate']>().toEqualTypeOf<MatchCandidate>();
    expectTypeOf<Wire['WriteReceipt']>().toEqualTypeOf<WriteReceipt>();
    expectTypeOf<Wire['Visit']>().toEqualTypeOf<Visit>();
    expectTypeOf<Wire['PatientSummary']>().toEqualTypeOf<PatientSummary>();
    expectTypeOf<Wire['VisitFileSetReceipts']>().toEqualTypeOf<{ receipts: WriteReceipt[] }>();
  });

  it('request bodies accept what the models accept', () => {
    expectTypeOf<Wire['ImagingReferenceInput']>().toEqualTypeOf<ImagingReferenceInput>();
    expectTypeOf<Wire['LabReportInput']>().toEqualTypeOf<
      z.input<typeof import('@lienthong/result-exchange').LabReportSchema>
    >();
    expectTypeOf<Wire['VisitInput']>().toEqualTypeOf<
      z.input<typeof import('@lienthong/visits').VisitSchema>
    >();
    expectTypeOf<Wire['PatientRecordInput']>().toEqualTypeOf<
      z.input<typeof import('@lienthong/patient-id').PatientRecordSchema>
    >();
  });
});
