import { describe, expect, it } from 'vitest';
import { explainError } from './explain.js';
import { TransportError, ValidationError } from './lienthong-error.js';

describe('explainError', () => {
  it('gives the code and both messages with the path, identifiers masked, no stack', () => {
    const error = new ValidationError({
      code: 'CCCD_INVALID',
      path: 'patient.identifiers[0]',
      message: 'CCCD 001203012345 does not match the birth year',
      messageVi: 'CCCD 001203012345 không khớp năm sinh',
    });
    const { text, retryable } = explainError(error);
    expect(text).toBe(
      '[CCCD_INVALID] CCCD 001*******45 does not match the birth year (patient.identifiers[0])\n' +
        '[CCCD_INVALID] CCCD 001*******45 không khớp năm sinh (patient.identifiers[0])',
    );
    expect(text).not.toContain('at ');
    expect(retryable).toBe(false);
  });

  it('does not repeat a path the message already names', () => {
    const error = new ValidationError({
      code: 'X',
      path: 'a.b',
      message: 'a.b is wrong',
      messageVi: 'a.b sai',
    });
    expect(explainError(error).text).toBe('[X] a.b is wrong\n[X] a.b sai');
  });

  it('says a retryable transport failure is retryable', () => {
    const error = new TransportError({
      message: 'down',
      messageVi: 'ngừng',
      retryable: true,
      method: 'GET',
      url: 'http://127.0.0.1:1/',
    });
    expect(explainError(error).retryable).toBe(true);
  });

  it('puts anything else on one line and adds the stack only when asked', () => {
    const error = new RangeError('bad 079185001234\nsecond line');
    expect(explainError(error).text).toBe('RangeError: bad 079*******34');
    expect(explainError(error, { stack: true }).text.split('\n').length).toBeGreaterThan(1);
    expect(explainError('plain').text).toBe('plain');
  });
});
