import { isValidationError, type LienThongError, toOperationOutcome, ValidationError } from '@lienthong/core';

// Every failure carries a stable code, both languages and the path at fault.
export function explain(error: LienThongError, lang: 'vi' | 'en'): string {
  const where = error.path ? ` (${error.path})` : '';
  return `${error.code}${where}: ${error.localizedMessage(lang)}`;
}

const error = new ValidationError({
  code: 'XML4_FIELD_TOO_LONG',
  message: 'MA_CHI_SO is longer than 50 characters.',
  messageVi: 'MA_CHI_SO dài quá 50 ký tự.',
  path: 'CHI_TIET_CLS[3].MA_CHI_SO',
});

if (isValidationError(error)) console.log(explain(error, 'vi'));
// A FHIR server answers the same error as an OperationOutcome:
console.log(JSON.stringify(toOperationOutcome(error), null, 2));
