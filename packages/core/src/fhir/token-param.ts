/*
 * The one reader and writer of `system|value` tokens, by the FHIR R4 token search rules
 * (https://hl7.org/fhir/R4/search.html#token and #escaping): `[system]|[code]`, `[code]` (any
 * system), `|[code]` (no system), `[system]|` (any code in the system); `\|`, `\,`, `\$` and `\\`
 * stand for the character itself. Splitting a parameter's comma-separated values ("any of") is
 * the caller's job: a token here is one value.
 */

import { identifierSystemAliases } from '../identifier-systems.js';

/** Characters a token escapes with a backslash. */
const SPECIAL = /[\\|,$]/g;

/** A token of FHIR token search, as {@link parseTokenParam} reads it. */
export interface TokenParam {
  /** The system: `undefined` when the token names none (any system), `''` for `|value` (no system). */
  system?: string;
  /** The code or identifier value: `undefined` when the token has none (`system|`: any value of it). */
  value?: string;
}

/**
 * Reads one token: the system before the first unescaped `|`, the value after it, escapes
 * resolved. It never throws — whether a token without a system or a value is acceptable is the
 * caller's rule. A backslash before any other character is kept as written; a second unescaped
 * `|` belongs to the value.
 * @example
 * parseTokenParam('urn:lienthong:sid:mrn|BN\\|042') // { system: 'urn:lienthong:sid:mrn', value: 'BN|042' }
 * parseTokenParam('042')                            // { value: '042' } — any system
 * parseTokenParam('|042')                           // { system: '', value: '042' } — no system
 * parseTokenParam('http://loinc.org|')              // { system: 'http://loinc.org' } — any code
 */
export function parseTokenParam(text: string): TokenParam {
  let system: string | undefined;
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const next = text[i + 1];
    if (ch === '\\' && next !== undefined && '\\|,$'.includes(next)) {
      current += next;
      i++;
    } else if (ch === '|' && system === undefined) {
      system = current;
      current = '';
    } else {
      current += ch;
    }
  }
  const value = current === '' ? {} : { value: current };
  return system === undefined ? value : { system, ...value };
}

/**
 * Writes a token that {@link parseTokenParam} (and any FHIR server) reads back as `system` and
 * `value`, escaping `\`, `|`, `,` and `$` in both. No system: the value alone (any system); no
 * value: `system|` (any value of the system).
 * @example
 * formatTokenParam(DEFAULT_IDENTIFIER_SYSTEMS.cccd, '001203012345') // 'http://fhir.ehealth.gov.vn/core/sid/national_id|001203012345'
 * formatTokenParam(undefined, 'A|1,2')                              // 'A\\|1\\,2'
 */
export function formatTokenParam(system: string | undefined, value?: string): string {
  const escaped = (s: string) => s.replace(SPECIAL, (c) => `\\${c}`);
  const escapedValue = value === undefined ? '' : escaped(value);
  return system === undefined ? escapedValue : `${escaped(system)}|${escapedValue}`;
}

/**
 * The search of a conditional create (`Bundle.entry.request.ifNoneExist`) on one identifier: its
 * token escaped ({@link formatTokenParam}) and URL-encoded, so an id holding `,` or `|` matches
 * itself and nothing else.
 * @example identifierCondition('urn:x', 'A,1') // 'identifier=urn%3Ax%7CA%5C%2C1'
 */
export function identifierCondition(system: string, value: string): string {
  return `identifier=${encodeURIComponent(formatTokenParam(system, value))}`;
}

/**
 * The token of an identifier in a search: the identifier under its system's current URI and each
 * older alias, comma-separated (FHIR ORs them), so resources a server holds under
 * `http://fhir.hl7.org.vn/core/sid/cccd` are found by `…/sid/national_id` and back. A system with
 * no alias is one token.
 * @example identifierSearchToken({ system: 'urn:x', value: '042' }) // 'urn:x|042'
 */
export function identifierSearchToken(identifier: { system: string; value: string }): string {
  return identifierSystemAliases(identifier.system)
    .map((system) => formatTokenParam(system, identifier.value))
    .join(',');
}
