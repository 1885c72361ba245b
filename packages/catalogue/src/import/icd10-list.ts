/**
 * The ICD-10 list of QĐ 4469/QĐ-BYT (sheet `ICD10`, `data/icd10/icd10_qd4469_2020.csv`) into concepts:
 * the codes through the common import engine (row shape, code pattern, duplicates, names), then the
 * hierarchy the rows carry — chapter → group(s) → category → subcategory — with every source defect
 * reported, never hidden: marks in codes, plain and marked twins, a category column that
 * contradicts the code, groups whose range misses the code, rows out of sequence.
 */
import {
  dotlessIcd10Code,
  icd10CodeParent,
  icd10Marker,
  icd10RangeContains,
  normalizeIcd10Code,
} from '../icd10/code.js';
import type { CodeSystemMeta, Concept, ImportIssue } from '../model.js';
import {
  findColumn,
  type ImportOptions,
  issueMessage,
  requireColumn,
  runImport,
  type SourceTable,
} from './engine.js';

/** Column names of the list as converted in `data/icd10` (one row per code, its chapter and groups repeated). */
export const ICD10_LIST_COLUMNS = {
  chapterNo: 'chapter_no',
  chapterCode: 'chapter_code',
  /** `[code, Vietnamese name, English name]` of the chapter, the main group and the two sub-groups. */
  levels: [
    ['chapter_code', 'chapter_name_vi', 'chapter_name_en'],
    ['main_group_code', 'main_group_name_vi', 'main_group_name_en'],
    ['sub_group_1_code', 'sub_group_1_name_vi', 'sub_group_1_name_en'],
    ['sub_group_2_code', 'sub_group_2_name_vi', 'sub_group_2_name_en'],
  ],
  categoryCode: 'category_code',
  categoryNameEn: 'category_name_en',
  code: 'disease_code',
  codeNoDot: 'disease_code_no_dot',
  nameVi: 'disease_name_vi',
  nameEn: 'disease_name_en',
} as const;

const RAW_CODE = /^[A-Z]\d{2}(?:\.\d{1,2})?[*†]?$/;

interface Node {
  concept: Concept;
  row: number;
  line?: number | undefined;
}

type Report = (
  row: number,
  line: number | undefined,
  severity: ImportIssue['severity'],
  code: string,
  column: string,
  value: string,
  extra?: Partial<ImportIssue>,
) => void;

/** Reads the list: concepts in source order, each chapter and group before its first code. */
export function importIcd10List(
  table: SourceTable,
  options: ImportOptions & { file: string; system: CodeSystemMeta; english: boolean },
  issues: ImportIssue[],
): { concepts: Concept[]; rows: number } {
  const { file, english } = options;
  const C = ICD10_LIST_COLUMNS;
  const engine = runImport(
    table,
    {
      mapping: {
        code: C.code,
        display: C.nameVi,
        chapter: C.chapterNo,
        ...(english ? { displayEn: C.nameEn } : {}),
      },
      system: options.system,
      codePattern: RAW_CODE,
    },
    options,
    issues,
  );
  const byRow = new Map<number, Concept>();
  for (const c of engine.release.concepts) byRow.set(c.properties!.sourceRow!, c);

  const levels = C.levels.map(([code, vi, en]) => ({
    code: requireColumn(table, code, file),
    vi: requireColumn(table, vi, file),
    en: findColumn(table.header, en),
  }));
  const categoryColumn = requireColumn(table, C.categoryCode, file);
  const noDotColumn = requireColumn(table, C.codeNoDot, file);
  const enColumns = [C.nameEn, C.categoryNameEn]
    .map((name) => [name, findColumn(table.header, name)] as const)
    .filter(([, index]) => index >= 0);

  const chapterNoColumn = findColumn(table.header, C.chapterNo);
  const report: Report = (row, line, severity, code, column, value, extra = {}) => {
    const [message, messageVi] = issueMessage(code);
    issues.push({
      severity,
      code,
      file,
      row,
      ...(line === undefined ? {} : { line }),
      column,
      value,
      message,
      messageVi,
      ...extra,
    });
  };
  /** A name as shipped: an inner line break becomes a space, by a reported rule. */
  const shipped = (row: number, line: number | undefined, column: string, name: string) => {
    const fixed = joinLines(name);
    if (fixed === name) return name;
    report(row, line, 'info', 'NAME_LINE_BREAK', column, name, {
      correction: { rule: 'NAME_LINE_BREAK', from: name, to: fixed },
    });
    return fixed;
  };

  const out: Concept[] = [];
  const nodes = new Map<string, Node>();
  const codes = new Map<string, Node>();
  let previous: { code: string; raw: string } | undefined;

  table.rows.forEach((record, i) => {
    const row = i + 1;
    const { line, fields } = record;
    const cell = (index: number) => (index >= 0 ? (fields[index] ?? '').trim() : '');
    const chapterNo = cell(chapterNoColumn);
    for (const [name, index] of enColumns)
      if (cell(index) === '') report(row, line, 'info', 'NAME_EN_EMPTY', name, '');

    // Chapter and groups of the row, outermost first, with the column each was read from.
    const chain: Node[] = [];
    const chainColumns: string[] = [];
    levels.forEach((level, depth) => {
      const code = cell(level.code);
      if (code === '') return;
      const column = C.levels[depth]![0];
      chainColumns.push(column);
      const parent = chain[chain.length - 1]?.concept.code;
      const seen = nodes.get(code);
      if (seen !== undefined) {
        if (seen.concept.parent !== parent)
          report(row, line, 'warning', 'GROUP_PARENT_CONFLICT', column, code, {
            suggestions: [`${seen.concept.parent ?? '(none)'} (row ${seen.row})`],
          });
        if (seen.concept.display !== joinLines(cell(level.vi)))
          report(row, line, 'warning', 'GROUP_NAME_CONFLICT', C.levels[depth]![1], cell(level.vi), {
            suggestions: [seen.concept.display],
          });
        chain.push(seen);
        return;
      }
      const en = cell(level.en);
      const concept: Concept = {
        code,
        display: shipped(row, line, C.levels[depth]![1], cell(level.vi)),
        ...(english && en ? { displayEn: en } : {}),
        ...(chapterNo ? { chapter: chapterNo } : {}),
        ...(parent === undefined ? {} : { parent }),
        status: 'active',
        properties: { level: depth === 0 ? 'chapter' : 'group', sourceRow: row },
      };
      const node = { concept, row };
      nodes.set(code, node);
      chain.push(node);
      out.push(concept);
    });

    const concept = byRow.get(row);
    if (concept === undefined) return; // reported by the engine (empty or duplicate code)
    const raw = concept.code;
    const code = normalizeIcd10Code(raw);
    if (code === undefined) {
      out.push(concept); // kept as printed: CODE_PATTERN, reported by the engine
      return;
    }
    const marker = icd10Marker(raw);
    if (marker !== undefined)
      report(row, line, 'info', 'MARKER_IN_CODE', C.code, raw, {
        correction: { rule: 'MARKER_IN_CODE', from: raw, to: code },
      });
    const noDot = cell(noDotColumn);
    if (noDot !== dotlessIcd10Code(raw))
      report(row, line, 'error', 'NO_DOT_MISMATCH', C.codeNoDot, noDot, {
        suggestions: [dotlessIcd10Code(raw)!],
      });
    if (previous !== undefined && code < previous.code)
      report(row, line, 'info', 'CODE_OUT_OF_ORDER', C.code, raw, { suggestions: [`after ${previous.raw}`] });
    previous = { code, raw };

    const isCategory = code.length === 3;
    let parent = isCategory ? chain[chain.length - 1]?.concept.code : icd10CodeParent(code);
    const category = cell(categoryColumn);
    if (normalizeIcd10Code(category) !== code.slice(0, 3))
      report(row, line, 'warning', 'CATEGORY_MISMATCH', C.categoryCode, category, {
        correction: { rule: 'CATEGORY_MISMATCH', from: category, to: code.slice(0, 3) },
      });
    const deepest = chain[chain.length - 1];
    if (deepest !== undefined && chain.length > 1 && !icd10RangeContains(deepest.concept.code, code)) {
      const enclosing = [...chain].reverse().find((n) => icd10RangeContains(n.concept.code, code));
      const moved = isCategory && enclosing !== undefined;
      if (moved) parent = enclosing.concept.code;
      report(
        row,
        line,
        'warning',
        'GROUP_RANGE_MISMATCH',
        chainColumns[chain.length - 1]!,
        deepest.concept.code,
        {
          ...(moved
            ? {
                correction: {
                  rule: 'GROUP_RANGE_MISMATCH',
                  from: deepest.concept.code,
                  to: enclosing.concept.code,
                },
              }
            : {}),
        },
      );
    }

    concept.code = code;
    concept.display = shipped(row, line, C.nameVi, concept.display);
    if (parent === undefined) delete concept.parent;
    else concept.parent = parent;
    concept.properties = {
      level: isCategory ? 'category' : 'subcategory',
      ...(marker ? { marker } : {}),
      sourceRow: row,
    };
    const twin = codes.get(code);
    if (twin === undefined) {
      codes.set(code, { concept, row, line });
      out.push(concept);
      return;
    }
    mergeTwins(twin, { concept, row, line }, report);
  });

  for (const { concept, row, line } of codes.values())
    if (concept.parent !== undefined && !codes.has(concept.parent) && !nodes.has(concept.parent))
      report(row, line, 'error', 'PARENT_MISSING', C.code, concept.parent);
  return { concepts: out, rows: engine.report.rows };
}

/** A name with its inner line breaks (and the spaces around them) as one space. */
function joinLines(name: string): string {
  return name.replace(/\s*[\r\n]+\s*/g, ' ');
}

/**
 * A code listed plain and with its mark (`D63` / `D63*`): the concept already in place takes the
 * marked row's name and mark; the plain row is reported.
 */
function mergeTwins(first: Node, second: Node, report: Report): void {
  const [plain, marked] = first.concept.properties?.marker ? [second, first] : [first, second];
  const markerOf = marked.concept.properties?.marker;
  const code = first.concept.code;
  if (markerOf === undefined || plain.concept.properties?.marker !== undefined) {
    report(second.row, second.line, 'error', 'DUPLICATE_CODE', ICD10_LIST_COLUMNS.code, code, {
      suggestions: [`row ${first.row}`],
    });
    return;
  }
  report(plain.row, plain.line, 'warning', 'MARKER_TWIN', ICD10_LIST_COLUMNS.code, code, {
    correction: { rule: 'MARKER_TWIN', from: code, to: `${code}${markerOf}` },
    suggestions: [`row ${marked.row}`],
  });
  if (plain.concept.display !== marked.concept.display)
    report(
      plain.row,
      plain.line,
      'info',
      'TWIN_NAME_DIFFERS',
      ICD10_LIST_COLUMNS.nameVi,
      plain.concept.display,
      {
        suggestions: [marked.concept.display],
      },
    );
  // The concept keeps its place in the list (the first row) and takes the marked row's content.
  Object.assign(first.concept, { ...marked.concept, parent: first.concept.parent ?? marked.concept.parent });
}
