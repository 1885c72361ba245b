import { isLienThongError } from '@lienthong/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { icd10Sources } from '../../test/icd10-data.js';
import { importIcd10Vn } from './icd10.js';

const sources = icd10Sources();
/** The real header of a table, then rows of arbitrary cells: the importer's deep paths on bad data. */
const withHeader = (text: string) =>
  fc
    .array(
      fc.array(
        fc.oneof(
          fc.string({ maxLength: 8 }),
          fc.constantFrom('J18.9', 'J189', 'J17*', 'A17†', 'X50-X57', ''),
        ),
        {
          maxLength: 24,
        },
      ),
      { maxLength: 6 },
    )
    .map((rows) => [text.slice(0, text.indexOf('\n')), ...rows.map((r) => r.join(','))].join('\n'));
const anyText = fc.string({ maxLength: 120 });

describe('importIcd10Vn (properties)', () => {
  it('never throws anything but a LienThongError, whatever the tables hold', () => {
    fc.assert(
      fc.property(
        fc.oneof(withHeader(sources.list), anyText),
        fc.oneof(withHeader(sources.notMainDiagnosis), anyText),
        fc.oneof(withHeader(sources.daggerAsteriskPairs), anyText),
        fc.oneof(withHeader(sources.ageSexRestrictions), anyText),
        (list, notMainDiagnosis, daggerAsteriskPairs, ageSexRestrictions) => {
          try {
            const { report } = importIcd10Vn({
              list,
              notMainDiagnosis,
              daggerAsteriskPairs,
              ageSexRestrictions,
            });
            for (const issue of report.issues) expect(issue.messageVi.length).toBeGreaterThan(0);
          } catch (error) {
            expect(isLienThongError(error)).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
