import { readFileSync, writeFileSync } from 'node:fs';
import { encodeRelease } from '@lienthong/catalogue';
import { formatIssues, importQd1227, QD1227_COLUMNS } from '@lienthong/catalogue/import';
import { isUcumUnit } from '@lienthong/catalogue/units';

// An appendix of QĐ 1227/QĐ-BYT exported as CSV (headers matched ignoring case and diacritics).
// Problems in the rows are in the report; a file it cannot read at all (a column missing) throws.
const { release, report } = importQd1227(readFileSync('qd1227-pl05.csv', 'utf8'), {
  file: 'qd1227-pl05.csv',
  mapping: { ...QD1227_COLUMNS, code: 'ma_dung_chung' },
  appendixBase: 1070000, // Appendix 05: code = 1070000 + STT
  checkUnit: isUcumUnit,
  version: '2025-04-11',
});
for (const line of formatIssues(report.issues)) console.error(line); // file, row, line, column, rule
if (report.counts.error === 0)
  writeFileSync('qd1227-pl05.release.json', JSON.stringify(encodeRelease(release)));
