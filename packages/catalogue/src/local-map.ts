/**
 * Local code maps: a hospital keeps its own codes and joins the national lists through a dated,
 * many-to-many map (FHIR ConceptMap equivalences). Built from the hospital's CSV; unmapped local
 * codes get national candidates from search, never an automatic mapping.
 */
import { foldVietnamese, ValidationError } from '@lienthong/core';
import type { Catalogue, SearchHit } from './catalogue.js';
import { parseCsv } from './csv.js';
import { EQUIVALENCES, type Equivalence } from './equivalences.js';
import type { ConceptMap, ConceptMapElement, ImportIssue } from './model.js';

/** Options of {@link buildLocalMap}. */
export interface LocalMapOptions {
  /** URI of the hospital's local code system (e.g. `urn:lienthong:cs:local:01001`). */
  localSystem: string;
  /** Target national system id or URI (`qd1227`, `tt23-pl01`). */
  targetSystem: string;
  /** Map id (FHIR id rules). */
  id: string;
  /** Column names (defaults: `local_code`, `local_name`, `national_code`, optional `equivalence`). */
  columns?: { localCode?: string; localName?: string; nationalCode?: string; equivalence?: string };
  /** Catalogue used to check national codes and suggest candidates. */
  catalogue?: Catalogue;
  /** Candidates per unmapped code (default 3). */
  suggestions?: number;
  validFrom?: string;
  basisDocument?: string;
  file?: string;
}

/** A built local map, the unmapped codes with suggestions, and every problem found. */
export interface LocalMapResult {
  map: ConceptMap;
  unmapped: { localCode: string; localName: string; row: number; candidates: SearchHit[] }[];
  issues: ImportIssue[];
}

const KNOWN_EQUIVALENCES: ReadonlySet<string> = new Set(EQUIVALENCES);

/**
 * Suggests national concepts for a local name (search in the target system).
 * @example suggestNational(catalogue, 'Glucose máu (đường huyết)', 'tt23-pl01')[0]?.code
 */
export function suggestNational(
  catalogue: Catalogue,
  localName: string,
  targetSystem: string,
  limit = 3,
): SearchHit[] {
  // Parentheses and brackets in local names are noise for search ("Glucose (máu)").
  const text = foldVietnamese(localName).replace(/[()[\]{}]/g, ' ');
  return catalogue.search(text, { systems: [targetSystem], limit });
}

/**
 * Builds a local → national {@link ConceptMap} from a hospital CSV (local code, local name,
 * national code; several national codes per local code are several rows). Rows without a national
 * code are listed as unmapped with search suggestions; unknown national codes are errors.
 * @example
 * const { map, unmapped } = buildLocalMap(csv, { id: 'bv-a-xn', localSystem: 'urn:lienthong:cs:local:01001',
 *   targetSystem: 'tt23-pl01', catalogue });
 */
export function buildLocalMap(csvText: string, options: LocalMapOptions): LocalMapResult {
  const file = options.file ?? 'local-map.csv';
  const col = {
    localCode: options.columns?.localCode ?? 'local_code',
    localName: options.columns?.localName ?? 'local_name',
    nationalCode: options.columns?.nationalCode ?? 'national_code',
    equivalence: options.columns?.equivalence ?? 'equivalence',
  };
  const { records } = parseCsv(csvText);
  const header = (records[0]?.fields ?? []).map((h) => h.trim());
  const index = (name: string) => header.indexOf(name);
  for (const required of [col.localCode, col.nationalCode]) {
    if (index(required) < 0)
      throw new ValidationError({
        code: 'CATALOGUE_COLUMN_MISSING',
        message: `Column "${required}" is missing from ${file}`,
        messageVi: `Thiếu cột "${required}" trong ${file}`,
        path: `${file}, row 0, column ${required}`,
      });
  }
  const target = options.catalogue?.release(options.targetSystem)?.system.uri ?? options.targetSystem;
  const issues: ImportIssue[] = [];
  const elements: ConceptMapElement[] = [];
  const unmapped: LocalMapResult['unmapped'] = [];
  records.slice(1).forEach((record, i) => {
    const row = i + 1;
    const get = (name: string) => {
      const at = index(name);
      return at < 0 ? '' : (record.fields[at] ?? '').trim();
    };
    const localCode = get(col.localCode);
    const localName = get(col.localName);
    const national = get(col.nationalCode);
    const issue = (code: string, column: string, value: string, message: string, messageVi: string) =>
      issues.push({
        severity: 'error',
        code,
        file,
        row,
        line: record.line,
        column,
        value,
        message,
        messageVi,
      });
    if (localCode === '') {
      issue('CODE_EMPTY', col.localCode, '', 'Local code is empty', 'Mã nội bộ trống');
      return;
    }
    if (national === '') {
      unmapped.push({
        localCode,
        localName,
        row,
        candidates:
          options.catalogue && localName
            ? suggestNational(options.catalogue, localName, options.targetSystem, options.suggestions ?? 3)
            : [],
      });
      return;
    }
    const equivalenceText = get(col.equivalence) || 'equivalent';
    if (!KNOWN_EQUIVALENCES.has(equivalenceText)) {
      issue(
        'EQUIVALENCE_UNKNOWN',
        col.equivalence,
        equivalenceText,
        'Not a FHIR R4 equivalence',
        'Không phải mức tương đương FHIR R4',
      );
      return;
    }
    const concept = options.catalogue?.lookup(options.targetSystem, national);
    if (options.catalogue && concept === undefined) {
      issue(
        'NATIONAL_CODE_UNKNOWN',
        col.nationalCode,
        national,
        'National code not found in the target release',
        'Mã quốc gia không có trong bản phát hành đích',
      );
      return;
    }
    elements.push({
      source: localCode,
      ...(localName ? { sourceDisplay: localName } : {}),
      target: national,
      ...(concept ? { targetDisplay: concept.display } : {}),
      equivalence: equivalenceText as Equivalence,
      ...(options.validFrom ? { validFrom: options.validFrom } : {}),
    });
  });
  return {
    map: {
      id: options.id,
      sourceSystem: options.localSystem,
      targetSystem: target,
      ...(options.validFrom ? { validFrom: options.validFrom } : {}),
      ...(options.basisDocument ? { basisDocument: options.basisDocument } : {}),
      elements,
    },
    unmapped,
    issues,
  };
}
