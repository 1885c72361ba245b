import {
  attempt,
  type IdentifierValue,
  type Result,
  ValidationError,
  type WithWarnings,
} from '@lienthong/core';
import { decodeText, type TextInput } from '../codec.js';
import { invalid, invalidMany, issue } from '../errors.js';
import type { Facility, LabCoding, LabObservation, LabReport } from '../model.js';
import { readCodings, readSpecimenSource, UNNAMED } from './datatypes/coded-element.js';
import { readFillerIdSystem, readIdentifier } from './datatypes/identifier.js';
import { readFacility } from './datatypes/organisation.js';
import { readSigner } from './datatypes/person-name.js';
import { parseRange } from './datatypes/reference-range.js';
import { readTimestamp } from './datatypes/timestamp.js';
import { readValue, textLines } from './datatypes/value.js';
import { type Ctx, type DecodeOruOptions, makeCtx, u } from './options.js';
import { CONCLUSION_TYPE, OBS_STATUS, REPORT_STATUS } from './tables.js';
import { field, piece, readDelimiters, type Segment, segmentPath, splitSegments } from './v2.js';

/**
 * What {@link decodeOru} returns: `value`, one report per OBR group; `warnings`, what was kept with
 * a caveat or not carried (unknown value types, OBX outside an order …); and the message's facts.
 */
export interface OruDecodeResult extends WithWarnings<LabReport[]> {
  /** MSH-12. */
  version: string;
  /** MSH-10. */
  controlId?: string;
}

const SUBJECT = { en: 'HL7 v2 message', vi: 'Bản tin HL7 v2' };
const INPUT: TextInput = {
  code: 'HL7_MESSAGE_UNREADABLE',
  path: 'MSH',
  subject: { en: 'HL7 v2 message', vi: 'bản tin HL7 v2' },
  expected: { en: 'Expected message text', vi: 'Cần nội dung bản tin dạng văn bản' },
};
const SUPPORTED = /^2\.(3|3\.1|4|5|5\.1|6)$/;

/** {@link decodeOru}, answering a `Result` instead of throwing. */
export function safeDecodeOru(
  text: string,
  options: DecodeOruOptions = {},
): Result<OruDecodeResult, ValidationError> {
  return attempt<OruDecodeResult, ValidationError>(() => decodeOru(text, options));
}

/**
 * Decodes an HL7 v2 ORU^R01 message (v2.3–2.6; CR, LF or CRLF; leading BOM) into one report per
 * OBR group. Throws a `ValidationError` whose `issues` name each bad segment/field (`OBX[2]-14`).
 */
export function decodeOru(text: string, options: DecodeOruOptions = {}): OruDecodeResult {
  return decodeText(text, INPUT, (message) => decodeOruUnsafe(message, options));
}

/** One OBR group being read: its report, and the notes that follow its segments. */
interface OpenReport {
  report: LabReport;
  lastObs?: LabObservation;
  notes: string[];
  conclusion: string[];
  obsNotes: Map<LabObservation, string[]>;
}

/** What the segments before the first OBR say about every report of the message. */
interface MessageFacts {
  controlId: string;
  sendingFacility: string;
  identifiers: IdentifierValue[];
  encounterId?: string;
  orderingFacility?: Facility;
  placer?: string;
}

function decodeOruUnsafe(text: string, options: DecodeOruOptions): OruDecodeResult {
  const d = readDelimiters(text);
  if (d instanceof ValidationError) throw d;
  const ctx = makeCtx(options, d);
  const segments = splitSegments(text, d);
  const msh = segments[0]!;
  const type = field(msh, 9, d);
  const event = piece(type, 0, d.component);
  const trigger = piece(type, 1, d.component);
  if (event !== 'ORU' || trigger !== 'R01') {
    throw invalid(
      'HL7_MESSAGE_TYPE_UNSUPPORTED',
      'MSH-9',
      `Message type ${u(event, ctx)}^${u(trigger, ctx)} is not ORU^R01`,
      `Loại bản tin ${u(event, ctx)}^${u(trigger, ctx)} không phải ORU^R01`,
    );
  }
  const version = u(piece(field(msh, 12, d), 0, d.component), ctx).trim();
  if (!SUPPORTED.test(version)) {
    ctx.warnings.push(
      issue(
        'HL7_VERSION_UNSUPPORTED',
        'MSH-12',
        `Version ${version || '(empty)'} is outside 2.3–2.6; read as 2.6`,
        `Phiên bản ${version || '(trống)'} ngoài 2.3–2.6; đọc như 2.6`,
      ),
    );
  }
  const facts: MessageFacts = {
    controlId: u(field(msh, 10, d), ctx).trim(),
    sendingFacility: u(piece(field(msh, 4, d), 0, d.component), ctx).trim(),
    identifiers: [],
  };
  const reports: LabReport[] = [];
  const open: OpenReport[] = [];
  let current: OpenReport | undefined;

  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    switch (seg.name) {
      case 'PID':
        readPatient(seg, facts, ctx);
        break;
      case 'PV1': {
        const visit = u(piece(field(seg, 19, d), 0, d.component), ctx).trim();
        if (visit) facts.encounterId = visit;
        break;
      }
      case 'ORC':
        facts.placer = u(piece(field(seg, 2, d), 0, d.component), ctx).trim() || undefined;
        facts.orderingFacility = readFacility(field(seg, 21, d), ctx);
        break;
      case 'OBR': {
        const report = readOrder(seg, facts, reports.length, options, ctx);
        current = { report, notes: [], conclusion: [], obsNotes: new Map() };
        open.push(current);
        reports.push(report);
        break;
      }
      case 'OBX': {
        if (!current) {
          ctx.warnings.push(
            issue(
              'HL7_OBX_OUTSIDE_ORDER',
              segmentPath(seg),
              'OBX before any OBR is not part of a report',
              'OBX đứng trước mọi OBR không thuộc phiếu kết quả nào',
            ),
          );
          break;
        }
        const observation = readObservation(seg, current.report, ctx);
        current.report.observations.push(observation);
        current.lastObs = observation;
        break;
      }
      case 'NTE': {
        if (!current) break;
        const textOf = textLines(field(seg, 3, d), ctx);
        if (current.lastObs) {
          const list = current.obsNotes.get(current.lastObs);
          if (list) list.push(textOf);
          else current.obsNotes.set(current.lastObs, [textOf]);
        } else if (u(piece(field(seg, 4, d), 0, d.component), ctx) === CONCLUSION_TYPE)
          current.conclusion.push(textOf);
        else current.notes.push(textOf);
        break;
      }
      case 'SPM':
        if (current) readSpecimen(seg, current.report, ctx);
        break;
      default:
        break;
    }
  }
  for (const o of open) {
    // Blank notes are left out (the model has no empty strings), as a blank CONCL line is.
    const note = o.notes.join('\n');
    if (note) o.report.note = note;
    else delete o.report.note;
    const conclusion = o.conclusion.join('\n');
    if (conclusion) o.report.conclusion = conclusion;
    for (const [obs, notes] of o.obsNotes) {
      const obsNote = notes.join('\n');
      if (obsNote) obs.note = obsNote;
    }
  }
  if (ctx.errors.length > 0) throw invalidMany(ctx.errors, SUBJECT);
  // Reports are valid LabReports by construction: every string is checked non-empty before it
  // is set, numbers come from a decimal pattern, times from the TS reader. The property test
  // "decoded reports satisfy LabReportSchema" (oru.test.ts) holds the decoder to it; a schema
  // pass here would cost more than the whole decode.
  return {
    value: reports,
    warnings: ctx.warnings,
    version,
    ...(facts.controlId ? { controlId: facts.controlId } : {}),
  };
}

/** PID-3 (and PID-2, v2.3): every identifier, each once. */
function readPatient(seg: Segment, facts: MessageFacts, ctx: Ctx): void {
  const d = ctx.d;
  for (const n of [3, 2]) {
    const raw = field(seg, n, d);
    if (raw === '') continue;
    for (let from = 0; from <= raw.length; ) {
      let to = raw.indexOf(d.repetition, from);
      if (to < 0) to = raw.length;
      const id = readIdentifier(raw.slice(from, to), ctx);
      if (id && !facts.identifiers.some((x) => x.system === id.system && x.value === id.value))
        facts.identifiers.push(id);
      from = to + 1;
    }
  }
}

/** The warning for a result status (OBR-25, OBX-11) outside its table: read as preliminary. */
const unknownStatus = (seg: Segment, n: number, code: string) =>
  issue(
    'HL7_STATUS_UNKNOWN',
    `${segmentPath(seg)}-${n}`,
    `Result status ${code} read as preliminary`,
    `Trạng thái ${code} được đọc là sơ bộ`,
  );

/** OBR: one report (observations, notes and specimen are added by the segments that follow). */
function readOrder(
  seg: Segment,
  facts: MessageFacts,
  index: number,
  options: DecodeOruOptions,
  ctx: Ctx,
): LabReport {
  const d = ctx.d;
  const fillerRaw = field(seg, 3, d);
  const filler0 = u(piece(fillerRaw, 0, d.component), ctx).trim();
  const placerHere = u(piece(field(seg, 2, d), 0, d.component), ctx).trim() || facts.placer;
  const id = filler0 || placerHere || `${facts.controlId || 'message'}-${index + 1}`;
  const service = readCodings(field(seg, 4, d), seg, 4, ctx);
  const statusCode = u(field(seg, 25, d), ctx).trim();
  const status = REPORT_STATUS[statusCode];
  if (statusCode && !status) ctx.warnings.push(unknownStatus(seg, 25, statusCode));
  const signer = readSigner(field(seg, 32, d), ctx);
  const specimenType = readSpecimenSource(field(seg, 15, d), seg, ctx);
  const effectiveAt = readTimestamp(field(seg, 7, d), seg, 7, ctx);
  const issuedAt = readTimestamp(field(seg, 22, d), seg, 22, ctx);
  const receivedAt = readTimestamp(field(seg, 14, d), seg, 14, ctx);
  // Keys in the order the model lists them (JSON output reads the same for every report).
  const report = { id } as LabReport;
  const idSystem = readFillerIdSystem(fillerRaw, seg, ctx);
  if (idSystem) report.idSystem = idSystem;
  report.patient = { identifiers: facts.identifiers };
  if (facts.encounterId) report.encounterId = facts.encounterId;
  if (placerHere) report.orderId = placerHere;
  report.codes = service.codings;
  const name = service.text || service.codings[0]?.display;
  if (name) report.name = name;
  report.status = status ?? (statusCode ? 'preliminary' : 'final');
  if (facts.orderingFacility) report.orderingFacility = facts.orderingFacility;
  if (facts.sendingFacility) report.performingFacility = { code: facts.sendingFacility };
  const specimenCoding = specimenType.codings[0];
  if (specimenCoding || receivedAt) {
    const specimen: NonNullable<LabReport['specimen']> = {};
    if (specimenCoding) specimen.type = specimenCoding;
    if (receivedAt) specimen.receivedAt = receivedAt;
    report.specimen = specimen;
  }
  if (effectiveAt) report.effectiveAt = effectiveAt;
  if (issuedAt) report.issuedAt = issuedAt;
  if (signer) report.signer = signer;
  report.observations = [];
  return options.defaults ? { ...report, ...options.defaults } : report;
}

/** OBX: one observation of the current report (OBX-23 also names the performing facility). */
function readObservation(seg: Segment, report: LabReport, ctx: Ctx): LabObservation {
  const d = ctx.d;
  const type = u(field(seg, 2, d), ctx)
    .trim()
    .toUpperCase();
  const code = readCodings(field(seg, 3, d), seg, 3, ctx);
  const value = readValue(type, field(seg, 5, d), field(seg, 6, d), seg, ctx);
  const range = parseRange(u(field(seg, 7, d), ctx));
  const flags = readFlags(field(seg, 8, d), ctx);
  const statusCode = u(field(seg, 11, d), ctx).trim();
  const status = OBS_STATUS[statusCode];
  if (statusCode && !status) ctx.warnings.push(unknownStatus(seg, 11, statusCode));
  // OBX-17 (CWE): the method's text (component 2), else its code.
  const methodRaw = piece(field(seg, 17, d), 0, d.repetition);
  const method =
    u(piece(methodRaw, 1, d.component), ctx).trim() || u(piece(methodRaw, 0, d.component), ctx).trim();
  const performedAt = readTimestamp(field(seg, 14, d), seg, 14, ctx);
  const performer = readFacility(field(seg, 23, d), ctx);
  if (performer) report.performingFacility = performer;
  const observation: LabObservation = {
    codes: code.codings,
    status: status ?? (statusCode ? 'preliminary' : report.status === 'cancelled' ? 'cancelled' : 'final'),
  };
  const obsName = code.text || code.codings[0]?.display;
  if (obsName) observation.name = obsName;
  if (value) observation.value = value;
  if (range) observation.referenceRange = [range];
  if (flags) observation.interpretation = flags;
  if (method) observation.method = method;
  if (performedAt) observation.performedAt = performedAt;
  return observation;
}

/** OBX-8: the first component of each repetition, blanks left out; `undefined` when none. */
function readFlags(raw: string, ctx: Ctx): string[] | undefined {
  if (raw === '') return undefined;
  let flags: string[] | undefined;
  for (let from = 0; from <= raw.length; ) {
    let to = raw.indexOf(ctx.d.repetition, from);
    if (to < 0) to = raw.length;
    const flag = u(piece(raw.slice(from, to), 0, ctx.d.component), ctx).trim();
    if (flag) {
      if (flags) flags.push(flag);
      else flags = [flag];
    }
    from = to + 1;
  }
  return flags;
}

/** SPM (v2.5+): specimen id, type, collection and reception times, merged into the report's. */
function readSpecimen(seg: Segment, report: LabReport, ctx: Ctx): void {
  const d = ctx.d;
  const sid = u(piece(piece(field(seg, 2, d), 0, d.component), 0, d.subcomponent), ctx).trim();
  const type = readCodings(field(seg, 4, d), seg, 4, ctx);
  const collectedAt = readTimestamp(piece(field(seg, 17, d), 0, d.component), seg, 17, ctx);
  const receivedAt = readTimestamp(field(seg, 18, d), seg, 18, ctx);
  const read = type.codings[0];
  let typeCoding: LabCoding | undefined;
  if (read) {
    // SPM-4 without a coding system is HL7 table 0487; a specimen type is never flagged.
    typeCoding = { system: read.system === UNNAMED ? ctx.names.HL70487! : read.system, code: read.code };
    if (read.display) typeCoding.display = read.display;
    if (read.version) typeCoding.version = read.version;
  }
  const specimen: NonNullable<LabReport['specimen']> = { ...report.specimen };
  if (sid) specimen.id = sid;
  if (typeCoding) specimen.type = typeCoding;
  if (type.text) specimen.typeText = type.text;
  if (collectedAt) specimen.collectedAt = collectedAt;
  if (receivedAt) specimen.receivedAt = receivedAt;
  report.specimen = specimen;
}
