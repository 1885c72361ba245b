import { redactText, ValidationError } from '@lienthong/core';

/** Where the accepted parameters are declared, for the refusal's message (English and Vietnamese). */
export interface DeclaredIn {
  en: string;
  vi: string;
}

/**
 * 400 for query parameters an endpoint does not take (`names`: keys, or `key=value` for a value
 * refused on its own, like an `_include`). Both APIs refuse them rather than ignore them: an ignored
 * filter widens a search silently (`patient[]=…` would read every patient's records). `/v1`
 * answers `HUB_PARAMETER_UNSUPPORTED`, the FHIR facade `FHIR_PARAMETER_UNSUPPORTED`.
 */
export function unsupportedParameters(
  code: 'HUB_PARAMETER_UNSUPPORTED' | 'FHIR_PARAMETER_UNSUPPORTED',
  names: readonly string[],
  declaredIn: DeclaredIn,
): ValidationError {
  // A name is whatever the client wrote, an identifier pasted as a key included: masked like one.
  const list = redactText(names.join(', '));
  return new ValidationError({
    code,
    message: `Parameter not supported here: ${list} (${declaredIn.en}).`,
    messageVi: `Tham số không được hỗ trợ ở đây: ${list} (${declaredIn.vi}).`,
    path: `query.${redactText(names[0]?.split('=')[0] ?? '')}`,
  });
}
