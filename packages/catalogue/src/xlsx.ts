/**
 * `@lienthong/catalogue/xlsx` — reads a sheet of an `.xlsx` workbook (the MoH publishes appendices
 * as spreadsheets) into a table the importers accept, through `read-excel-file` (maintained, no
 * known high/critical advisories). Numbers are kept as the text written in the cell, because codes
 * are text: `18.8` and `18.80` are different techniques.
 * @packageDocumentation
 */
import { ValidationError } from '@lienthong/core';
import { readSheet } from 'read-excel-file/universal';
import type { SourceTable } from './import/engine.js';

/**
 * Reads one sheet (default the first) into `{ header, rows }`; every cell becomes text.
 * Rows carry `line` = the spreadsheet row number.
 * @example
 * const table = await readXlsxTable(readFileSync('qd1227-pl05.xlsx'));
 * const { release, report } = importGeneric(table, { mapping, system, file: 'qd1227-pl05.xlsx' });
 */
export async function readXlsxTable(
  data: ArrayBuffer | Uint8Array,
  options: { sheet?: number | string; file?: string } = {},
): Promise<SourceTable> {
  const file = options.file ?? 'input.xlsx';
  try {
    const buffer =
      data instanceof Uint8Array
        ? (data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer)
        : data;
    const rows = await readSheet<string>(buffer, options.sheet ?? 1, {
      parseNumber: (text: string) => text,
      trim: false,
    });
    const text = (cell: unknown): string =>
      cell === null || cell === undefined
        ? ''
        : cell instanceof Date
          ? cell.toISOString().slice(0, 10)
          : String(cell);
    const [head = [], ...rest] = rows;
    return {
      header: head.map((c) => text(c).trim()),
      rows: rest.map((row, i) => ({ line: i + 2, fields: row.map(text) })),
    };
  } catch (error) {
    throw new ValidationError({
      code: 'XLSX_READ_FAILED',
      message: `Cannot read ${file} as an .xlsx workbook: ${error instanceof Error ? error.message : String(error)}`,
      messageVi: `Không đọc được ${file} như tệp .xlsx`,
      path: file,
      cause: error,
    });
  }
}
