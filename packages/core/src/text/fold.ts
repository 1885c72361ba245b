/**
 * Vietnamese text folding for search and matching: `Đường huyết` ≡ `duong huyet`.
 * Lower-cases, removes tone and vowel marks, maps đ/Đ to d, and collapses whitespace.
 *
 * Why not only `normalize('NFD')` + a regex: Vietnamese text arrives both precomposed (NFC) and
 * decomposed (NFD, common in text pasted from PDFs and macOS), and `đ` has no decomposition.
 * A per-character table over the 134 precomposed Vietnamese letters handles the common case
 * without allocating a normalised copy; anything else falls back to NFD (see bench/fold.bench.ts).
 */

const BASES: Record<string, string> = {
  a: 'aàáảãạăằắẳẵặâầấẩẫậ',
  e: 'eèéẻẽẹêềếểễệ',
  i: 'iìíỉĩị',
  o: 'oòóỏõọôồốổỗộơờớởỡợ',
  u: 'uùúủũụưừứửữự',
  y: 'yỳýỷỹỵ',
  d: 'dđ',
};

const TABLE = new Map<number, string>();
for (const [base, letters] of Object.entries(BASES)) {
  for (const ch of letters) {
    TABLE.set(ch.codePointAt(0)!, base);
    TABLE.set(ch.toUpperCase().codePointAt(0)!, base);
  }
}

function isSpace(code: number): boolean {
  return (
    code === 32 ||
    (code >= 9 && code <= 13) ||
    code === 0xa0 ||
    code === 0x3000 ||
    (code >= 0x2000 && code <= 0x200a)
  );
}

/**
 * Folds Vietnamese (or any Latin) text for comparison.
 * @example foldVietnamese('  ĐỊNH LƯỢNG  Glucose ') // 'dinh luong glucose'
 */
export function foldVietnamese(text: string): string {
  let out = '';
  let pendingSpace = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (isSpace(code)) {
      pendingSpace = out.length > 0;
      continue;
    }
    let piece: string;
    if (code < 128) {
      piece = code >= 65 && code <= 90 ? String.fromCharCode(code + 32) : text[i]!;
    } else if (code >= 0x300 && code <= 0x36f) {
      continue; // combining mark of decomposed (NFD) input
    } else {
      const mapped = TABLE.get(code);
      piece = mapped ?? foldOther(text[i]!);
      if (piece === '') continue;
    }
    if (pendingSpace) {
      out += ' ';
      pendingSpace = false;
    }
    out += piece;
  }
  return out;
}

function foldOther(ch: string): string {
  return ch
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

/** The folded words of a text (split on whitespace and punctuation), for token indexes. */
export function foldedWords(text: string): string[] {
  return foldVietnamese(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}
