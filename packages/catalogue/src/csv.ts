/**
 * A small RFC 4180 CSV reader: quoted fields with `""` escapes, commas and line breaks inside
 * quotes, CRLF or LF, a leading UTF-8 BOM. Every record keeps the physical line it started on, so
 * import reports can point at the line a user opens in an editor.
 */

/** One CSV record with the 1-based physical line where it starts. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/**
 * Parses CSV text into records. Never throws: an unterminated quote ends the last field at the
 * end of the text and is reported in `unterminatedQuoteLine`.
 * @example parseCsv('a,b\n1,"x, y"\n').records[1]!.fields // ['1', 'x, y']
 */
export function parseCsv(
  text: string,
  delimiter = ',',
): { records: CsvRecord[]; unterminatedQuoteLine?: number } {
  const records: CsvRecord[] = [];
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const d = delimiter.charCodeAt(0);
  let line = 1;
  let i = 0;
  const n = src.length;
  let unterminated: number | undefined;
  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    let field = '';
    let endOfRecord = false;
    while (!endOfRecord) {
      if (src.charCodeAt(i) === 34 /* " */) {
        const quoteLine = line;
        i++;
        let closed = false;
        while (i < n) {
          const c = src.charCodeAt(i);
          if (c === 34) {
            if (src.charCodeAt(i + 1) === 34) {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            closed = true;
            break;
          }
          if (c === 10) line++;
          field += src[i];
          i++;
        }
        if (!closed) unterminated ??= quoteLine;
      }
      // unquoted part (or text after a closing quote)
      let start = i;
      while (i < n) {
        const c = src.charCodeAt(i);
        if (c === d || c === 10 || c === 13) break;
        i++;
      }
      field += src.slice(start, i);
      start = i;
      if (i >= n) {
        fields.push(field);
        endOfRecord = true;
      } else if (src.charCodeAt(i) === d) {
        fields.push(field);
        field = '';
        i++;
      } else {
        fields.push(field);
        if (src.charCodeAt(i) === 13) i++;
        if (src.charCodeAt(i) === 10) i++;
        line++;
        endOfRecord = true;
      }
    }
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: startLine, fields });
  }
  return unterminated === undefined ? { records } : { records, unterminatedQuoteLine: unterminated };
}

/** Quotes a value for CSV output when needed. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
