/**
 * A reader for the flat XML of XML 130 — the `GIAMDINHHS` envelope and its tables: elements and
 * their text, nothing more.
 *
 * Why our own: fast-xml-parser alone (validate, then parse) reads only 1,600–1,900 visits/s of a
 * file set, below the 2,000 visits/s the codec must reach (bench/visits.bench.ts). This reader
 * makes one pass, builds one small node per element and allocates nothing for the whitespace
 * between elements. It reads what fast-xml-parser read for the codec (attributes ignored, values
 * trimmed, no type guessing), which the property tests check against fast-xml-parser itself:
 * - the text of an element joins its runs of character data, each trimmed (a comment does not end
 *   a run), with the predefined entities and character references decoded; CDATA is verbatim;
 * - CRLF and CR read as LF;
 * - attributes are checked for form and ignored; the XML declaration, comments and processing
 *   instructions are skipped.
 * It rejects, with the line, a DOCTYPE (entity declarations can expand without bound and XML 130
 * needs none), tags that do not match or are not closed, text or a second element outside the
 * root, and a reference that is not a predefined entity or a character XML allows.
 */

/** An element as read: its name, its text and its child elements in order. */
export interface XmlElement {
  readonly name: string;
  /** The element's text (see above); `''` when it has none. */
  readonly text: string;
  readonly children: readonly XmlElement[];
}

/** A document that is not well-formed: what is wrong and on which line (from 1). */
export class XmlSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'XmlSyntaxError';
  }
}

interface Node {
  name: string;
  text: string;
  children: Node[];
}

// Leaves are most elements: they share this (frozen) list until a first child arrives.
const NO_CHILDREN: Node[] = Object.freeze([]) as unknown as Node[];

// Names repeat (every row has the same fields): each is sliced and checked once, then found again
// by a hash of its characters — no string per element, and rows get the same keys.
const NAMES: (string | undefined)[] = new Array(1024);
const MAX_CACHED_NAME = 64;
// XML 1.0 names, the ASCII part exactly; any character above U+00BF is let through.
const NAME = /^[A-Za-z_:\u00C0-\uFFFF][\w.:\u00B7\u00C0-\uFFFF-]*$/;
const PREDEFINED: ReadonlyMap<string, string> = new Map([
  ['lt', '<'],
  ['gt', '>'],
  ['amp', '&'],
  ['quot', '"'],
  ['apos', "'"],
]);
const REFERENCE = /&(#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z]+);/g;
const CR = /\r\n?/g;

const GT = 62;
const SLASH = 47;
const BANG = 33;
const QUESTION = 63;
const EQUALS = 61;

const isSpace = (c: number): boolean => c === 32 || c === 10 || c === 9 || c === 13;

function lineAt(text: string, pos: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < pos; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** A code point XML 1.0 allows as a character (`Char`). */
function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

/** The character a reference stands for (`#…` numeric, else a predefined entity); `undefined` if none. */
function referenced(ref: string): string | undefined {
  if (ref.charCodeAt(0) !== 35) return PREDEFINED.get(ref);
  const hex = ref.charCodeAt(1) === 120;
  // More digits than a code point can have: reject before Number() loses them.
  if (ref.length > (hex ? 8 : 9)) return undefined;
  const cp = hex ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
  return isXmlChar(cp) ? String.fromCodePoint(cp) : undefined;
}

/** Decodes the references of text already checked by {@link Reader.checkReferences}. */
const decodeReferences = (text: string): string =>
  text.replace(REFERENCE, (_, ref: string) => referenced(ref)!);

/** One pass over one document. */
class Reader {
  private readonly stack: Node[] = [];
  /** Where each open element starts, for messages. */
  private readonly opened: number[] = [];
  private root: Node | undefined;
  /** The raw character data of the current run and what it needs on flush. */
  private run = '';
  private runHasReference = false;
  private runHasCr = false;

  constructor(private readonly text: string) {}

  private fail(pos: number, message: string): never {
    throw new XmlSyntaxError(message, lineAt(this.text, pos));
  }

  read(): XmlElement {
    const { text, stack } = this;
    const n = text.length;
    let i = 0;
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    if (this.isDeclaration(i)) i = this.skip(i, '<?', '?>', 'XML declaration');
    while (i < n) {
      const lt = text.indexOf('<', i);
      const end = lt === -1 ? n : lt;
      if (end > i) this.characters(i, end);
      if (lt === -1) break;
      const c = text.charCodeAt(lt + 1);
      if (c === SLASH) i = this.closeTag(lt);
      else if (c === BANG) i = this.bang(lt);
      else if (c === QUESTION) {
        if (this.isDeclaration(lt)) this.fail(lt, 'The XML declaration is allowed only at the start');
        this.flush();
        i = this.skip(lt, '<?', '?>', 'Processing instruction');
      } else i = this.openTag(lt);
    }
    if (stack.length > 0) {
      const open = stack.length - 1;
      this.fail(
        n,
        `Unclosed tag '${stack[open]!.name}' (opened on line ${lineAt(text, this.opened[open]!)})`,
      );
    }
    if (!this.root) this.fail(n, 'No element');
    return this.root;
  }

  private isDeclaration(lt: number): boolean {
    const c = this.text.charCodeAt(lt + 5);
    return this.text.startsWith('<?xml', lt) && (isSpace(c) || c === QUESTION);
  }

  /** Index after the `close` that ends the construct at `from`, whose opening is `open`. */
  private skip(from: number, open: string, close: string, what: string): number {
    const end = this.text.indexOf(close, from + open.length);
    if (end === -1) this.fail(from, `${what} is not closed`);
    return end + close.length;
  }

  /** Character data `text[from, to)`: part of the current run, or whitespace outside the root. */
  private characters(from: number, to: number): void {
    const { text } = this;
    let i = from;
    // Whitespace before any other text of a run is trimmed anyway: nothing to keep.
    if (this.run === '') {
      while (i < to && isSpace(text.charCodeAt(i))) i++;
      if (i === to) return;
    }
    if (this.stack.length === 0) this.fail(i, 'Text outside the root element');
    const piece = text.slice(i, to);
    if (piece.includes('&')) {
      this.checkReferences(piece, i);
      this.runHasReference = true;
    }
    if (piece.includes('\r')) this.runHasCr = true;
    this.run += piece;
  }

  private checkReferences(piece: string, at: number): void {
    for (let amp = piece.indexOf('&'); amp !== -1; amp = piece.indexOf('&', amp + 1)) {
      const semi = piece.indexOf(';', amp);
      const ref = semi === -1 ? '' : piece.slice(amp + 1, semi);
      if (semi === -1 || !/^(#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z]+)$/.test(ref) || referenced(ref) === undefined)
        this.fail(
          at + amp,
          `'&${semi === -1 || semi - amp > 12 ? '' : `${ref};`}' is neither a predefined entity nor a character XML allows`,
        );
    }
  }

  /** Ends the current run: trimmed, decoded, added to the open element's text. */
  private flush(): void {
    if (this.run === '') return;
    let t = this.run.trim();
    if (this.runHasCr) t = t.replace(CR, '\n');
    if (this.runHasReference) t = decodeReferences(t);
    this.append(t);
    this.run = '';
    this.runHasReference = false;
    this.runHasCr = false;
  }

  private append(t: string): void {
    if (t === '') return;
    const node = this.stack[this.stack.length - 1]!;
    node.text = node.text === '' ? t : node.text + t;
  }

  private openTag(lt: number): number {
    const { text, stack } = this;
    let i = lt + 1;
    let hash = 0;
    for (
      let c = text.charCodeAt(i);
      i < text.length && !isSpace(c) && c !== GT && c !== SLASH;
      c = text.charCodeAt(++i)
    )
      hash = (Math.imul(hash, 31) + c) | 0;
    const name = this.name(lt + 1, i, hash);
    if (this.root && stack.length === 0) this.fail(lt, `A second root element '${name}'`);
    const end = this.attributes(i, lt, name);
    this.flush();
    const node: Node = { name, text: '', children: NO_CHILDREN };
    const parent = stack[stack.length - 1];
    if (!parent) this.root = node;
    else if (parent.children === NO_CHILDREN) parent.children = [node];
    else parent.children.push(node);
    if (text.charCodeAt(end - 2) !== SLASH) {
      stack.push(node);
      this.opened.push(lt);
    }
    return end;
  }

  /** The tag name `text[from, to)`: the string read before when it is in the cache, else sliced and checked. */
  private name(from: number, to: number, hash: number): string {
    const slot = hash & (NAMES.length - 1);
    const cached = NAMES[slot];
    if (cached !== undefined && cached.length === to - from && this.text.startsWith(cached, from))
      return cached;
    const name = this.text.slice(from, to);
    if (!NAME.test(name)) this.fail(from - 1, `'<${name}' is not a tag with a valid name`);
    if (name.length > MAX_CACHED_NAME) return name;
    // A copy: a slice would keep the whole document alive in the cache.
    const copy = [...name].join('');
    NAMES[slot] = copy;
    return copy;
  }

  /** Reads past the attributes (`name="value"` or `'value'`, separated by whitespace) to the tag's end. */
  private attributes(from: number, lt: number, tag: string): number {
    const { text } = this;
    let i = from;
    for (;;) {
      const spaced = i < text.length && isSpace(text.charCodeAt(i));
      while (i < text.length && isSpace(text.charCodeAt(i))) i++;
      const c = text.charCodeAt(i);
      if (c === GT) return i + 1;
      if (c === SLASH && text.charCodeAt(i + 1) === GT) return i + 2;
      if (i >= text.length) this.fail(lt, `Tag '${tag}' is not closed`);
      if (!spaced) this.fail(i, `Tag '${tag}' is malformed at '${text[i]}'`);
      const start = i;
      for (
        let d = text.charCodeAt(i);
        i < text.length && !isSpace(d) && d !== EQUALS && d !== SLASH && d !== GT;
        d = text.charCodeAt(++i)
      );
      const attribute = text.slice(start, i);
      while (i < text.length && isSpace(text.charCodeAt(i))) i++;
      if (!NAME.test(attribute) || text.charCodeAt(i) !== EQUALS)
        this.fail(start, `Tag '${tag}': attribute '${attribute}' has no value`);
      i++;
      while (i < text.length && isSpace(text.charCodeAt(i))) i++;
      const quote = text[i];
      if (quote !== '"' && quote !== "'")
        this.fail(i, `Tag '${tag}': the value of attribute '${attribute}' is not quoted`);
      const close = text.indexOf(quote, i + 1);
      if (close === -1) this.fail(i, `Tag '${tag}': the value of attribute '${attribute}' is not closed`);
      i = close + 1;
    }
  }

  private closeTag(lt: number): number {
    const { text, stack, opened } = this;
    const node = stack[stack.length - 1];
    let i = lt + 2 + (node && text.startsWith(node.name, lt + 2) ? node.name.length : 0);
    const c = text.charCodeAt(i);
    if (!node || i === lt + 2 || !(isSpace(c) || c === GT)) {
      while (i < text.length && !isSpace(text.charCodeAt(i)) && text.charCodeAt(i) !== GT) i++;
      const name = text.slice(lt + 2, i);
      this.fail(
        lt,
        node
          ? `Closing tag '${name}' does not match '${node.name}' (opened on line ${lineAt(text, opened[opened.length - 1]!)})`
          : `Closing tag '${name}' has no opening tag`,
      );
    }
    while (i < text.length && isSpace(text.charCodeAt(i))) i++;
    if (text.charCodeAt(i) !== GT) this.fail(lt, `Closing tag '${node.name}' is not closed`);
    this.flush();
    stack.pop();
    opened.pop();
    return i + 1;
  }

  /** `<!--…-->`, `<![CDATA[…]]>`; anything else after `<!` (a DOCTYPE above all) is refused. */
  private bang(lt: number): number {
    const { text } = this;
    if (text.startsWith('<!--', lt)) return this.skip(lt, '<!--', '-->', 'Comment');
    if (text.startsWith('<![CDATA[', lt)) {
      if (this.stack.length === 0) this.fail(lt, 'CDATA outside the root element');
      const end = this.skip(lt, '<![CDATA[', ']]>', 'CDATA section');
      this.flush();
      const data = text.slice(lt + 9, end - 3);
      this.append(data.includes('\r') ? data.replace(CR, '\n') : data);
      return end;
    }
    if (text.startsWith('<!DOCTYPE', lt)) this.fail(lt, 'DOCTYPE is not allowed');
    return this.fail(lt, "'<!' starts neither a comment nor a CDATA section");
  }
}

/**
 * Reads an XML document into its root {@link XmlElement}; an {@link XmlSyntaxError} (with the
 * line) when it is not well-formed or uses what this reader refuses (see the module comment).
 */
export function readXml(text: string): XmlElement {
  return new Reader(text).read();
}
