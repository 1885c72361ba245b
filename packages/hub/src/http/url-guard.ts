import { ValidationError } from '@lienthong/core';
import { hubFactory } from './factory.js';

// A percent-encoded control character (%00–%1F, %7F) anywhere in the URL. A decoded NUL reaches
// PostgreSQL as an error (a 5xx), and no id, token or name the hub reads holds a control character.
const ENCODED_CONTROL = /%(?:[01][0-9a-f]|7f)/i;

/** Middleware: 400 `HUB_URL_INVALID` for a URL carrying a control character, before anything reads it. */
export const refuseControlCharacters = hubFactory.createMiddleware(async (c, next) => {
  if (ENCODED_CONTROL.test(c.req.url))
    throw new ValidationError({
      code: 'HUB_URL_INVALID',
      message: 'The URL holds a control character (%00–%1F or %7F).',
      messageVi: 'URL chứa ký tự điều khiển (%00–%1F hoặc %7F).',
      path: 'url',
    });
  await next();
});
