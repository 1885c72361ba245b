import { isLienThongError } from '@lienthong/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { safeParseIdentifier } from '../detect.js';
import { safeParseInsuranceCards } from '../identifiers.js';
import { oldProvinces } from '../provinces.js';
import { formatCitizenId, isCitizenId, safeParseCitizenId } from './citizen-id.js';
import { safeParseFacilityCode } from './facility-code.js';
import { formatInsuranceCard, safeParseInsuranceCard } from './insurance-card.js';
import { safeParseOldIdCard } from './old-id-card.js';
import { safeParsePassport } from './passport.js';

const PARSERS = [
  safeParseCitizenId,
  safeParseInsuranceCard,
  safeParseInsuranceCards,
  safeParseFacilityCode,
  safeParseOldIdCard,
  safeParsePassport,
];
const prefixes = oldProvinces().map((p) => `0${p.code}`);

describe('identifier properties', () => {
  it('any value in → a result or a typed error, never an exception', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.stringMatching(/^[0-9A-Za-z ;]{0,20}$/), fc.anything()),
        (value) => {
          for (const parse of PARSERS) {
            const r = parse(value as string);
            if (!r.ok) expect(isLienThongError(r.error) && /^[A-Z_]+$/.test(r.error.code)).toBe(true);
          }
          const c = safeParseIdentifier(value);
          if (!c.ok) expect(isLienThongError(c.error)).toBe(true);
          expect(typeof isCitizenId(value)).toBe('boolean');
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('isCitizenId agrees with safeParseCitizenId', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{12}$/), (s) => {
        expect(isCitizenId(s)).toBe(safeParseCitizenId(s).ok);
      }),
      { numRuns: 3000 },
    );
  });

  it('personal ID: parse → format round trip, and checking against its own year and sex passes', () => {
    const id = fc
      .tuple(
        fc.constantFrom(...prefixes),
        fc.constantFrom('0', '1', '2', '3', '8', '9'),
        fc.stringMatching(/^\d{8}$/),
      )
      .map(([p, g, rest]) => `${p}${g}${rest}`)
      .filter((s) => safeParseCitizenId(s).ok);
    fc.assert(
      fc.property(id, (s) => {
        const r = safeParseCitizenId(s);
        if (!r.ok) throw r.error;
        expect(formatCitizenId(r.value)).toBe(s);
        expect(safeParseCitizenId(s, { birthDate: String(r.value.birthYear), sex: r.value.sex }).ok).toBe(
          true,
        );
      }),
    );
  });

  it('insurance card: parse → format round trip (both forms, several cards)', () => {
    const full = fc
      .tuple(
        fc.stringMatching(/^[A-Z]{2}$/),
        fc.integer({ min: 1, max: 5 }),
        fc.constantFrom(...prefixes.map((p) => p.slice(1)), '97', '98'),
        fc.stringMatching(/^\d{10}$/),
      )
      .map(([g, l, p, n]) => `${g}${l}${p}${n}`);
    const card = fc.oneof(full, fc.stringMatching(/^\d{10}$/));
    fc.assert(
      fc.property(fc.array(card, { minLength: 1, maxLength: 4 }), (cards) => {
        const joined = cards.join(';');
        const r = safeParseInsuranceCards(joined);
        if (!r.ok) throw r.error;
        expect(r.value.map(formatInsuranceCard).join(';')).toBe(joined);
      }),
    );
  });
});
