/**
 * Masking for logs and messages. Personal identifiers (citizen IDs, insurance cards, phone
 * numbers) and names must never appear unmasked in anything the SDK prints.
 */

/**
 * Masks an identifier for display: keeps the first 3 and last 2 characters of values of 8+
 * characters, otherwise only the last character.
 * @example maskIdentifier('001203012345') // '001*******45'
 */
export function maskIdentifier(value: string): string {
  const chars = [...value];
  if (chars.length >= 8)
    return `${chars.slice(0, 3).join('')}${'*'.repeat(chars.length - 5)}${chars.slice(-2).join('')}`;
  if (chars.length <= 1) return '*'.repeat(chars.length);
  return `${'*'.repeat(chars.length - 1)}${chars[chars.length - 1]}`;
}

// Runs of 9+ digits (citizen ID, old ID card, social-insurance number, phone) and 15-character
// insurance cards (2 letters, 13 digits). Shorter numbers (years, counts, codes) stay readable.
const SENSITIVE = /\b[A-Z]{2}\d{13}\b|\d{9,}/g;

/**
 * Masks every identifier-looking token in free text (error messages, URLs, log lines).
 * @example redactText('patient 001203012345 not found') // 'patient 001*******45 not found'
 */
export function redactText(text: string): string {
  return text.replace(SENSITIVE, (token) => maskIdentifier(token));
}

/**
 * A URL safe to log: user-info removed, every query value masked, identifier-looking path
 * segments masked. Returns the input redacted as text when it is not a URL.
 * @example redactUrl('https://u:p@h/fhir/Patient?identifier=sys|001203012345') // 'https://h/fhir/Patient?identifier=***'
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return redactText(url.replace(/\/\/[^/@]*@/, '//'));
  }
  parsed.username = '';
  parsed.password = '';
  const keys = [...new Set(parsed.searchParams.keys())];
  const query = keys.map((k) => `${encodeURIComponent(k)}=***`).join('&');
  return `${parsed.origin}${redactText(parsed.pathname)}${query ? `?${query}` : ''}`;
}
