/// <reference path="./ucum-lhc.d.ts" />
/**
 * `@lienthong/catalogue/units` — UCUM unit validation and conversion through `@lhncbc/ucum-lhc`
 * (the NLM implementation), e.g. glucose mg/dL ↔ mmol/L with the molar mass. A separate entry
 * point because the UCUM tables weigh ~60 kB: only code that compares units pays for them.
 * @packageDocumentation
 */

import * as ucum from '@lhncbc/ucum-lhc';
import { fail, ok, type Result, ValidationError } from '@lienthong/core';

type Utils = ReturnType<typeof ucum.UcumLhcUtils.getInstance>;
let utils: Utils | undefined;
const instance = (): Utils => {
  utils ??= ucum.UcumLhcUtils.getInstance();
  return utils;
};

/**
 * Runs a ucum-lhc call with `console.log` muted: the library logs parse failures to stdout, which
 * would corrupt a CLI's `--json` output. The call is synchronous, so the swap cannot leak.
 */
function quiet<T>(fn: () => T): T {
  const log = console.log;
  console.log = () => {};
  try {
    return fn();
  } finally {
    console.log = log;
  }
}

/** Molar masses (g/mol) of common analytes, for mass ↔ substance conversions. */
export const MOLAR_MASS = Object.freeze({
  /** Glucose C6H12O6. */
  glucose: 180.156,
  /** Creatinine C4H7N3O. */
  creatinine: 113.12,
  /** Urea CH4N2O. */
  urea: 60.06,
  /** Cholesterol C27H46O. */
  cholesterol: 386.65,
});

/** A validated UCUM unit. */
export interface UcumUnit {
  code: string;
  name?: string;
}

/**
 * Validates a UCUM unit code (case-sensitive, as UCUM requires); a `Result` with the
 * `ValidationError` `UNIT_UNKNOWN` when it is not one.
 * @example safeParseUcumUnit('mmol/L') // { ok: true, value: { code: 'mmol/L', name: 'millimole per liter' } }
 * @example safeParseUcumUnit('mg/zz').ok // false
 */
export function safeParseUcumUnit(unit: string): Result<UcumUnit, ValidationError> {
  try {
    const r = /\s/.test(unit)
      ? { status: 'invalid' as const, ucumCode: null, msg: ['UCUM units contain no spaces'] }
      : quiet(() => instance().validateUnitString(unit, false));
    if (r.status === 'valid') {
      return ok({ code: r.ucumCode ?? unit, ...(r.unit?.name ? { name: r.unit.name } : {}) });
    }
    return fail(
      new ValidationError({
        code: 'UNIT_UNKNOWN',
        message: `"${unit}" is not a valid UCUM unit${r.msg.length ? `: ${r.msg.join('; ')}` : ''}`,
        messageVi: `"${unit}" không phải đơn vị UCUM hợp lệ`,
        path: 'unit',
        details: { unit },
      }),
    );
  } catch (error) {
    return fail(
      new ValidationError({
        code: 'UNIT_UNKNOWN',
        message: `"${unit}" could not be checked as UCUM`,
        messageVi: `Không kiểm tra được đơn vị "${unit}" theo UCUM`,
        path: 'unit',
        cause: error,
      }),
    );
  }
}

/**
 * Whether `unit` is valid UCUM — the checker to pass to importers (`checkUnit: isUcumUnit`).
 * @example isUcumUnit('mg/dL') // true
 */
export function isUcumUnit(unit: string): boolean {
  return safeParseUcumUnit(unit).ok;
}

/**
 * Converts a value between UCUM units; mass ↔ substance needs `molarMass` (g/mol). Throws a
 * `ValidationError` `UNIT_CONVERSION_FAILED` (path `unit`) when the units do not convert.
 * @example convertUnit(100, 'mg/dL', 'mmol/L', { molarMass: MOLAR_MASS.glucose }) // 5.55…
 */
export function convertUnit(
  value: number,
  from: string,
  to: string,
  options: { molarMass?: number } = {},
): number {
  const r = safeConvertUnit(value, from, to, options);
  if (!r.ok) throw r.error;
  return r.value;
}

/**
 * {@link convertUnit}, answering a `Result` instead of throwing.
 * @example safeConvertUnit(100, 'mg/dL', 'mmol/L', { molarMass: MOLAR_MASS.glucose }) // ok(5.55…)
 */
export function safeConvertUnit(
  value: number,
  from: string,
  to: string,
  options: { molarMass?: number } = {},
): Result<number, ValidationError> {
  try {
    if (!Number.isFinite(value)) throw new Error('value is not a finite number');
    const r = quiet(() =>
      instance().convertUnitTo(from, value, to, {
        suggest: false,
        molecularWeight: options.molarMass ?? null,
      }),
    );
    if (r.status === 'succeeded' && r.toVal !== null && Number.isFinite(r.toVal)) return ok(r.toVal);
    return fail(
      new ValidationError({
        code: 'UNIT_CONVERSION_FAILED',
        message: `Cannot convert ${from} to ${to}${r.msg.length ? `: ${r.msg.join('; ')}` : ''}`,
        messageVi: `Không đổi được ${from} sang ${to}`,
        path: 'unit',
        details: { from, to },
      }),
    );
  } catch (error) {
    return fail(
      new ValidationError({
        code: 'UNIT_CONVERSION_FAILED',
        message: `Cannot convert ${from} to ${to}`,
        messageVi: `Không đổi được ${from} sang ${to}`,
        path: 'unit',
        cause: error,
      }),
    );
  }
}
