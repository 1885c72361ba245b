import {
  attempt,
  type Result,
  type ValidationError,
  type ValidationIssue,
  type WithWarnings,
} from '@lienthong/core';
import { decodeText, encodeReports, parseOrInvalid, type TextInput } from '../codec.js';
import { invalid, issue } from '../errors.js';
import { flatXmlParser, toXmlDocument, valueFromText, valueToText } from '../flat-formats.js';
import type { LabObservation, LabReport } from '../model.js';
import { DEFAULT_LAB_SYSTEMS, isRecognisedCode, type LabSystems } from '../systems.js';
import { normaliseUnit, type UnitNormaliser } from '../units.js';

/**
 * The EMR export of technical guidance CV 365/TTYQG (06/06/2025): XML or JSON under the root
 * `HoSoBenhAn`, lab results in the group `KetQuaXetNghiem`. The only field name docs/en/guide/domain.md confirms
 * is `machiso` (the QĐ 1227 indicator code). Every other field name is UNCONFIRMED and therefore
 * configuration ({@link Cv365FieldMap}): a model field with no configured name is not written, and
 * `encodeCv365` lists it in its `warnings` (`CV365_FIELD_UNNAMED`). The format has no code-system field, so the system and
 * version of `machiso` travel alongside the document (`codeSystem`), never inside it unless a
 * deployment names fields for them.
 */

/** Field names of one `KetQuaXetNghiem` entry. Only `indicatorCode` (`machiso`) is confirmed. */
export interface Cv365FieldMap {
  /** QĐ 1227 indicator code: `machiso` (CV 365). */
  indicatorCode: string;
  /** The following are unconfirmed: set them to your partners' names. */
  reportId?: string;
  indicatorName?: string;
  value?: string;
  unit?: string;
  referenceRange?: string;
  interpretation?: string;
  performedAt?: string;
  issuedAt?: string;
  conclusion?: string;
  note?: string;
  /** Optional extra fields carrying the code system and version inside the document. */
  codeSystem?: string;
  codeSystemVersion?: string;
}

/** The confirmed part: `machiso`. */
export const CV365_CONFIRMED_FIELDS: Readonly<Cv365FieldMap> = Object.freeze({ indicatorCode: 'machiso' });

export interface Cv365Options {
  fields?: Partial<Cv365FieldMap>;
  /** System and version of `machiso` (default: the QĐ 1227 system, no version). */
  codeSystem?: { system: string; version?: string };
  systems?: Partial<LabSystems>;
  normaliseUnit?: UnitNormaliser;
  /** Patient identifiers for decoded reports (the EMR export's patient section is out of this codec's scope). */
  patient?: LabReport['patient'];
  /** Report id when no `reportId` field is configured (default `cv365`). */
  reportId?: string;
}

/**
 * What {@link encodeCv365} returns: the document text (JSON or XML) as `value`; in `warnings`, each
 * model field not written because no field name is configured for it (`CV365_FIELD_UNNAMED`, path
 * `fields.<name>`, the option that would name it).
 */
export interface Cv365Document extends WithWarnings<string> {
  format: 'json' | 'xml';
  /** Carried alongside: the system and version of every `machiso`. */
  codeSystem: { system: string; version?: string };
}

const ROOT = 'HoSoBenhAn';
const GROUP = 'KetQuaXetNghiem';
const INPUT: TextInput = {
  code: 'CV365_UNREADABLE',
  path: ROOT,
  subject: { en: 'CV 365 document', vi: 'tài liệu CV 365' },
  expected: { en: 'Expected document text', vi: 'Cần nội dung tài liệu' },
};

/**
 * Encodes reports as the `KetQuaXetNghiem` entries (plain objects, `value`) of a `HoSoBenhAn`
 * export you assemble yourself; `warnings` as in {@link encodeCv365}.
 */
export function encodeCv365Entries(
  reports: readonly LabReport[],
  options: Cv365Options = {},
): WithWarnings<Record<string, string>[]> {
  const f = { ...CV365_CONFIRMED_FIELDS, ...options.fields };
  const systems = { ...DEFAULT_LAB_SYSTEMS, ...options.systems };
  const cs = options.codeSystem ?? { system: systems.national };
  const omitted = new Set<string>();
  const entries: Record<string, string>[] = [];
  const put = (e: Record<string, string>, key: keyof Cv365FieldMap, v: string | undefined) => {
    if (v === undefined || v === '') return;
    const name = f[key];
    if (name) e[name] = v;
    // The code system travels alongside the document: not naming fields for it loses nothing.
    else if (key !== 'codeSystem' && key !== 'codeSystemVersion') omitted.add(key);
  };
  for (const r of reports) {
    for (const o of r.observations) {
      const e: Record<string, string> = {};
      const code = o.codes.find((c) => c.system === cs.system)?.code;
      put(e, 'reportId', r.id);
      put(e, 'indicatorCode', code);
      put(e, 'codeSystem', code ? cs.system : undefined);
      put(e, 'codeSystemVersion', code ? cs.version : undefined);
      put(e, 'indicatorName', o.name ?? o.codes[0]?.display);
      // A range is written without a unit (`rangeUnit` false).
      const v = valueToText(o.value);
      put(e, 'value', v.value);
      put(e, 'unit', v.unit);
      const rr = o.referenceRange?.[0];
      put(e, 'referenceRange', rr ? (rr.text ?? `${rr.low ?? ''}-${rr.high ?? ''}`) : undefined);
      put(e, 'interpretation', o.interpretation?.join(';'));
      put(e, 'performedAt', o.performedAt);
      put(e, 'issuedAt', r.issuedAt);
      put(e, 'conclusion', r.conclusion);
      put(e, 'note', o.note);
      entries.push(e);
    }
  }
  return { value: entries, warnings: [...omitted].map(unnamed) };
}

/** The warning for a model field written nowhere because no CV 365 field name is configured for it. */
function unnamed(key: string): ValidationIssue {
  return issue(
    'CV365_FIELD_UNNAMED',
    `fields.${key}`,
    `No CV 365 field name is configured for ${key}: not written`,
    `Chưa cấu hình tên trường CV 365 cho ${key}: không ghi`,
  );
}

const parser = flatXmlParser(GROUP);

/** Encodes reports as a CV 365 `HoSoBenhAn` document holding their `KetQuaXetNghiem` entries. */
export function encodeCv365(
  reports: LabReport | readonly LabReport[],
  options: Cv365Options & { format?: 'json' | 'xml' } = {},
): Cv365Document {
  return encodeReports('CV365_ENCODE_FAILED', reports, (list) => {
    const { value: entries, warnings } = encodeCv365Entries(list, options);
    const format = options.format ?? 'json';
    const codeSystem = options.codeSystem ?? {
      system: { ...DEFAULT_LAB_SYSTEMS, ...options.systems }.national,
    };
    const doc = { [ROOT]: { [GROUP]: entries } };
    const document = format === 'json' ? JSON.stringify(doc, null, 2) : toXmlDocument(doc);
    return { value: document, warnings, format, codeSystem };
  });
}

/** What {@link decodeCv365} returns: the reports as `value`, and the warnings. */
export type Cv365DecodeResult = WithWarnings<LabReport[]>;

/** {@link decodeCv365}, answering a `Result` instead of throwing. */
export function safeDecodeCv365(
  document: string,
  options: Cv365Options = {},
): Result<Cv365DecodeResult, ValidationError> {
  return attempt<Cv365DecodeResult, ValidationError>(() => decodeCv365(document, options));
}

/**
 * Decodes the `KetQuaXetNghiem` entries of a CV 365 document (JSON or XML, detected). Entries are
 * grouped into reports by the configured `reportId` field, else form one report (`options.reportId`).
 */
export function decodeCv365(document: string, options: Cv365Options = {}): Cv365DecodeResult {
  return decodeText(document, INPUT, (input) => {
    const text = input.replace(/^\uFEFF/, '').trim();
    const json = text.startsWith('{');
    const doc: unknown = parseOrInvalid(
      () => (json ? JSON.parse(text) : parser.parse(text, true)),
      'CV365_NOT_WELL_FORMED',
      ROOT,
      `The ${json ? 'JSON' : 'XML'} is not well formed`,
      `${json ? 'JSON' : 'XML'} không đúng cú pháp`,
    );
    const root = (doc as Record<string, unknown> | null)?.[ROOT];
    if (!root || typeof root !== 'object')
      throw invalid('CV365_ROOT_MISSING', ROOT, `Root ${ROOT} not found`, `Không thấy phần tử gốc ${ROOT}`);
    const raw = (root as Record<string, unknown>)[GROUP];
    const list = raw === undefined || raw === '' ? [] : Array.isArray(raw) ? raw : [raw];
    return entriesToReports(list, options);
  });
}

function entriesToReports(list: readonly unknown[], options: Cv365Options): Cv365DecodeResult {
  const f = { ...CV365_CONFIRMED_FIELDS, ...options.fields };
  const systems = { ...DEFAULT_LAB_SYSTEMS, ...options.systems };
  const cs = options.codeSystem ?? { system: systems.national };
  const unit = options.normaliseUnit ?? normaliseUnit;
  const warnings: ValidationIssue[] = [];
  const groups = new Map<string, { report: LabReport }>();
  list.forEach((item, i) => {
    const path = `${ROOT}.${GROUP}[${i}]`;
    if (!item || typeof item !== 'object' || Array.isArray(item))
      throw invalid(
        'CV365_ENTRY_INVALID',
        path,
        'An entry must be an object of fields',
        'Mỗi mục phải là một đối tượng gồm các trường',
      );
    const e = item as Record<string, unknown>;
    const get = (key: keyof Cv365FieldMap): string | undefined => {
      const name = f[key];
      if (!name) return undefined;
      const v = e[name];
      if (v === undefined || v === null || v === '') return undefined;
      if (typeof v === 'number' || typeof v === 'boolean') return String(v);
      if (typeof v !== 'string')
        throw invalid(
          'CV365_FIELD_INVALID',
          `${path}.${name}`,
          `${name} must be text`,
          `${name} phải là văn bản`,
        );
      return v;
    };
    const id = get('reportId') ?? options.reportId ?? 'cv365';
    let g = groups.get(id);
    if (!g) {
      const issuedAt = get('issuedAt');
      const conclusion = get('conclusion');
      g = {
        report: {
          id,
          patient: options.patient ?? { identifiers: [] },
          codes: [],
          status: 'final',
          ...(issuedAt ? { issuedAt } : {}),
          ...(conclusion ? { conclusion } : {}),
          observations: [],
        },
      };
      groups.set(id, g);
    }
    const code = get('indicatorCode');
    const system = get('codeSystem') ?? cs.system;
    const version = get('codeSystemVersion') ?? cs.version;
    const name = get('indicatorName');
    const recognised = code ? isRecognisedCode(system, code, systems) : true;
    if (code && !recognised)
      warnings.push(
        issue(
          'CV365_CODE_UNRECOGNISED',
          `${path}.${f.indicatorCode}`,
          'machiso is not a QĐ 1227 code; kept and flagged',
          'machiso không phải mã QĐ 1227; vẫn giữ và đánh dấu',
        ),
      );
    const value = valueFromText(get('value'), get('unit'), unit);
    const range = get('referenceRange');
    const interpretation = get('interpretation');
    const performedAt = get('performedAt');
    const note = get('note');
    const obs: LabObservation = {
      codes: code
        ? [
            {
              system,
              code,
              ...(version ? { version } : {}),
              ...(name ? { display: name } : {}),
              ...(recognised ? {} : { unrecognised: true as const }),
            },
          ]
        : [],
      ...(name ? { name } : {}),
      status: 'final',
      ...(value ? { value } : {}),
      ...(range ? { referenceRange: [{ text: range }] } : {}),
      ...(interpretation ? { interpretation: interpretation.split(';').filter(Boolean) } : {}),
      ...(performedAt ? { performedAt } : {}),
      ...(note ? { note } : {}),
    };
    g.report.observations.push(obs);
  });
  return { value: [...groups.values()].map((g) => g.report), warnings };
}
