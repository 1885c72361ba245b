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
      /**
       * What goes with them: `diagnoses` (default) — the diagnoses, and the parts of their visit
       * that may name them in words (free-text diagnoses, clinical notes, the visit's other tables,
       * unmapped row fields); `visit` — the whole visit, for diagnoses that its medications or lab
       * results would reveal anyway (antiretrovirals, CD4 counts and viral loads tell HIV).
       */
      scope: z.enum(['diagnoses', 'visit']).optional(),
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

/** The diagnoses of a visit: main, secondary, its services'. */
const diagnosesOf = (v: Visit): Coding[] => [
  ...(v.mainDiagnosis ? [v.mainDiagnosis] : []),
  ...v.secondaryDiagnoses,
  ...v.services.flatMap((s) => s.diagnoses),
];

/**
 * What a policy keeps from one reader, as two tests on a diagnosis: `hides` (removed from visits of
 * other facilities) and `hidesVisit` (its visit withheld whole). Undefined when the reader's
 * purpose lifts every rule. Shared by {@link discloseVisits} and the summary made from parts.
 */
export interface ReaderDisclosure {
  facility: string;
  hides(coding: Coding): boolean;
  hidesVisit(coding: Coding): boolean;
}

export function readerDisclosure(
  policy: DisclosurePolicy,
  reader: DisclosureReader,
): ReaderDisclosure | undefined {
  const rules = policy.rules.filter((r) => !r.allowPurposes.includes(reader.purpose));
  if (rules.length === 0) return undefined;
  const matcher = (filters: string[]) => (c: Coding) => filters.some((f) => icd10Matches(c.code, f));
  return {
    facility: reader.facility,
    hides: matcher(rules.flatMap((r) => r.diagnoses)),
    hidesVisit: matcher(rules.filter((r) => r.scope === 'visit').flatMap((r) => r.diagnoses)),
  };
}

/**
 * How much of a visit of `facility` with these diagnoses (main, secondary, its services') the
 * reader sees: `whole`, `none` (withheld whole), or `some` — `withheld` counts what goes.
 */
export function visitDisclosure(
  disclosure: ReaderDisclosure,
  facility: string | undefined,
  diagnoses: readonly Coding[],
): { shown: 'whole' | 'some' | 'none'; withheld: number } {
  if (facility === disclosure.facility) return { shown: 'whole', withheld: 0 };
  if (diagnoses.some(disclosure.hidesVisit)) return { shown: 'none', withheld: diagnoses.length };
  const withheld = diagnoses.filter(disclosure.hides).length;
  return { shown: withheld === 0 ? 'whole' : 'some', withheld };
}

/**
 * The visits as `reader` may see them under `policy`. In a visit of another facility, each
 * diagnosis (main, secondary, a service's) in a rule whose purposes do not include the reader's is
 * removed and counted; with it go the parts of the visit that may name it in words — its free-text
 * diagnoses, clinical notes (XML5), other tables (such as XML6, the HIV/AIDS care record) and the
 * row fields the model does not map (`source`: reasons, treatment methods, notes, traditional-medicine
 * codes of services). A visit with a diagnosis of a `visit`-scoped rule is withheld whole, each
 * of its diagnoses counted. Medications, procedures and lab results of a visit kept stay.
 * @example const { visits, withheld } = discloseVisits(found, policy, { facility: '01002', purpose: 'TREAT' });
 */
export function discloseVisits(
  visits: readonly Visit[],
  policy: DisclosurePolicy,
  reader: DisclosureReader,
): Disclosed {
  const disclosure = readerDisclosure(policy, reader);
  if (!disclosure) return { visits: [...visits], withheld: 0 };
  const hidden = disclosure.hides;
  let withheld = 0;
  const out: Visit[] = [];
  for (const v of visits) {
    const seen = visitDisclosure(disclosure, v.facility, diagnosesOf(v));
    withheld += seen.withheld;
    if (seen.shown === 'none') continue;
    if (seen.shown === 'whole') {
      out.push(v);
      continue;
    }
    const { mainDiagnosis, admissionDiagnosis: _a, dischargeDiagnosis: _d, ...rest } = v;
    out.push({
      ...rest,
      ...(mainDiagnosis && !hidden(mainDiagnosis) ? { mainDiagnosis } : {}),
      secondaryDiagnoses: v.secondaryDiagnoses.filter((c) => !hidden(c)),
      services: v.services.map((s) => ({
        ...s,
        diagnoses: s.diagnoses.filter((c) => !hidden(c)),
        source: {},
      })),
      medications: v.medications.map((m) => ({ ...m, source: {} })),
      notes: [],
      otherTables: [],
      source: {},
    });
  }
  return { visits: out, withheld };
}
