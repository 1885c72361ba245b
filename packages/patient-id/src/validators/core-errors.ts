// Build-time shim for the validators entry only (see tsup.config.ts): the slice of core it uses.
export { ValidationError } from '../../../core/src/errors/lienthong-error.js';
export { fail, ok, type Result } from '../../../core/src/result.js';
