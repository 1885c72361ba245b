import type { WithWarnings } from '@lienthong/core';
import type { LabReport } from '../model.js';
import type { LabSystems } from '../systems.js';
import type { UnitNormaliser } from '../units.js';

/**
 * A fact some formats do not carry, which the caller supplies through an option of the same name:
 * `patient` (identifiers, absent from XML4 and CV 365) and `encounter` (the visit key MA_LK, which
 * XML4 requires on every row).
 */
export type ResultFormatNeed = 'patient' | 'encounter';

/** What a decoder returns: the reports as `value`, and what was kept with a caveat or not carried. */
export type DecodedResults = WithWarnings<LabReport[]>;

/** What an encoder returns: the document as `value`, and what the format could not carry (left out). */
export type EncodedResults = WithWarnings<string>;

/** Options every decoder of the registry understands (each reads those its format needs). */
export interface FormatDecodeOptions {
  /** Patient identifiers for formats that carry none (XML4, CV 365); ignored by the others. */
  patient?: LabReport['patient'];
  systems?: Partial<LabSystems>;
  normaliseUnit?: UnitNormaliser;
}

/** Options every encoder of the registry understands. */
export interface FormatEncodeOptions {
  systems?: Partial<LabSystems>;
}

/**
 * One document format of lab results, described for the registry: how to recognise it and how to
 * read and write it. Built-in descriptors wrap this package's codecs; a vendor writes one for its
 * own format (see {@link createResultFormats}).
 *
 * @example
 * const lisCsv: ResultFormat = {
 *   name: 'lis-csv',
 *   mediaTypes: ['text/csv'],
 *   extensions: ['.csv'],
 *   detect: (text) => (text.startsWith('report_id,code,value') ? 1 : 0),
 *   decode: (text, options) => ({ value: readMyCsv(text, options.patient), warnings: [] }),
 * };
 */
export interface ResultFormat {
  /** The name callers pass (`--from hl7`, `{ format: 'hl7' }`): unique in a registry. */
  readonly name: string;
  /** Other accepted names (`hl7v2` for `hl7`). */
  readonly aliases?: readonly string[];
  /** Media types of the format's documents, lower case without parameters (`application/fhir+json`). */
  readonly mediaTypes: readonly string[];
  /** File-name endings, lower case with the dot (`.hl7`). */
  readonly extensions: readonly string[];
  /** Facts the format does not carry, per direction: give them through the option of that name. */
  readonly needs?: {
    readonly decode?: readonly ResultFormatNeed[];
    readonly encode?: readonly ResultFormatNeed[];
  };
  /**
   * How sure the document is of this format, from 0 (not this format) to 1 (certain). It gets the
   * text without a byte-order mark and leading whitespace, and must not throw. The built-ins score
   * HL7 v2 1, CV 365 0.9, FHIR 0.8, XML4 0.5 (any XML), JSON reports 0.25 (any JSON).
   */
  detect(text: string): number;
  /** Reads a document; throws a `LienThongError` (a `ValidationError` naming the bad field) on bad input. */
  decode?(text: string, options: FormatDecodeOptions): DecodedResults;
  /**
   * Writes reports as one document, listing in `warnings` what the format could not carry; throws
   * a `LienThongError` when the format cannot hold them at all.
   */
  encode?(reports: readonly LabReport[], options: FormatEncodeOptions): EncodedResults;
}
