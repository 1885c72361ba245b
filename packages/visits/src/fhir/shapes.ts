import { type Resource, ValidationError } from '@lienthong/core';
import { z } from 'zod';

/**
 * The shape of each element the decoder reads, checked before it reads a resource: a bundle from
 * elsewhere with an element of the wrong FHIR type is answered with that element's place, never a
 * TypeError. Elements the decoder does not read are not checked (`passthrough` by default in zod 4's
 * `looseObject`).
 */
const text = z.string().optional();
const IdentifierShape = z.looseObject({ system: text, value: text });
const CodingShape = z.looseObject({ system: text, code: text, display: text });
const ConceptShape = z.looseObject({ coding: z.array(CodingShape).optional(), text });
const ReferenceShape = z.looseObject({ reference: text, type: text, identifier: IdentifierShape.optional() });
const PeriodShape = z.looseObject({ start: text, end: text });
interface ExtensionShape {
  url?: string | undefined;
  valueString?: string | undefined;
  valueCode?: string | undefined;
  valueBoolean?: boolean | undefined;
  extension?: ExtensionShape[] | undefined;
}
const ExtensionShape: z.ZodType<ExtensionShape> = z.lazy(() =>
  z.looseObject({
    url: text,
    valueString: text,
    valueCode: text,
    valueBoolean: z.boolean().optional(),
    extension: z.array(ExtensionShape).optional(),
  }),
);
const extension = z.array(ExtensionShape).optional();
const identifier = z.array(IdentifierShape).optional();

const SHAPES: Partial<Record<string, z.ZodType>> = {
  Encounter: z.looseObject({
    extension,
    identifier,
    type: z.array(ConceptShape).optional(),
    subject: ReferenceShape.optional(),
    period: PeriodShape.optional(),
    classHistory: z
      .array(z.looseObject({ class: CodingShape.optional(), period: PeriodShape.optional() }))
      .optional(),
    reasonCode: z.array(ConceptShape).optional(),
    diagnosis: z
      .array(
        z.looseObject({
          condition: ReferenceShape.optional(),
          use: ConceptShape.optional(),
          rank: z.number().optional(),
        }),
      )
      .optional(),
    hospitalization: z
      .looseObject({
        origin: ReferenceShape.optional(),
        destination: ReferenceShape.optional(),
        dischargeDisposition: ConceptShape.optional(),
      })
      .optional(),
    serviceProvider: ReferenceShape.optional(),
  }),
  Patient: z.looseObject({
    identifier,
    name: z.array(z.looseObject({ text })).optional(),
    gender: text,
    birthDate: text,
  }),
  Condition: z.looseObject({ code: ConceptShape.optional() }),
  Procedure: z.looseObject({
    extension,
    code: ConceptShape.optional(),
    encounter: ReferenceShape.optional(),
    performedDateTime: text,
    reasonCode: z.array(ConceptShape).optional(),
  }),
  ChargeItem: z.looseObject({
    extension,
    code: ConceptShape.optional(),
    context: ReferenceShape.optional(),
    occurrenceDateTime: text,
  }),
  MedicationStatement: z.looseObject({
    extension,
    status: text,
    medicationCodeableConcept: ConceptShape.optional(),
    context: ReferenceShape.optional(),
    effectiveDateTime: text,
    dosage: z
      .array(z.looseObject({ text, patientInstruction: text, route: ConceptShape.optional() }))
      .optional(),
  }),
  ClinicalImpression: z.looseObject({
    extension,
    encounter: ReferenceShape.optional(),
    effectiveDateTime: text,
    summary: text,
  }),
  Provenance: z.looseObject({ extension }),
};

/** Throws `VISIT_FHIR_ELEMENT_INVALID` at the first element the decoder would read that has the wrong type. */
export function checkShape(resource: Resource, place: string): void {
  const shape = SHAPES[resource.resourceType];
  if (!shape) return;
  const r = shape.safeParse(resource);
  if (r.success) return;
  const issue = r.error.issues[0]!;
  const element = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  throw new ValidationError({
    code: 'VISIT_FHIR_ELEMENT_INVALID',
    path: `${place}${element}`,
    message: `${resource.resourceType}${element} does not have its FHIR type (${issue.message})`,
    messageVi: `${resource.resourceType}${element} không đúng kiểu FHIR (${issue.message})`,
  });
}
