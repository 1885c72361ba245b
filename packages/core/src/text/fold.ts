/**
 * Vietnamese text folding for search and matching: `Đường huyết` ≡ `duong huyet`.
 * Lower-cases, removes tone and vowel marks, maps đ/Đ to d, and collapses whitespace.
 *
 * Why not `normalize('NFD')` + a regex: Vietnamese text arrives both precomposed (NFC) and
 * decomposed (NFD, common in text pasted from PDFs and macOS), and `đ` has no decomposition. One
 * pass over a code-unit table (built once from NFD) folds both without allocating intermediate
 * strings; characters outside the table fall back to NFD (measured in bench/fold.bench.ts).
 */

const TABLE_SIZE = 0x2000; // Latin, Latin Extended Additional (Vietnamese), combining marks
const KEEP = 0xffff; // not in the table: fold through NFD
const DROP = 0xfffe; // combining mark: removed
const SPACE = 0xfffd; // whitespace: collapsed to one space

const TABLE = new Uint16Array(TABLE_SIZE).fill(KEEP);
for (let code = 0; code < TABLE_SIZE; code++) {
  if (code >= 0xd800) break;
  const ch = String.fromCharCode(code);
  if (/\s/.test(ch)) TABLE[code] = SPACE;
  else if (code >= 0x300 && code <= 0x36f) TABLE[code] = DROP;
  else {
    const base = ch
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase();
    if (base.length === 1) TABLE[code] = base.charCodeAt(0);
  }
}
TABLE[0x0111] = 0x64; // đ → d
TABLE[0x0110] = 0x64; // Đ → d

let buffer = new Uint16Array(256);

/**
 * Folds Vietnamese (or any Latin) text for comparison.
 * @example foldVietnamese('  ĐỊNH LƯỢNG  Glucose ') // 'dinh luong glucose'
 */
export function foldVietnamese(text: string): string {
  if (buffer.length < text.length) buffer = new Uint16Array(text.length * 2);
  let n = 0;
  let pendingSpace = false;
  let slow = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const mapped = code < TABLE_SIZE ? TABLE[code]! : KEEP;
    if (mapped === SPACE) {
      pendingSpace = n > 0;
    } else if (mapped === DROP) {
      // combining mark of decomposed input
    } else if (mapped === KEEP) {
      slow = true;
      break;
    } else {
      if (pendingSpace) {
        buffer[n++] = 0x20;
        pendingSpace = false;
      }
      buffer[n++] = mapped;
    }
  }
  if (slow) return foldSlow(text);
  return n <= 4096
    ? String.fromCharCode.apply(null, buffer.subarray(0, n) as unknown as number[])
    : decodeLong(n);
}

function decodeLong(n: number): string {
  let out = '';
  for (let start = 0; start < n; start += 4096) {
    out += String.fromCharCode.apply(
      null,
      buffer.subarray(start, Math.min(n, start + 4096)) as unknown as number[],
    );
  }
  return out;
}

/** Rare path: text with characters outside the table (CJK, emoji, other scripts). */
function foldSlow(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** The folded words of a text (split on whitespace and punctuation), for token indexes. */
export function foldedWords(text: string): string[] {
  return foldVietnamese(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}
