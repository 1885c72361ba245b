import type * as z from 'zod';
import type { ValidationError } from '../errors/lienthong-error.js';
import { type FromZodOptions, validationErrorFromZod } from '../errors/zod-issues.js';
import { fail, ok, type Result } from '../result.js';

/**
 * Validates `value` with a zod schema and returns a {@link Result}; failures become a
 * {@link ValidationError} listing every issue with its path.
 */
export function safeParseWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  options?: FromZodOptions,
): Result<z.output<S>, ValidationError> {
  const parsed = schema.safeParse(value);
  return parsed.success ? ok(parsed.data) : fail(validationErrorFromZod(parsed.error, options));
}

/** Like {@link safeParseWith} but throws the {@link ValidationError}. */
export function parseWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  options?: FromZodOptions,
): z.output<S> {
  const result = safeParseWith(schema, value, options);
  if (!result.ok) throw result.error;
  return result.value;
}
