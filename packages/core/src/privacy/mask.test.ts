import { describe, expect, it } from 'vitest';
import { maskIdentifier, redactText, redactUrl } from './mask.js';

describe('masking', () => {
  it('masks identifiers keeping 3 + 2 characters', () => {
    expect(maskIdentifier('001203012345')).toBe('001*******45');
    expect(maskIdentifier('DN4010123456789')).toBe('DN4**********89');
    expect(maskIdentifier('123456')).toBe('*****6');
    expect(maskIdentifier('7')).toBe('*');
    expect(maskIdentifier('')).toBe('');
  });

  it('masks identifier-looking tokens in free text but keeps short numbers', () => {
    expect(redactText('patient 001203012345 card DN4010123456789 since 2025, 3 results')).toBe(
      'patient 001*******45 card DN4**********89 since 2025, 3 results',
    );
    expect(redactText('CMND 123456789')).toBe('CMND 123****89');
  });

  it('redacts URLs: user-info, query values, identifiers in the path', () => {
    expect(redactUrl('https://u:p@h.vn/fhir/Patient?identifier=sys|001203012345&family=Nguyễn')).toBe(
      'https://h.vn/fhir/Patient?identifier=***&family=***',
    );
    expect(redactUrl('http://h/Patient/001203012345/history')).toBe('http://h/Patient/001*******45/history');
    expect(redactUrl('not a url 001203012345')).toBe('not a url 001*******45');
    expect(redactUrl('//u:p@host/x')).toBe('//host/x');
  });
});
