import { ImagingReferenceSchema } from '@lienthong/imaging';
import { PatientIdentifierSchema, PatientRecordSchema } from '@lienthong/patient-id';
import { LabReportSchema } from '@lienthong/result-exchange';
import { PatientSummarySchema, VisitSchema } from '@lienthong/visits';
import type * as z from 'zod';

/**
 * The domain models the contract uses, with the package they come from. `input` variants are the
 * request bodies (defaults optional), `output` variants the answers (defaults filled in).
 */
export const domainSchemas: Record<string, { schema: z.ZodType; io: 'input' | 'output'; source: string }> = {
  PatientRecord: {
    schema: PatientRecordSchema,
    io: 'output',
    source: '@lienthong/patient-id PatientRecordSchema',
  },
  PatientIdentifier: {
    schema: PatientIdentifierSchema,
    io: 'output',
    source: '@lienthong/patient-id PatientIdentifierSchema',
  },
  PatientRecordInput: {
    schema: PatientRecordSchema,
    io: 'input',
    source: '@lienthong/patient-id PatientRecordSchema',
  },
  LabReport: { schema: LabReportSchema, io: 'output', source: '@lienthong/result-exchange LabReportSchema' },
  LabReportInput: {
    schema: LabReportSchema,
    io: 'input',
    source: '@lienthong/result-exchange LabReportSchema',
  },
  ImagingReference: {
    schema: ImagingReferenceSchema,
    io: 'output',
    source: '@lienthong/imaging ImagingReferenceSchema',
  },
  ImagingReferenceInput: {
    schema: ImagingReferenceSchema,
    io: 'input',
    source: '@lienthong/imaging ImagingReferenceSchema',
  },
  Visit: { schema: VisitSchema, io: 'output', source: '@lienthong/visits VisitSchema' },
  VisitInput: { schema: VisitSchema, io: 'input', source: '@lienthong/visits VisitSchema' },
  PatientSummary: {
    schema: PatientSummarySchema,
    io: 'output',
    source: '@lienthong/visits PatientSummarySchema',
  },
};
