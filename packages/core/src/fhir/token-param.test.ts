import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatTokenParam,
  identifierCondition,
  identifierSearchToken,
  parseTokenParam,
} from './token-param.js';

/** Texts made of the characters a token escapes, and a few it does not. */
const text = fc.string({ unit: fc.constantFrom('a', 'Z', '0', '|', ',', '$', '\\', ':', 'đ', ' ') });

describe('parseTokenParam', () => {
  it('reads the four forms of a FHIR token', () => {
    expect(parseTokenParam('urn:x|42')).toEqual({ system: 'urn:x', value: '42' });
    expect(parseTokenParam('42')).toEqual({ value: '42' });
    expect(parseTokenParam('|42')).toEqual({ system: '', value: '42' });
    expect(parseTokenParam('urn:x|')).toEqual({ system: 'urn:x' });
    expect(parseTokenParam('|')).toEqual({ system: '' });
    expect(parseTokenParam('')).toEqual({});
  });

  it('splits at the first unescaped bar and resolves the four escapes', () => {
    expect(parseTokenParam('a|b|c')).toEqual({ system: 'a', value: 'b|c' });
    expect(parseTokenParam('a\\|b|c')).toEqual({ system: 'a|b', value: 'c' });
    expect(parseTokenParam('s|12\\|3\\,4\\$5\\\\')).toEqual({ system: 's', value: '12|3,4$5\\' });
    // An escaped backslash does not escape the bar after it.
    expect(parseTokenParam('a\\\\|b')).toEqual({ system: 'a\\', value: 'b' });
  });

  it('keeps a backslash before any other character, and a trailing one, as written', () => {
    expect(parseTokenParam('s|C:\\x')).toEqual({ system: 's', value: 'C:\\x' });
    expect(parseTokenParam('s|x\\')).toEqual({ system: 's', value: 'x\\' });
  });
});

describe('formatTokenParam', () => {
  it('escapes the system and the value', () => {
    expect(formatTokenParam('http://s', '12|3,4$5\\')).toBe('http://s|12\\|3\\,4\\$5\\\\');
    expect(formatTokenParam('urn:a|b', 'v')).toBe('urn:a\\|b|v');
    expect(formatTokenParam(undefined, 'abc')).toBe('abc');
    expect(formatTokenParam('', 'abc')).toBe('|abc');
    expect(formatTokenParam('urn:x')).toBe('urn:x|');
  });

  const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

  it('is read back by parseTokenParam for any system and value (an empty value is no value)', () => {
    fc.assert(
      fc.property(maybe(text), maybe(text), (system, value) => {
        const expected = {
          ...(system === undefined ? {} : { system }),
          ...(value ? { value } : {}),
        };
        expect(parseTokenParam(formatTokenParam(system, value))).toEqual(expected);
      }),
    );
  });

  it('writes back what it read, up to escapes of characters that need none', () => {
    fc.assert(
      fc.property(text, (raw) => {
        const token = parseTokenParam(raw);
        expect(parseTokenParam(formatTokenParam(token.system, token.value))).toEqual(token);
      }),
    );
  });
});

describe('identifierCondition', () => {
  it('is a URL query whose one identifier parameter reads back as the system and value', () => {
    expect(identifierCondition('urn:x', 'A,1')).toBe('identifier=urn%3Ax%7CA%5C%2C1');
    fc.assert(
      fc.property(text, text.filter(Boolean), (system, value) => {
        const params = new URLSearchParams(identifierCondition(system, value));
        expect([...params.keys()]).toEqual(['identifier']);
        expect(parseTokenParam(params.get('identifier')!)).toEqual({ system, value });
      }),
    );
  });
});

describe('identifierSearchToken', () => {
  it('asks for an old-URI identifier under the current URI too, and a system without aliases alone', () => {
    expect(
      identifierSearchToken({ system: 'http://fhir.hl7.org.vn/core/sid/bhyt', value: 'DN4790000000001' }),
    ).toBe(
      'http://fhir.ehealth.gov.vn/core/sid/insurance_number|DN4790000000001,http://fhir.hl7.org.vn/core/sid/bhyt|DN4790000000001',
    );
    expect(identifierSearchToken({ system: 'urn:lienthong:sid:mrn:79001', value: 'BN-1' })).toBe(
      'urn:lienthong:sid:mrn:79001|BN-1',
    );
  });
});
