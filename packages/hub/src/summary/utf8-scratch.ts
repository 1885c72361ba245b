/** Most scratch bytes kept between two encodings: a rare, very long summary's memory is given back after it. */
const KEPT_BYTES = 4 * 1024 * 1024;

/** Encodes pieces of text as UTF-8 through one scratch buffer (one per thread: see {@link createUtf8Scratch}). */
export interface Utf8Scratch {
  /**
   * The pieces' UTF-8, written into `into` when it is large enough (starting at its offset 0), else
   * into a new buffer with a quarter to spare for a next, longer text.
   */
  encode(pieces: readonly string[], into?: ArrayBuffer): Uint8Array<ArrayBuffer>;
  /** The scratch buffer's size now (bytes kept for the next encoding). */
  readonly keptBytes: number;
}

/**
 * A UTF-8 encoder that writes each piece in turn into a scratch buffer, then copies the result out
 * once. A summary is ~80 KB of mostly Vietnamese text: joined into one two-byte string and encoded,
 * it costs several times more; and a new buffer sized for the worst case per answer — memory
 * outside V8's heap, which V8 counts — made the event loop collect its whole heap every few hundred
 * milliseconds (docs: hub performance). The scratch grows to the largest text seen up to
 * `keptBytes` (4 MiB: a summary of thousands of visits) and is given back after a longer one.
 *
 * @example
 * const scratch = createUtf8Scratch();
 * const bytes = scratch.encode(['{"name":', JSON.stringify('Nguyễn'), '}']);
 */
export function createUtf8Scratch({ keptBytes = KEPT_BYTES }: { keptBytes?: number } = {}): Utf8Scratch {
  let scratch = Buffer.allocUnsafeSlow(0);
  return {
    encode(pieces, into) {
      // 3 bytes per UTF-16 unit at most (a surrogate pair: 4 bytes for 2 units).
      let most = 0;
      for (const piece of pieces) most += piece.length * 3;
      if (scratch.length < most) scratch = Buffer.allocUnsafeSlow(most);
      let written = 0;
      for (const piece of pieces) written += scratch.write(piece, written);
      const out =
        into && into.byteLength >= written ? into : Buffer.allocUnsafeSlow(Math.ceil(written * 1.25)).buffer;
      scratch.copy(new Uint8Array(out), 0, 0, written);
      if (scratch.length > keptBytes) scratch = Buffer.allocUnsafeSlow(0);
      return new Uint8Array(out, 0, written);
    },
    get keptBytes() {
      return scratch.length;
    },
  };
}
