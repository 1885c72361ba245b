/**
 * `@lienthong/catalogue/fhir` — FHIR R4 terminology in the IHE SVCM shapes: export a release as
 * `CodeSystem` + `ValueSet`, a concept map as `ConceptMap` (and read one back), and answer
 * `$lookup`, `$validate-code` and `$translate` from the loaded releases as `Parameters`.
 * @packageDocumentation
 */
import { NotFoundError, safeParseWith, ValidationError } from '@lienthong/core';
import type {
  CodeSystem,
  CodeSystemConcept,
  ConceptMap as FhirConceptMap,
  Parameters,
  ParametersParameter,
  ValueSet,
} from '@medplum/fhirtypes';
import type { Catalogue } from '../catalogue.js';
import { type ConceptMap, ConceptMapSchema, type Equivalence, type Release } from '../model.js';

const fhirId = (id: string) => id.replace(/[^A-Za-z0-9\-.]/g, '-').slice(0, 64);
const computableName = (text: string) => {
  const name = text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'D')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
  return /^[A-Z]/.test(name) ? name : `X${name}`;
};

/**
 * A release as a FHIR `CodeSystem` (content `complete`, Vietnamese displays, repeated as a `vi`
 * designation — for systems such as ICD-10 whose receivers may expect another display language —
 * English as an `en` designation, the parent as the standard `parent` property, chapter / level /
 * mark / links / LOINC / unit as properties).
 * @example writeFileSync('CodeSystem-tt23-pl01.json', JSON.stringify(toFhirCodeSystem(pl01)));
 */
export function toFhirCodeSystem(release: Release): CodeSystem {
  const s = release.system;
  const used = new Set<string>();
  const concept: CodeSystemConcept[] = release.concepts.map((c) => {
    const property: NonNullable<CodeSystemConcept['property']> = [];
    const add = (code: string, value: string | undefined) => {
      if (value === undefined || value === '') return;
      used.add(code);
      property.push({ code, valueString: value });
    };
    add('chapter', c.chapter);
    if (c.parent !== undefined) {
      used.add('parent');
      property.push({ code: 'parent', valueCode: c.parent });
    }
    add('level', c.properties?.level);
    add('marker', c.properties?.marker);
    for (const link of c.properties?.links ?? []) add('link', link);
    add('loinc', c.properties?.loinc);
    add('unit', c.properties?.unit);
    add('specimen', c.properties?.specimen);
    add('tt23Code', c.properties?.tt23Code);
    if (c.status !== 'active') add('status', c.status);
    const designation = [
      ...(c.display ? [{ language: 'vi', value: c.display }] : []),
      ...(c.displayEn ? [{ language: 'en', value: c.displayEn }] : []),
    ];
    return {
      code: c.code,
      ...(c.display ? { display: c.display } : {}),
      ...(designation.length ? { designation } : {}),
      ...(property.length ? { property } : {}),
    };
  });
  const descriptions: Record<string, string> = {
    chapter: 'Chapter (chương) as printed',
    parent: 'Parent code',
    level: 'Level in the hierarchy (ICD-10: chapter, group, category, subcategory)',
    marker: 'ICD-10 dual classification mark: † (aetiology) or * (manifestation)',
    link: 'Linked code in another system (PL02 → PL01)',
    loinc: 'Reference LOINC code (fact; the legal code is the national one)',
    unit: 'Unit (UCUM where valid)',
    specimen: 'Specimen',
    tt23Code: 'TT 23/2024 technique code as printed',
    status: 'Concept status',
  };
  return {
    resourceType: 'CodeSystem',
    id: fhirId(s.id),
    language: 'vi',
    url: s.uri,
    version: s.version,
    name: computableName(s.name),
    title: s.nameVi ?? s.name,
    status: 'active',
    experimental: false,
    ...(s.publisher ? { publisher: s.publisher } : {}),
    description: [s.name, s.legalDocument, s.source].filter(Boolean).join(' — '),
    ...(s.licenceNote ? { copyright: s.licenceNote } : {}),
    caseSensitive: true,
    valueSet: `${s.uri}?vs`,
    content: 'complete',
    count: concept.length,
    ...(used.size
      ? {
          property: [...used].map((code) =>
            code === 'parent'
              ? {
                  code,
                  uri: 'http://hl7.org/fhir/concept-properties#parent',
                  description: descriptions[code],
                  type: 'code' as const,
                }
              : { code, description: descriptions[code] ?? code, type: 'string' as const },
          ),
        }
      : {}),
    concept,
  };
}

/**
 * The ValueSet of all codes of a release (`compose.include` of the whole system at its version).
 * @example toFhirValueSet(pl01).compose?.include[0]?.system // 'urn:lienthong:cs:tt23-pl01'
 */
export function toFhirValueSet(release: Release): ValueSet {
  const s = release.system;
  return {
    resourceType: 'ValueSet',
    id: fhirId(`${s.id}-all`),
    url: `${s.uri}?vs`,
    version: s.version,
    name: `${computableName(s.name)}All`,
    title: `${s.nameVi ?? s.name} (all codes)`,
    status: 'active',
    experimental: false,
    ...(s.publisher ? { publisher: s.publisher } : {}),
    compose: { include: [{ system: s.uri, version: s.version }] },
  };
}

const needsComment = new Set<Equivalence>(['narrower', 'inexact']);

/**
 * A concept map as a FHIR `ConceptMap` (one group source → target).
 * @example toFhirConceptMap(localMap).group?.[0]?.element?.length
 */
export function toFhirConceptMap(map: ConceptMap): FhirConceptMap {
  const bySource = new Map<string, ConceptMap['elements']>();
  for (const e of map.elements) {
    const list = bySource.get(e.source);
    if (list) list.push(e);
    else bySource.set(e.source, [e]);
  }
  return {
    resourceType: 'ConceptMap',
    id: fhirId(map.id),
    ...(map.name ? { name: computableName(map.name) } : {}),
    status: 'active',
    ...(map.version ? { version: map.version } : {}),
    ...(map.basisDocument ? { description: `Basis: ${map.basisDocument}` } : {}),
    sourceUri: map.sourceSystem,
    targetUri: map.targetSystem,
    group: [
      {
        source: map.sourceSystem,
        target: map.targetSystem,
        element: [...bySource].map(([code, elements]) => ({
          code,
          ...(elements[0]!.sourceDisplay ? { display: elements[0]!.sourceDisplay } : {}),
          target: elements.map((e) => ({
            ...(e.target ? { code: e.target } : {}),
            ...(e.targetDisplay ? { display: e.targetDisplay } : {}),
            equivalence: e.equivalence,
            ...(e.comment || needsComment.has(e.equivalence) || e.validFrom || e.validTo
              ? {
                  comment: [
                    e.comment ?? (needsComment.has(e.equivalence) ? `${e.equivalence} mapping` : undefined),
                    e.validFrom || e.validTo
                      ? `valid ${e.validFrom ?? '…'} – ${e.validTo ?? '…'}`
                      : undefined,
                  ]
                    .filter(Boolean)
                    .join('; '),
                }
              : {}),
          })),
        })),
      },
    ],
  };
}

/**
 * Reads a FHIR `ConceptMap` (first-level groups) back into the catalogue model.
 * Throws a {@link ValidationError} (`CONCEPT_MAP_INVALID`) when the resource does not fit.
 * @example const map = fromFhirConceptMap(JSON.parse(text)); catalogue.addConceptMap(map);
 */
export function fromFhirConceptMap(resource: unknown): ConceptMap {
  const r = resource as FhirConceptMap;
  if (!r || typeof r !== 'object' || r.resourceType !== 'ConceptMap') {
    throw new ValidationError({
      code: 'CONCEPT_MAP_INVALID',
      message: 'Not a FHIR ConceptMap',
      messageVi: 'Không phải FHIR ConceptMap',
      path: 'resourceType',
    });
  }
  const group = Array.isArray(r.group) ? r.group : [];
  const elements = group.flatMap((g) =>
    (Array.isArray(g.element) ? g.element : []).flatMap((e) =>
      (Array.isArray(e.target) && e.target.length ? e.target : [{ equivalence: 'unmatched' as const }]).map(
        (t) => ({
          source: e.code,
          ...(e.display ? { sourceDisplay: e.display } : {}),
          ...(t.code ? { target: t.code } : {}),
          ...(t.display ? { targetDisplay: t.display } : {}),
          equivalence: t.equivalence,
          ...('comment' in t && t.comment ? { comment: t.comment } : {}),
        }),
      ),
    ),
  );
  const parsed = safeParseWith(
    ConceptMapSchema,
    {
      id: r.id ?? 'concept-map',
      ...(r.name ? { name: r.name } : {}),
      sourceSystem: group[0]?.source ?? r.sourceUri ?? '',
      targetSystem: group[0]?.target ?? r.targetUri ?? '',
      ...(r.version ? { version: r.version } : {}),
      elements,
    },
    { code: 'CONCEPT_MAP_INVALID', subject: { en: 'ConceptMap', vi: 'ConceptMap' } },
  );
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

function notFound(system: string, code: string): NotFoundError {
  return new NotFoundError({
    code: 'CATALOGUE_CODE_NOT_FOUND',
    message: `Code "${code}" not found in ${system}`,
    messageVi: `Không tìm thấy mã "${code}" trong ${system}`,
    path: 'code',
    details: { system, code },
  });
}

/** A `designation` or `property` of a `$lookup` answer: its key part and its text value. */
function lookupPart(
  name: 'designation' | 'property',
  key: 'language' | 'code',
  keyValue: string,
  value: string,
): ParametersParameter {
  return {
    name,
    part: [
      { name: key, valueCode: keyValue },
      { name: 'value', valueString: value },
    ],
  };
}

/**
 * `CodeSystem/$lookup`: name, version, display, designations and properties of a code.
 * Throws {@link NotFoundError} `CATALOGUE_CODE_NOT_FOUND` (turn it into an OperationOutcome with
 * `toOperationOutcome` from `@lienthong/core`).
 * @example lookupOperation(catalogue, { system: 'urn:lienthong:cs:tt23-pl01', code: '23.75' })
 */
export function lookupOperation(
  catalogue: Catalogue,
  input: { system: string; code: string; date?: string },
): Parameters {
  const release = catalogue.release(input.system, input.date ? { asOf: input.date } : {});
  const concept = catalogue.lookup(input.system, input.code, input.date ? { asOf: input.date } : {});
  if (!release || !concept) throw notFound(input.system, input.code);
  const parameter: ParametersParameter[] = [
    { name: 'name', valueString: release.system.name },
    { name: 'version', valueString: release.system.version },
    { name: 'display', valueString: concept.display },
  ];
  for (const [language, value] of [
    ['vi', concept.display],
    ['en', concept.displayEn],
  ] as const)
    if (value) parameter.push(lookupPart('designation', 'language', language, value));
  const props: [string, string | undefined][] = [
    ['chapter', concept.chapter],
    ['parent', concept.parent],
    ['level', concept.properties?.level],
    ['marker', concept.properties?.marker],
    ['status', concept.status],
    ['loinc', concept.properties?.loinc],
    ['unit', concept.properties?.unit],
    ...(concept.properties?.links ?? []).map((l): [string, string] => ['link', l]),
  ];
  for (const [code, value] of props) if (value) parameter.push(lookupPart('property', 'code', code, value));
  return { resourceType: 'Parameters', parameter };
}

/**
 * `CodeSystem/$validate-code`: `result` true when the code exists and, if a display is given, it
 * equals the concept's display exactly.
 * @example validateCodeOperation(catalogue, { system: 'tt23-pl01', code: '23.75' }) // result: true
 */
export function validateCodeOperation(
  catalogue: Catalogue,
  input: { system: string; code: string; display?: string; date?: string },
): Parameters {
  const concept = catalogue.lookup(input.system, input.code, input.date ? { asOf: input.date } : {});
  const parameter: ParametersParameter[] = [];
  if (!concept) {
    parameter.push(
      { name: 'result', valueBoolean: false },
      { name: 'message', valueString: `Code "${input.code}" not found in ${input.system}` },
    );
  } else if (input.display !== undefined && input.display !== concept.display) {
    parameter.push(
      { name: 'result', valueBoolean: false },
      { name: 'message', valueString: `Display "${input.display}" differs from "${concept.display}"` },
      { name: 'display', valueString: concept.display },
    );
  } else {
    parameter.push({ name: 'result', valueBoolean: true }, { name: 'display', valueString: concept.display });
  }
  return { resourceType: 'Parameters', parameter };
}

/**
 * `ConceptMap/$translate` through the catalogue's concept maps.
 * @example translateOperation(catalogue, { system: 'tt23-pl02', code: '1', targetsystem: 'tt23-pl01' })
 */
export function translateOperation(
  catalogue: Catalogue,
  input: { system: string; code: string; targetsystem: string },
): Parameters {
  const matches = catalogue.translate(input.code, input.targetsystem, { sourceSystem: input.system });
  const parameter: ParametersParameter[] = [{ name: 'result', valueBoolean: matches.length > 0 }];
  if (matches.length === 0)
    parameter.push({
      name: 'message',
      valueString: `No mapping for "${input.code}" to ${input.targetsystem}`,
    });
  for (const m of matches)
    parameter.push({
      name: 'match',
      part: [
        { name: 'equivalence', valueCode: m.equivalence },
        {
          name: 'concept',
          valueCoding: {
            system: m.targetSystem,
            code: m.target,
            ...(m.targetDisplay ? { display: m.targetDisplay } : {}),
          },
        },
        { name: 'source', valueUri: m.mapId },
      ],
    });
  return { resourceType: 'Parameters', parameter };
}
