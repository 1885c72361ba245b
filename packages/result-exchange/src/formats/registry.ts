import { isValidationError } from '@lienthong/core';
import { guard } from '../errors.js';
import type { LabReport } from '../model.js';
import {
  duplicateFormat,
  invalidInput,
  undetectedFormat,
  unknownFormat,
  unsupportedDirection,
  withEncounterHint,
} from './errors.js';
import type {
  DecodedResults,
  EncodedResults,
  FormatDecodeOptions,
  FormatEncodeOptions,
  ResultFormat,
} from './format.js';

/** A document: text, or bytes read as UTF-8. A leading byte-order mark is dropped either way. */
export type ResultDocument = string | Uint8Array;

/** What else is known about a document whose format is to be detected. */
export interface DetectFormatHints {
  /** Its file name: decides only when the content matches no format and one format claims the ending. */
  fileName?: string;
  /** Its media type (`Content-Type`): decides as the file name does, and before it. */
  mediaType?: string;
  /** The format to use when nothing else decides, instead of throwing `RESULT_FORMAT_UNDETECTED`. */
  fallback?: string;
}

/** Options of {@link ResultFormats.decode}: the format by name, else detected from the content and hints. */
export interface DecodeResultsOptions extends FormatDecodeOptions, DetectFormatHints {
  format?: string;
}

/** Options of {@link ResultFormats.encode}. */
export interface EncodeResultsOptions extends FormatEncodeOptions {
  /** Visit key (XML4 MA_LK) for reports that carry none. */
  encounter?: string;
  /**
   * How your users give each option (a command-line flag, a form field), named in the error that
   * asks for it. Default `options.encounter`.
   * @example { encounter: '--encounter <MA_LK>' }
   */
  optionNames?: { encounter?: string };
}

/** A set of formats addressed by name: detection, decoding and encoding. */
export interface ResultFormats {
  /** The formats, in registration order. */
  readonly formats: readonly ResultFormat[];
  /** Every accepted name (names and aliases), in registration order: for help texts and checks. */
  readonly names: readonly string[];
  /** The format of a name or alias; throws `RESULT_FORMAT_UNKNOWN`. */
  get(name: string): ResultFormat;
  /**
   * The name of the document's format: the highest `detect` score wins (the first registered on a
   * tie); when every score is 0, a media type or file name claimed by exactly one format, else
   * `hints.fallback`. Whatever the text or bytes, it throws only `RESULT_FORMAT_UNDETECTED` (and
   * `RESULT_FORMAT_UNKNOWN` for a fallback no format has).
   */
  detect(input: ResultDocument, hints?: DetectFormatHints): string;
  /** Decodes a document into `{ value, warnings }`: in `options.format`, else in the format detected. */
  decode(input: ResultDocument, options?: DecodeResultsOptions): DecodedResults;
  /**
   * Encodes reports as one document of the named format: `{ value, warnings }`, the warnings listing
   * what the format could not carry. When that format needs the visit key and a report has none,
   * the error says to give it with `options.encounter`.
   */
  encode(
    reports: LabReport | readonly LabReport[],
    format: string,
    options?: EncodeResultsOptions,
  ): EncodedResults;
}

/**
 * A registry of the given formats — the extension point for a vendor's own format. Names and
 * aliases must be unique (`RESULT_FORMAT_DUPLICATE`); to replace a built-in, leave it out of the list.
 *
 * @example
 * import { BUILT_IN_RESULT_FORMATS, createResultFormats } from '@lienthong/result-exchange/formats';
 *
 * const formats = createResultFormats([...BUILT_IN_RESULT_FORMATS, lisCsv]);
 * const { value: reports, warnings } = formats.decode(csvText); // detected by lisCsv.detect
 * const { value: bundle } = formats.encode(reports, 'fhir');
 */
export function createResultFormats(list: readonly ResultFormat[]): ResultFormats {
  const formats = Object.freeze([...list]);
  const byName = new Map<string, ResultFormat>();
  formats.forEach((format, i) => {
    for (const name of [format.name, ...(format.aliases ?? [])]) {
      if (byName.has(name)) throw duplicateFormat(name, i);
      byName.set(name, format);
    }
  });
  const names = Object.freeze([...byName.keys()]);

  const get = (name: string): ResultFormat => {
    const format = byName.get(name);
    if (!format) throw unknownFormat(name, names);
    return format;
  };

  const claimedBy = (has: (f: ResultFormat) => boolean): ResultFormat | undefined => {
    const claimed = formats.filter(has);
    return claimed.length === 1 ? claimed[0] : undefined;
  };

  const detectIn = (text: string, hints: DetectFormatHints): ResultFormat => {
    const head = text.trimStart();
    let best: ResultFormat | undefined;
    let bestScore = 0;
    for (const format of formats) {
      const score = run(format, () => format.detect(head));
      if (score > bestScore) [best, bestScore] = [format, score];
    }
    if (best) return best;
    const type = hints.mediaType?.split(';')[0]?.trim().toLowerCase();
    const file = hints.fileName?.toLowerCase();
    const hinted =
      (type ? claimedBy((f) => f.mediaTypes.includes(type)) : undefined) ??
      (file ? claimedBy((f) => f.extensions.some((e) => file.endsWith(e))) : undefined);
    if (hinted) return hinted;
    if (hints.fallback !== undefined) return get(hints.fallback);
    throw undetectedFormat(names);
  };

  return {
    formats,
    names,
    get,
    detect: (input, hints = {}) => detectIn(readText(input), hints).name,
    decode: (input, options = {}) => {
      const text = readText(input);
      const format = options.format !== undefined ? get(options.format) : detectIn(text, options);
      const { decode } = format;
      if (!decode) throw unsupportedDirection(format.name, 'decode');
      const { patient, systems, normaliseUnit } = options;
      return run(format, () => {
        const { value, warnings } = decode(text, { patient, systems, normaliseUnit });
        return { value, warnings };
      });
    },
    encode: (reports, name, options = {}) => {
      const format = get(name);
      const { encode } = format;
      if (!encode) throw unsupportedDirection(format.name, 'encode');
      const { encounter, systems } = options;
      const given = (Array.isArray(reports) ? reports : [reports]) as readonly LabReport[];
      // `r?.`: a JavaScript caller's list may hold anything, and no TypeError may escape.
      const filled = encounter
        ? given.map((r) => (r?.encounterId ? r : { ...r, encounterId: encounter }))
        : given;
      try {
        return run(format, () => {
          const { value, warnings } = encode(filled, { systems });
          return { value, warnings };
        });
      } catch (error) {
        const needsEncounter = format.needs?.encode?.includes('encounter') === true;
        if (needsEncounter && isValidationError(error) && filled.some((r) => !r?.encounterId))
          throw withEncounterHint(error, options.optionNames?.encounter ?? 'options.encounter');
        throw error;
      }
    },
  };
}

/** Runs a format's own function: a vendor's codec may throw outside the error family (a TypeError). */
function run<T>(format: ResultFormat, body: () => T): T {
  const what = { en: `${format.name} document`, vi: `tài liệu ${format.name}` };
  return guard('RESULT_FORMAT_CODEC_FAILED', what, body, format.name);
}

function readText(input: ResultDocument): string {
  if (typeof input === 'string') return input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  // TextDecoder drops the byte-order mark itself; isView also accepts bytes from another realm.
  if (ArrayBuffer.isView(input)) return new TextDecoder().decode(input);
  throw invalidInput();
}
