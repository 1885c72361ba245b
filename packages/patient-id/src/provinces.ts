import { CURRENT_PROVINCES_DATA, OLD_PROVINCES_DATA } from './generated/provinces.js';

/**
 * Province tables with names, generated from `data/provinces/` (see
 * `scripts/gen-provinces.ts`): the 63 pre-2025 provinces (2-digit codes of TT 07/2016 App. 1 —
 * the 3-digit prefix of a personal ID number is this code with a leading 0) and the 34 provinces
 * from 01/07/2025 (QĐ 19/2025/QĐ-TTg; list of GSO letter 915/CTK-CSCL), with the old→new merger
 * mapping. Parsed lazily on first use.
 */

/** A province from 01/07/2025. */
export interface CurrentProvince {
  /** 2-digit code. */
  readonly code: string;
  readonly name: string;
}

/** A pre-2025 province and the current province it merged into. */
export interface OldProvince {
  /** 2-digit code (TT 07/2016). */
  readonly code: string;
  readonly name: string;
  /** `city` = centrally-run city (thành phố trung ương), else `province` (tỉnh). */
  readonly kind: 'city' | 'province';
  /** The province it belongs to since 01/07/2025. */
  readonly current: CurrentProvince;
}

let oldByCode: Map<string, OldProvince> | undefined;
let currentByCode: Map<string, CurrentProvince> | undefined;

function load(): void {
  currentByCode = new Map();
  for (const entry of CURRENT_PROVINCES_DATA.split('|')) {
    const p = { code: entry.slice(0, 2), name: entry.slice(2) };
    currentByCode.set(p.code, p);
  }
  oldByCode = new Map();
  for (const e of OLD_PROVINCES_DATA.split('|')) {
    oldByCode.set(e.slice(0, 2), {
      code: e.slice(0, 2),
      name: e.slice(5),
      kind: e[2] === 'c' ? 'city' : 'province',
      current: currentByCode.get(e.slice(3, 5))!,
    });
  }
}

/** The pre-2025 province with this 2-digit code (or 3-digit ID prefix `0NN`), or undefined. */
export function oldProvince(code: string): OldProvince | undefined {
  if (!oldByCode) load();
  return oldByCode!.get(code.length === 3 && code[0] === '0' ? code.slice(1) : code);
}

/** The post-01/07/2025 province with this 2-digit code, or undefined. */
export function currentProvince(code: string): CurrentProvince | undefined {
  if (!currentByCode) load();
  return currentByCode!.get(code);
}

/** All 63 pre-2025 provinces, by code. */
export function oldProvinces(): OldProvince[] {
  if (!oldByCode) load();
  return [...oldByCode!.values()];
}

/** All 34 provinces from 01/07/2025, by code. */
export function currentProvinces(): CurrentProvince[] {
  if (!currentByCode) load();
  return [...currentByCode!.values()];
}
