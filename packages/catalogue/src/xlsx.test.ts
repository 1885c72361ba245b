import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { importGeneric, systemMeta } from './import/index.js';
import { readXlsxTable } from './xlsx.js';

// A SYNTHETIC minimal .xlsx workbook built in memory (inline strings, one sheet).
function workbook(rows: string[][]): Uint8Array {
  const col = (i: number) => String.fromCharCode(65 + i);
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const sheetRows = rows
    .map(
      (row, r) =>
        `<row r="${r + 1}">${row
          .map((v, c) =>
            /^\d+(\.\d+)?$/.test(v)
              ? `<c r="${col(c)}${r + 1}"><v>${v}</v></c>`
              : `<c r="${col(c)}${r + 1}" t="inlineStr"><is><t>${esc(v)}</t></is></c>`,
          )
          .join('')}</row>`,
    )
    .join('');
  return zipSync({
    '[Content_Types].xml': strToU8(
      '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
    ),
    '_rels/.rels': strToU8(
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    ),
    'xl/workbook.xml': strToU8(
      '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="PL" sheetId="1" r:id="rId1"/></sheets></workbook>',
    ),
    'xl/_rels/workbook.xml.rels': strToU8(
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    ),
    'xl/worksheets/sheet1.xml': strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${sheetRows}</sheetData></worksheet>`,
    ),
  });
}

describe('readXlsxTable', () => {
  it('reads a sheet as text (numbers keep their written form) and feeds the importer', async () => {
    const bytes = workbook([
      ['stt', 'ma_chi_so', 'ten_chi_so', 'don_vi'],
      ['1', '9990001', 'SYNTHETIC chỉ số', 'mmol/L'],
      ['2', '18.80', 'SYNTHETIC text code', ''],
    ]);
    const table = await readXlsxTable(bytes, { file: 'synthetic.xlsx' });
    expect(table.header).toEqual(['stt', 'ma_chi_so', 'ten_chi_so', 'don_vi']);
    expect(table.rows[1]).toEqual({ line: 3, fields: ['2', '18.80', 'SYNTHETIC text code', ''] });
    const r = importGeneric(table, {
      file: 'synthetic.xlsx',
      mapping: { stt: 'stt', code: 'ma_chi_so', display: 'ten_chi_so', unit: 'don_vi' },
      system: systemMeta('qd1227', { version: 'synthetic' }),
    });
    expect(r.report.issues).toMatchObject([{ code: 'CODE_PATTERN', row: 2, line: 3, value: '18.80' }]);
  });

  it('a file that is not a workbook is a ValidationError', async () => {
    await expect(readXlsxTable(new TextEncoder().encode('not a zip'))).rejects.toMatchObject({
      code: 'XLSX_READ_FAILED',
    });
  });
});
