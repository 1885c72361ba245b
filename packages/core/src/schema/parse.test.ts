import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { ValidationError } from '../errors/lienthong-error.js';
import { attempt, unwrap } from '../result.js';
import { parseWith, safeParseWith } from './parse.js';
import {
  code,
  httpUrl,
  IdentifierValueSchema,
  isoDate,
  isoDateTime,
  nonEmptyText,
  partialDate,
  uri,
} from './primitives.js';

describe('parseWith / safeParseWith', () => {
  const schema = z.object({ system: uri, value: nonEmptyText });
  it('returns the parsed value or a ValidationError', () => {
    expect(safeParseWith(schema, { system: 'urn:x', value: ' a ' })).toEqual({
      ok: true,
      value: { system: 'urn:x', value: 'a' },
    });
    const r = safeParseWith(schema, { system: 'nope', value: '' }, { code: 'ID_INVALID' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('ID_INVALID');
      expect(r.error.issues.map((i) => i.path)).toEqual(['system', 'value']);
    }
    expect(parseWith(schema, { system: 'urn:x', value: 'v' }).value).toBe('v');
    expect(() => parseWith(schema, null)).toThrow(ValidationError);
  });

  it('attempt turns a throwing function into a Result, wrapping foreign throwables', () => {
    expect(attempt(() => 42)).toEqual({ ok: true, value: 42 });
    const typed = attempt(() => parseWith(schema, null));
    expect(!typed.ok && typed.error).toBeInstanceOf(ValidationError);
    const foreign = attempt(() => {
      throw new TypeError('boom');
    });
    expect(!foreign.ok && foreign.error.code).toBe('INTERNAL_ERROR');
  });

  it('unwrap returns values and throws errors', () => {
    expect(unwrap({ ok: true, value: 1 })).toBe(1);
    expect(() => unwrap(safeParseWith(schema, 1))).toThrow(ValidationError);
  });
});

describe('shared primitives', () => {
  it.each([
    [isoDate, '2025-01-31', '2025-13-01'],
    [isoDateTime, '2025-01-31T14:30:00+07:00', '2025-01-31T14:30:00'],
    [partialDate, '1990', '1990-13'],
    [partialDate, '1990-05', '90'],
    [uri, 'http://loinc.org', 'loinc'],
    [httpUrl, 'https://pacs.example.vn/dicom-web', 'ftp://x'],
    [code, '23.0075.1494', ' 23.75'],
    [IdentifierValueSchema, { system: 'urn:x', value: '1' }, { system: 'urn:x', value: '  ' }],
  ] as const)('accepts the good and rejects the bad (%#)', (schema, good, bad) => {
    expect((schema as z.ZodType).safeParse(good).success).toBe(true);
    expect((schema as z.ZodType).safeParse(bad).success).toBe(false);
  });
});
