import type { OperationOutcome } from '@medplum/fhirtypes';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatNationalDate,
  formatNationalDateTime,
  safeParseNationalDate,
  safeParseNationalDateTime,
} from './dates/national.js';
import { isLienThongError } from './errors/lienthong-error.js';
import { fromOperationOutcome, toOperationOutcome } from './errors/operation-outcome.js';
import { maskIdentifier, redactText, redactUrl } from './privacy/mask.js';
import { foldVietnamese } from './text/fold.js';
import { errorFromHttpResponse } from './transport/http-errors.js';

/** Runs fn; passes if it returns or throws a LienThongError, fails on any other exception. */
function resultOrTypedError(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    if (!isLienThongError(error)) throw error;
    expect(error.code).toMatch(/^[A-Z][A-Z0-9_]+$/);
    expect(error.message.length).toBeGreaterThan(5);
    expect(error.messageVi.length).toBeGreaterThan(5);
  }
}

const vietnameseText = fc.string({
  unit: fc.constantFrom(
    ...'aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵĐĂÂÊÔƠƯ ÀÁẠỲ\t\n-[]0123456789'.split(
      '',
    ),
  ),
});

describe('property: public functions never throw anything but the error family', () => {
  it('national date parsers and formatters, on any input', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        expect(typeof safeParseNationalDate(value).ok).toBe('boolean');
        expect(typeof safeParseNationalDateTime(value).ok).toBe('boolean');
        resultOrTypedError(() => formatNationalDate(value as string));
        resultOrTypedError(() => formatNationalDateTime(value as string));
      }),
    );
    fc.assert(
      fc.property(fc.string(), (s) => {
        resultOrTypedError(() => formatNationalDateTime(s));
      }),
    );
  });

  it('OperationOutcome and HTTP body mapping, on any JSON', () => {
    fc.assert(
      fc.property(fc.json(), fc.integer({ min: 100, max: 599 }), (json, status) => {
        const body = JSON.parse(json) as unknown;
        expect(
          isLienThongError(errorFromHttpResponse({ status, method: 'GET', url: 'http://h/x' }, body)),
        ).toBe(true);
        const outcome = {
          resourceType: 'OperationOutcome',
          issue: Array.isArray(body) ? body : [],
        } as OperationOutcome;
        resultOrTypedError(() => fromOperationOutcome(outcome, { status }));
      }),
    );
  });

  it('masking never throws and never leaves a 9+ digit run', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(redactText(s)).not.toMatch(/\d{9,}/);
        expect(redactUrl(s)).not.toMatch(/\d{9,}/);
        expect([...maskIdentifier(s)]).toHaveLength([...s].length);
      }),
    );
  });
});

describe('property: round trips and invariants', () => {
  it('yyyymmdd and yyyymmddHHMM round-trip through ISO 8601', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1900-01-01T00:00:00Z'),
          max: new Date('2199-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        (date) => {
          const national = formatNationalDateTime(date);
          const iso = safeParseNationalDateTime(national);
          expect(iso.ok).toBe(true);
          if (iso.ok) expect(formatNationalDateTime(iso.value)).toBe(national);
          const day = national.slice(0, 8);
          const isoDay = safeParseNationalDate(day);
          expect(isoDay.ok && formatNationalDate(isoDay.value)).toBe(day);
        },
      ),
    );
  });

  it('folding is idempotent, lower-case, mark-free, and agrees with NFD+regex on Vietnamese text', () => {
    const reference = (s: string) =>
      s
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '')
        .replace(/[đĐ]/g, 'd')
        .toLowerCase()
        .replace(/\s+/g, ' ')
        .trim();
    fc.assert(
      fc.property(vietnameseText, (s) => {
        const folded = foldVietnamese(s);
        expect(foldVietnamese(folded)).toBe(folded);
        expect(folded).toBe(reference(s));
        expect(foldVietnamese(s.normalize('NFD'))).toBe(folded);
      }),
    );
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(foldVietnamese(foldVietnamese(s))).toBe(foldVietnamese(s));
      }),
    );
  });

  it('errors survive an OperationOutcome round trip', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Z][A-Z0-9_]{2,30}$/),
        fc.string({ minLength: 1 }),
        fc.string({ minLength: 1 }),
        (code, en, vi) => {
          const back = fromOperationOutcome(
            toOperationOutcome(
              errorFromHttpResponse(
                { status: 404, method: 'GET', url: 'u' },
                { code, detail: en, messageVi: vi },
              ),
            ),
          );
          expect(back.code).toBe(code);
          expect(back.kind).toBe('not-found');
        },
      ),
    );
  });
});
