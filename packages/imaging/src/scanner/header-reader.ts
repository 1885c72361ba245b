import { attempt, isLienThongError, type Result, ValidationError } from '@lienthong/core';

/**
 * A dedicated DICOM Part-10 header reader: it decodes the few top-level attributes an imaging
 * reference needs and stops at Pixel Data (7FE0,0010), skipping everything else by length without
 * decoding it. Explicit and implicit VR, little and big endian, deflated (with an injected
 * `inflateRaw`) and encapsulated (compressed) transfer syntaxes; sequences of defined and undefined
 * length. Pure: no Node APIs, no exceptions other than the Liên Thông error family.
 */

/** The attributes the reader extracts (DICOM keyword → tag). */
export const HEADER_TAGS = {
  TransferSyntaxUID: 0x00020010,
  SpecificCharacterSet: 0x00080005,
  SOPClassUID: 0x00080016,
  SOPInstanceUID: 0x00080018,
  StudyDate: 0x00080020,
  SeriesDate: 0x00080021,
  StudyTime: 0x00080030,
  AccessionNumber: 0x00080050,
  Modality: 0x00080060,
  InstitutionName: 0x00080080,
  TimezoneOffsetFromUTC: 0x00080201,
  StudyDescription: 0x00081030,
  SeriesDescription: 0x0008103e,
  PatientID: 0x00100020,
  IssuerOfPatientID: 0x00100021,
  BodyPartExamined: 0x00180015,
  StudyInstanceUID: 0x0020000d,
  SeriesInstanceUID: 0x0020000e,
  StudyID: 0x00200010,
  SeriesNumber: 0x00200011,
  InstanceNumber: 0x00200013,
  NumberOfFrames: 0x00280008,
} as const;

export type HeaderKeyword = keyof typeof HEADER_TAGS;

const KEYWORD_BY_TAG = new Map<number, HeaderKeyword>(
  Object.entries(HEADER_TAGS).map(([k, t]) => [t, k as HeaderKeyword]),
);

/** What {@link parseDicomHeader} found. Values are trimmed text as stored (DA `YYYYMMDD`, TM `HHMMSS`). */
export interface DicomHeader {
  transferSyntaxUid: string;
  /** Attributes found at the top level of the dataset (absent ones are missing, empty ones are ''). */
  attributes: Partial<Record<HeaderKeyword, string>>;
  /** True when Pixel Data was reached (the reader stopped there). */
  pixelDataReached: boolean;
  /** Byte offset of Pixel Data in the (inflated) stream, when reached. */
  pixelDataOffset?: number;
}

/** Options of {@link parseDicomHeader}. */
export interface ReadHeaderOptions {
  /**
   * Whether `bytes` is the whole file. When false (a prefix read by a streaming scanner) running out
   * of bytes before Pixel Data raises {@link NEED_MORE_BYTES} instead of a truncation error.
   * Default true.
   */
  complete?: boolean;
  /** Raw-deflate decompressor for the Deflated Explicit VR Little Endian syntax (`zlib.inflateRawSync`). */
  inflateRaw?: (bytes: Uint8Array, complete: boolean) => Uint8Array;
  /** Where the bytes came from, used as the error `path`. */
  path?: string;
}

/** Thrown (as a `LienThongError` with this code) when a prefix ends before the header does. */
export const NEED_MORE_BYTES = 'DICOM_NEED_MORE_BYTES';

const UNDEFINED_LENGTH = 0xffffffff;
const PIXEL_DATA = 0x7fe00010;
const ITEM = 0xfffee000;
const ITEM_DELIMITATION = 0xfffee00d;
const SEQUENCE_DELIMITATION = 0xfffee0dd;
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);

const TS_IMPLICIT_LE = '1.2.840.10008.1.2';
const TS_EXPLICIT_BE = '1.2.840.10008.1.2.2';
const TS_DEFLATED = '1.2.840.10008.1.2.1.99';
const TS_DEFLATED_JPIP = '1.2.840.10008.1.2.4.95';

class NeedMore extends Error {}

function dicomError(code: string, message: string, messageVi: string, path?: string, cause?: unknown) {
  return new ValidationError({
    code,
    message,
    messageVi,
    ...(path === undefined ? {} : { path }),
    ...(cause === undefined ? {} : { cause }),
  });
}

/** True when the bytes start with a Part-10 preamble and the `DICM` prefix. */
export function isDicomPart10(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 132 &&
    bytes[128] === 0x44 &&
    bytes[129] === 0x49 &&
    bytes[130] === 0x43 &&
    bytes[131] === 0x4d
  );
}

function latin1(bytes: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

let utf8Decoder: TextDecoder | undefined;

function decodeText(bytes: Uint8Array, start: number, end: number, utf8: boolean): string {
  let text: string;
  if (utf8) {
    utf8Decoder ??= new TextDecoder('utf-8');
    text = utf8Decoder.decode(bytes.subarray(start, end));
  } else {
    text = latin1(bytes, start, end);
  }
  return text.replace(/^[ \0]+|[ \0]+$/g, '');
}

/** A cursor over one encoding of the dataset. */
class Reader {
  pos: number;
  constructor(
    readonly bytes: Uint8Array,
    readonly view: DataView,
    start: number,
    readonly littleEndian: boolean,
    readonly explicit: boolean,
    readonly complete: boolean,
  ) {
    this.pos = start;
  }
  get atEnd() {
    return this.pos >= this.bytes.length;
  }
  need(n: number) {
    if (this.pos + n > this.bytes.length) {
      if (!this.complete) throw new NeedMore();
      throw dicomError(
        'DICOM_TRUNCATED',
        `The DICOM data ends in the middle of an element (offset ${this.pos}).`,
        `Dữ liệu DICOM kết thúc giữa chừng một phần tử (vị trí ${this.pos}).`,
      );
    }
  }
  u16() {
    this.need(2);
    const v = this.view.getUint16(this.pos, this.littleEndian);
    this.pos += 2;
    return v;
  }
  u32() {
    this.need(4);
    const v = this.view.getUint32(this.pos, this.littleEndian);
    this.pos += 4;
    return v;
  }
  tag() {
    const group = this.u16();
    const element = this.u16();
    return ((group << 16) | element) >>> 0;
  }
  /** Reads an element header after its tag: [vr, length]. Item/delimiter tags carry no VR. */
  header(tag: number): [string, number] {
    if (!this.explicit || tag >>> 16 === 0xfffe) return ['', this.u32()];
    this.need(2);
    const vr = String.fromCharCode(this.bytes[this.pos]!, this.bytes[this.pos + 1]!);
    this.pos += 2;
    if (LONG_VRS.has(vr)) {
      this.u16(); // reserved
      return [vr, this.u32()];
    }
    if (!/^[A-Z]{2}$/.test(vr)) {
      throw dicomError(
        'DICOM_MALFORMED',
        `Invalid value representation at offset ${this.pos - 2}.`,
        `Kiểu giá trị (VR) không hợp lệ tại vị trí ${this.pos - 2}.`,
      );
    }
    return [vr, this.u16()];
  }
  skip(length: number) {
    this.need(length);
    this.pos += length;
  }
  /**
   * Skips the content of an element of undefined length (a sequence, or UN/encapsulated data):
   * walks items and nested elements until the matching Sequence Delimitation Item.
   */
  skipUndefined(implicitContent: boolean) {
    const inner = implicitContent && this.explicit ? this.sub(false) : this;
    let depth = 1;
    while (depth > 0) {
      const tag = inner.tag();
      if (tag === SEQUENCE_DELIMITATION) {
        inner.u32();
        depth--;
      } else if (tag === ITEM) {
        const length = inner.u32();
        if (length !== UNDEFINED_LENGTH) inner.skip(length);
      } else if (tag === ITEM_DELIMITATION) {
        inner.u32();
      } else {
        const [vr, length] = inner.header(tag);
        if (length === UNDEFINED_LENGTH) {
          if (vr === 'UN') inner.skipUndefined(true);
          else depth++;
        } else inner.skip(length);
      }
    }
    this.pos = inner.pos;
  }
  /** A reader at the same position in another VR encoding (undefined-length UN content is implicit VR LE). */
  sub(explicit: boolean): Reader {
    return new Reader(this.bytes, this.view, this.pos, true, explicit, this.complete);
  }
}

function viewOf(bytes: Uint8Array) {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function readDataset(reader: Reader, header: DicomHeader, metaOnly: boolean): void {
  let utf8 = false;
  while (!reader.atEnd) {
    const start = reader.pos;
    const tag = reader.tag();
    if (metaOnly && tag >>> 16 !== 0x0002) {
      reader.pos = start;
      return;
    }
    if (tag >= PIXEL_DATA) {
      if (tag === PIXEL_DATA) {
        header.pixelDataReached = true;
        header.pixelDataOffset = start;
      }
      return;
    }
    if (tag === SEQUENCE_DELIMITATION || tag === ITEM_DELIMITATION || tag === ITEM) {
      throw dicomError(
        'DICOM_MALFORMED',
        `Unexpected item or delimiter tag at the top level (offset ${start}).`,
        `Thẻ item hoặc thẻ phân cách xuất hiện sai chỗ ở cấp cao nhất (vị trí ${start}).`,
      );
    }
    const [vr, length] = reader.header(tag);
    if (length === UNDEFINED_LENGTH) {
      reader.skipUndefined(vr === 'UN');
      continue;
    }
    const keyword = KEYWORD_BY_TAG.get(tag);
    if (keyword !== undefined && vr !== 'SQ') {
      reader.need(length);
      const value = decodeText(reader.bytes, reader.pos, reader.pos + length, utf8);
      header.attributes[keyword] = value;
      if (keyword === 'SpecificCharacterSet') utf8 = /ISO_IR 192/.test(value);
    }
    reader.skip(length);
  }
}

/**
 * Parses the header of a DICOM Part-10 file (preamble, `DICM`, file meta group, then the dataset up
 * to Pixel Data). Throws a `ValidationError`: `DICOM_NOT_PART10` (no `DICM` prefix),
 * `DICOM_TRUNCATED`, `DICOM_MALFORMED`, `DICOM_DEFLATE_FAILED`, `DICOM_DEFLATE_UNAVAILABLE`; with
 * `complete: false`, a `LienThongError` with code {@link NEED_MORE_BYTES}.
 */
export function parseDicomHeader(bytes: Uint8Array, options: ReadHeaderOptions = {}): DicomHeader {
  const complete = options.complete ?? true;
  try {
    return readUnchecked(bytes, options, complete);
  } catch (error) {
    if (error instanceof NeedMore) {
      throw dicomError(
        NEED_MORE_BYTES,
        'More bytes are needed to read the DICOM header.',
        'Cần đọc thêm dữ liệu để đọc phần đầu DICOM.',
        options.path,
      );
    }
    if (isLienThongError(error)) {
      if (options.path !== undefined && error.path === undefined) {
        throw dicomError(error.code, error.message, error.messageVi, options.path, error.cause);
      }
      throw error;
    }
    throw dicomError(
      'DICOM_MALFORMED',
      'The DICOM data could not be read.',
      'Không đọc được dữ liệu DICOM.',
      options.path,
      error,
    );
  }
}

function readUnchecked(bytes: Uint8Array, options: ReadHeaderOptions, complete: boolean): DicomHeader {
  if (bytes.length < 132) {
    if (!complete) throw new NeedMore();
  }
  if (!isDicomPart10(bytes)) {
    throw dicomError(
      'DICOM_NOT_PART10',
      'Not a DICOM Part-10 file: no "DICM" prefix after the 128-byte preamble.',
      'Không phải tệp DICOM Part 10: không có tiền tố "DICM" sau 128 byte đầu.',
    );
  }
  const header: DicomHeader = { transferSyntaxUid: '', attributes: {}, pixelDataReached: false };
  const meta = new Reader(bytes, viewOf(bytes), 132, true, true, complete);
  readDataset(meta, header, true);
  if (meta.atEnd && !complete) throw new NeedMore();
  const ts = header.attributes.TransferSyntaxUID;
  if (ts === undefined || ts === '') {
    throw dicomError(
      'DICOM_TRANSFER_SYNTAX_MISSING',
      'The file meta information has no Transfer Syntax UID (0002,0010).',
      'Thông tin meta của tệp không có Transfer Syntax UID (0002,0010).',
    );
  }
  header.transferSyntaxUid = ts;
  let dataset = bytes;
  let start = meta.pos;
  if (ts === TS_DEFLATED || ts === TS_DEFLATED_JPIP) {
    if (!options.inflateRaw) {
      throw dicomError(
        'DICOM_DEFLATE_UNAVAILABLE',
        'The file uses the Deflated transfer syntax and no inflateRaw function was given.',
        'Tệp dùng cú pháp truyền Deflated nhưng không có hàm giải nén inflateRaw.',
      );
    }
    try {
      dataset = options.inflateRaw(bytes.subarray(start), complete);
    } catch (cause) {
      throw dicomError(
        'DICOM_DEFLATE_FAILED',
        'The deflated dataset could not be decompressed.',
        'Không giải nén được tập dữ liệu đã nén (deflate).',
        undefined,
        cause,
      );
    }
    start = 0;
  }
  const littleEndian = ts !== TS_EXPLICIT_BE;
  const explicit = ts !== TS_IMPLICIT_LE;
  const reader = new Reader(dataset, viewOf(dataset), start, littleEndian, explicit, complete);
  readDataset(reader, header, false);
  if (!header.pixelDataReached && !complete) throw new NeedMore();
  return header;
}

/** {@link parseDicomHeader}, answering a `Result` instead of throwing. */
export function safeParseDicomHeader(
  bytes: Uint8Array,
  options: ReadHeaderOptions = {},
): Result<DicomHeader> {
  return attempt(() => parseDicomHeader(bytes, options));
}
