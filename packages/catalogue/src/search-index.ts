/**
 * The search index of one release: a folded-token inverted index (Int32Array postings), a sorted
 * vocabulary for prefix expansion, and a symmetric-deletion table (built on first need) for one-typo
 * matches. Scores: idf-weighted best match per query word (exact 1, prefix 0.7, one typo 0.6),
 * boosted by how much of the query and of the name are covered; the best candidates are then
 * re-ranked with a name-prefix bonus (or a smaller bonus when the query appears as a phrase), plus a
 * bonus for each of a document's context names (its parents in a classification: ICD-10's
 * "Cúm và viêm phổi" for J18.9) that contains the query as whole words. Exact and prefix code
 * matches are handled by the caller.
 */
import { foldVietnamese } from '@lienthong/core';

/** Whether a character code of folded text belongs to a word: ASCII letters and digits, any non-ASCII non-space character. */
const isWordChar = (c: number): boolean =>
  (c >= 97 && c <= 122) ||
  (c >= 48 && c <= 57) ||
  (c > 127 && c !== 0xa0 && c !== 0x2026 && (c < 0x2010 || c > 0x2027));

/** Splits folded text into words (see `isWordChar`). */
export function splitFolded(folded: string): string[] {
  const words: string[] = [];
  let start = -1;
  for (let i = 0; i <= folded.length; i++) {
    const c = i < folded.length ? folded.charCodeAt(i) : 32;
    if (isWordChar(c)) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      words.push(folded.slice(start, i));
      start = -1;
    }
  }
  return words;
}

/** One scored candidate. */
export interface IndexHit {
  doc: number;
  score: number;
  namePrefix: boolean;
}

const EXACT = 1;
const PREFIX = 0.7;
const TYPO = 0.6;
const MAX_PREFIX_TERMS = 32;
/** Completions considered when the typed word is itself a word (they weigh less than it anyway). */
const MAX_COMPLETIONS_OF_WORD = 8;
/** Terms in more documents than this get a membership bitmap (built on first need). */
const COMMON_TERM = 512;
/** Re-rank bonus per context name holding the query, for at most two of them. */
const CONTEXT = 0.4;

/** Whether `phrase` occurs in `text` as whole words (both folded). */
function containsWords(text: string, phrase: string): boolean {
  for (let at = text.indexOf(phrase); at >= 0; at = text.indexOf(phrase, at + 1)) {
    const end = at + phrase.length;
    if (
      (at === 0 || !isWordChar(text.charCodeAt(at - 1))) &&
      (end === text.length || !isWordChar(text.charCodeAt(end)))
    )
      return true;
  }
  return false;
}

export class SearchIndex {
  readonly size: number;
  private readonly terms: string[] = [];
  private readonly termIds = new Map<string, number>();
  private readonly postings: number[][];
  private readonly idf: Float64Array;
  private readonly sortedTerms: string[];
  private readonly docLength: Uint16Array;
  private readonly folded: string[];
  private readonly contexts: (readonly string[] | undefined)[] | undefined;
  private deletes: Map<string, number[]> | undefined;
  // Scratch space reused across queries (no allocation per candidate).
  private readonly epochOf: Uint32Array;
  private readonly tokenOf: Uint32Array;
  private readonly best: Float64Array;
  private readonly score: Float64Array;
  private readonly matched: Uint16Array;
  private readonly touched: Int32Array;
  private epoch = 0;
  private tokenStamp = 0;

  /**
   * @param names the name of each document
   * @param contexts for each document, the names that place it (its parents), if any
   */
  constructor(names: readonly string[], contexts?: readonly (readonly string[] | undefined)[]) {
    const n = names.length;
    this.size = n;
    this.folded = new Array<string>(n);
    this.docLength = new Uint16Array(n);
    const lists: number[][] = [];
    for (let doc = 0; doc < n; doc++) {
      const folded = foldVietnamese(names[doc]!);
      this.folded[doc] = folded;
      const words = splitFolded(folded);
      this.docLength[doc] = Math.min(words.length, 65535);
      for (const w of words) {
        let id = this.termIds.get(w);
        if (id === undefined) {
          id = this.terms.push(w) - 1;
          this.termIds.set(w, id);
          lists.push([]);
        }
        const list = lists[id]!;
        if (list[list.length - 1] !== doc) list.push(doc);
      }
    }
    this.postings = lists;
    if (contexts !== undefined) {
      const folds = new Map<string, string>();
      const fold = (name: string) => {
        const known = folds.get(name);
        if (known !== undefined) return known;
        const folded = foldVietnamese(name);
        folds.set(name, folded);
        return folded;
      };
      this.contexts = Array.from({ length: n }, (_, doc) => contexts[doc]?.map(fold));
    }
    this.idf = Float64Array.from(lists, (l) => Math.log(1 + n / l.length));
    this.sortedTerms = [...this.terms].sort();
    this.epochOf = new Uint32Array(n);
    this.tokenOf = new Uint32Array(n);
    this.best = new Float64Array(n);
    this.score = new Float64Array(n);
    this.matched = new Uint16Array(n);
    this.touched = new Int32Array(n);
  }

  /** The folded name of a document. */
  foldedName(doc: number): string {
    return this.folded[doc]!;
  }

  private readonly members = new Map<number, Uint8Array>();

  private membership(term: number): Uint8Array {
    let member = this.members.get(term);
    if (member === undefined) {
      member = new Uint8Array(this.size);
      for (const doc of this.postings[term]!) member[doc] = 1;
      this.members.set(term, member);
    }
    return member;
  }

  private prefixTerms(token: string, out: number[], max: number): void {
    let lo = 0;
    let hi = this.sortedTerms.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sortedTerms[mid]! < token) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo, taken = 0; i < this.sortedTerms.length && taken < max; i++) {
      const term = this.sortedTerms[i]!;
      if (!term.startsWith(token)) break;
      if (term.length > token.length) {
        out.push(this.termIds.get(term)!);
        taken++;
      }
    }
  }

  private typoTerms(token: string, out: number[]): void {
    if (this.deletes === undefined) {
      const deletes = new Map<string, number[]>();
      this.terms.forEach((term, id) => {
        if (term.length < 3) return;
        for (let i = 0; i < term.length; i++) {
          const d = term.slice(0, i) + term.slice(i + 1);
          const list = deletes.get(d);
          if (list === undefined) deletes.set(d, [id]);
          else if (list[list.length - 1] !== id) list.push(id);
        }
      });
      this.deletes = deletes;
    }
    const seen = new Set<number>();
    const add = (id: number | undefined) => {
      if (id !== undefined && !seen.has(id)) {
        seen.add(id);
        out.push(id);
      }
    };
    for (const id of this.deletes.get(token) ?? []) add(id); // one letter missing from the query
    for (let i = 0; i < token.length; i++) {
      const d = token.slice(0, i) + token.slice(i + 1);
      add(this.termIds.get(d)); // one letter too many
      for (const id of this.deletes.get(d) ?? []) add(id); // one letter wrong or swapped
    }
  }

  /** Scores documents for a folded query; returns up to `limit` candidates, best first. */
  query(foldedQuery: string, limit: number): IndexHit[] {
    const tokens = [...new Set(splitFolded(foldedQuery))];
    if (tokens.length === 0 || limit <= 0) return [];
    this.epoch++;
    if (this.epoch === 0xffffffff) {
      this.epochOf.fill(0);
      this.epoch = 1;
    }
    const epoch = this.epoch;
    const epochOf = this.epochOf;
    const tokenOf = this.tokenOf;
    const best = this.best;
    const score = this.score;
    const matched = this.matched;
    const touched = this.touched;
    let touchedCount = 0;
    // Expand every token first, then walk the cheapest tokens first: once rarer words have produced
    // candidates, a very common word (e.g. "phau", "thuat") is checked only against those candidates
    // through a membership bitmap instead of walking its thousands of postings.
    const plans: {
      variants: number[];
      weights: number[];
      cost: number;
      exact: boolean;
      exactTerm: number;
    }[] = [];
    // Candidates may be restricted only after a word found verbatim: a misspelt word never narrows them.
    let restrict = false;
    for (let k = 0; k < tokens.length; k++) {
      const token = tokens[k]!;
      const exact = this.termIds.get(token);
      const variants: number[] = [];
      const weights: number[] = [];
      if (exact !== undefined) {
        variants.push(exact);
        weights.push(EXACT);
      }
      const isLast = k === tokens.length - 1;
      // Complete the last word while typing (a known two-letter word is not expanded: too many completions).
      if (token.length >= 2 && (exact === undefined || (isLast && token.length >= 3))) {
        const start = variants.length;
        this.prefixTerms(token, variants, exact === undefined ? MAX_PREFIX_TERMS : MAX_COMPLETIONS_OF_WORD);
        for (let i = start; i < variants.length; i++) weights.push(PREFIX);
      }
      if (exact === undefined && token.length >= 4) {
        const start = variants.length;
        this.typoTerms(token, variants);
        for (let i = start; i < variants.length; i++) weights.push(TYPO);
      }
      // Weights become idf-weighted scores; a completion or a typo variant never outweighs the word
      // itself when the word exists (so "cat" is not beaten by the rarer "cataract").
      const cap = exact === undefined ? Number.POSITIVE_INFINITY : 0.9 * this.idf[exact]!;
      let cost = 0;
      for (let v = 0; v < variants.length; v++) {
        const term = variants[v]!;
        const w = weights[v]! * this.idf[term]!;
        weights[v] = term === exact ? w : Math.min(w, cap);
        cost += this.postings[term]!.length;
      }
      plans.push({ variants, weights, cost, exact: exact !== undefined, exactTerm: exact ?? -1 });
    }
    plans.sort((a, b) => a.cost - b.cost);
    // A document scores once per query word, with the best of that word's variants.
    let stamp = 0;
    const credit = (doc: number, w: number): void => {
      if (tokenOf[doc] !== stamp) {
        tokenOf[doc] = stamp;
        best[doc] = w;
        score[doc]! += w;
        matched[doc]!++;
      } else if (w > best[doc]!) {
        score[doc]! += w - best[doc]!;
        best[doc] = w;
      }
    };
    for (const { variants, weights, exact, exactTerm } of plans) {
      stamp = ++this.tokenStamp;
      for (let v = 0; v < variants.length; v++) {
        const term = variants[v]!;
        const w = weights[v]!;
        const list = this.postings[term]!;
        if (restrict && list.length > COMMON_TERM && touchedCount < list.length) {
          const member = this.membership(term);
          for (let t = 0; t < touchedCount; t++) {
            const doc = touched[t]!;
            if (member[doc] !== 1) continue;
            credit(doc, w);
          }
          continue;
        }
        // After a verbatim word, completions and typo variants only score existing candidates.
        const addNew = !restrict || term === exactTerm;
        for (let i = 0; i < list.length; i++) {
          const doc = list[i]!;
          if (epochOf[doc] !== epoch) {
            if (!addNew) continue;
            epochOf[doc] = epoch;
            score[doc] = 0;
            matched[doc] = 0;
            touched[touchedCount++] = doc;
          }
          credit(doc, w);
        }
      }
      if (exact && touchedCount > 0) restrict = true;
    }
    // Keep the best `pool` candidates by score in a small insertion-sorted buffer.
    const pool = Math.max(limit * 8, 40);
    const top = new Int32Array(pool);
    const topScore = new Float64Array(pool);
    let size = 0;
    let floor = -1;
    const qn = tokens.length;
    const docLength = this.docLength;
    for (let t = 0; t < touchedCount; t++) {
      const doc = touched[t]!;
      const m = matched[doc]!;
      const length = docLength[doc]!;
      const s = score[doc]! * (0.5 + (0.5 * m) / qn) + (0.6 * m) / Math.max(length, m);
      if (size === pool && s <= floor) continue;
      let i = size === pool ? pool - 1 : size++;
      while (i > 0 && topScore[i - 1]! < s) {
        top[i] = top[i - 1]!;
        topScore[i] = topScore[i - 1]!;
        i--;
      }
      top[i] = doc;
      topScore[i] = s;
      floor = topScore[size - 1]!;
    }
    const hits: IndexHit[] = [];
    for (let i = 0; i < size; i++) {
      const doc = top[i]!;
      const folded = this.folded[doc]!;
      const namePrefix = folded.startsWith(foldedQuery);
      // The query's words in the same order, side by side, anywhere in the name.
      const phrase = !namePrefix && tokens.length > 1 && folded.includes(foldedQuery);
      let agreeing = 0;
      for (const context of this.contexts?.[doc] ?? [])
        if (agreeing < 2 && containsWords(context, foldedQuery)) agreeing++;
      const bonus = (namePrefix ? 2 : phrase ? 1 : 0) + CONTEXT * agreeing;
      hits.push({ doc, score: topScore[i]! + bonus, namePrefix });
    }
    hits.sort((a, b) => b.score - a.score || a.doc - b.doc);
    return hits.slice(0, limit);
  }
}
