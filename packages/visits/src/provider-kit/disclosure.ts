import { ValidationError } from '@lienthong/core';
import { z } from 'zod';
import type { Coding, Visit } from '../model.js';
import { icd10Matches } from './query.js';

/**
 * Sensitive diagnoses (health data is sensitive personal data under Decree 13/2023/NĐ-CP): a policy,
 * as data, that keeps chosen ICD-10 ranges from readers of other facilities unless their purpose of
 * use allows it. Withheld diagnoses are counted — the summary says "withheld: N" — never silently
 * dropped, and the facility that recorded a visit always sees it whole.
 */
export const DisclosurePolicySchema = z.object({
  rules: z.array(
    z.object({
      /** A name for audits and documentation (`hiv`). */
      name: z.string().min(1),
      /** ICD-10 codes, categories or ranges (`B20-B24`, `Z21`, `F10.2`). */
      diagnoses: z.array(z.string().regex(/^([A-Z]\d{2}(\.?\d{1,2})?|[A-Z]\d{2}-[A-Z]\d{2})$/)).min(1),
      /** Purposes of use (HL7 v3 PurposeOfUse, as the hub's `X-Purpose-Of-Use`) that may see them, e.g. `ETREAT`. */
      allowPurposes: z.array(z.string()),
    }),
  ),
});
export type DisclosurePolicy = z.infer<typeof DisclosurePolicySchema>;

/** The default: nothing withheld. A hub chooses its ranges (see the visits page for an example). */
export const DEFAULT_DISCLOSURE_POLICY: DisclosurePolicy = Object.freeze({ rules: [] });

/** Validates a policy read from configuration (`DISCLOSURE_POLICY_INVALID`, with the path at fault). */
export function parseDisclosurePolicy(value: unknown): DisclosurePolicy {
  const r = DisclosurePolicySchema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const path = issue.path.join('.');
  throw new ValidationError({
    code: 'DISCLOSURE_POLICY_INVALID',
    path,
    message: `The disclosure policy is not valid at ${path || '(root)'}: ${issue.message}`,
    messageVi: `Chính sách công bố chẩn đoán không hợp lệ tại ${path || '(gốc)'}: ${issue.message}`,
  });
}

/** Who reads: their facility and their purpose of use. */
export interface DisclosureReader {
  facility: string;
  purpose: string;
}

/** What a reader may see of some visits, and how many diagnoses were withheld from them. */
export interface Disclosed {
  visits: Visit[];
  withheld: number;
}

/**
 * The visits as `reader` may see them under `policy`: in a visit of another facility, each
 * diagnosis (main, secondary, a service's) in a rule whose purposes do not include the reader's is
 * removed and counted; the visit's free-text diagnoses go too when anything was removed, since
 * they usually name it.
 * @example const { visits, withheld } = discloseVisits(found, policy, { facility: '01002', purpose: 'TREAT' });
 */
export function discloseVisits(
  visits: readonly Visit[],
  policy: DisclosurePolicy,
  reader: DisclosureReader,
): Disclosed {
  const hidden = policy.rules
    .filter((r) => !r.allowPurposes.includes(reader.purpose))
    .flatMap((r) => r.diagnoses);
  if (hidden.length === 0) return { visits: [...visits], withheld: 0 };
  const sensitive = (c: Coding) => hidden.some((filter) => icd10Matches(c.code, filter));
  let withheld = 0;
  const out = visits.map((v) => {
    if (v.facility === reader.facility) return v;
    const main = v.mainDiagnosis && sensitive(v.mainDiagnosis) ? 1 : 0;
    const secondary = v.secondaryDiagnoses.filter((c) => !sensitive(c));
    const services = v.services.map((s) => ({ ...s, diagnoses: s.diagnoses.filter((c) => !sensitive(c)) }));
    const removed =
      main +
      (v.secondaryDiagnoses.length - secondary.length) +
      v.services.reduce((n, s, i) => n + s.diagnoses.length - services[i]!.diagnoses.length, 0);
    if (removed === 0) return v;
    withheld += removed;
    const { mainDiagnosis, admissionDiagnosis: _a, dischargeDiagnosis: _d, ...rest } = v;
    return {
      ...rest,
      ...(mainDiagnosis && !main ? { mainDiagnosis } : {}),
      secondaryDiagnoses: secondary,
      services,
    };
  });
  return { visits: out, withheld };
}
