import {
  canonicalIdentifierSystem,
  DEFAULT_IDENTIFIER_SYSTEMS,
  type IdentifierSystems,
  identifierSystemName,
  parseWith,
  ValidationError,
} from '@lienthong/core';
import { readOnly, throwIfAborted } from '@lienthong/core/contract';
import type { IdentifierRef, LookupOptions, PatientDirectory } from '../directory/contract.js';
import { rankCandidates } from '../matching/match.js';
import {
  fullName,
  type PatientIdentifier,
  type PatientRecord,
  PatientRecordSchema,
  splitVietnameseName,
} from '../model/patient-record.js';
import { matchesQuery } from '../provider-kit/match.js';
import {
  type CardLookupOutcome,
  type CardStatus,
  createInsuranceGatewayClient,
  type InsuranceGatewayClient,
  type InsuranceGatewayOptions,
} from './client.js';

export interface InsuranceGatewayDirectoryOptions extends InsuranceGatewayOptions {
  systems?: IdentifierSystems;
  /** A client to use instead of building one from the options. */
  client?: InsuranceGatewayClient;
}

/** Statuses under which the card exists and describes its holder. */
const FOUND: readonly CardStatus[] = ['valid', 'expired', 'revoked', 'wrong-registered-facility'];
/** Statuses meaning "no such card". */
const ABSENT: readonly CardStatus[] = ['not-found', 'wrong-card-number'];

function gatewayError(code: string, message: string, messageVi: string, details?: Record<string, unknown>) {
  return new ValidationError({ code, message, messageVi, ...(details ? { details } : {}) });
}

/**
 * A read-only `PatientDirectory` over the insurance gateway's card lookup. Lookups need the
 * card (or 10-digit social-insurance number) plus the holder's name and birth date, which the
 * gateway checks: pass them as `options.verify` (find, cross-reference) or in the query/input
 * (search, match). Demographic-only search is not offered by the gateway (`demographicSearch:
 * false`); writes are not (`write: false`: `upsert` rejects with `PROVIDER_READ_ONLY`).
 *
 * Outcomes: `valid`, `expired`, `revoked`, `wrong-registered-facility` → the record (coverage
 * dates tell validity); `not-found`, `wrong-card-number` → undefined; `wrong-name`,
 * `wrong-birth-date`, `wrong-sex`, `wrong-province`, `wrong-benefit-level` and unknown codes →
 * a `ValidationError` `INSURANCE_GATEWAY_<STATUS>` with the `maKetQua` in `details`.
 */
export function createInsuranceGatewayPatientDirectory(
  options: InsuranceGatewayDirectoryOptions,
): PatientDirectory {
  const client = options.client ?? createInsuranceGatewayClient(options);
  const systems = options.systems ?? DEFAULT_IDENTIFIER_SYSTEMS;
  const canonical = (system: string) => canonicalIdentifierSystem(system, systems);
  // By name, so a card asked for with an older URI (`…hl7.org.vn/core/sid/bhyt`) is looked up too.
  const isCard = (system: string) => {
    const name = identifierSystemName(system, systems);
    return name === 'bhyt' || name === 'socialInsurance';
  };

  function cardOf(identifier: IdentifierRef): string {
    if (!isCard(identifier.system)) {
      throw gatewayError(
        'INSURANCE_GATEWAY_IDENTIFIER_UNSUPPORTED',
        'The insurance gateway looks up insurance cards and social-insurance numbers only.',
        'Cổng giám định chỉ tra cứu mã thẻ BHYT và mã số BHXH.',
        { system: identifier.system },
      );
    }
    return identifier.value;
  }

  function demographics(verify: LookupOptions['verify']): { name: string; birthDate: string } {
    if (!verify?.name || !verify.birthDate) {
      throw gatewayError(
        'INSURANCE_GATEWAY_DEMOGRAPHICS_REQUIRED',
        'The insurance gateway checks a card against the holder’s full name and birth date: pass both.',
        'Cổng giám định đối chiếu thẻ với họ tên và ngày sinh của chủ thẻ: cần truyền cả hai.',
      );
    }
    return { name: verify.name, birthDate: verify.birthDate };
  }

  function toRecord(outcome: CardLookupOutcome, asked: string): PatientRecord {
    const c = outcome.card!;
    const cardNumber = c.cardNumber ?? asked;
    const bhxh = c.socialInsuranceNumber ?? (cardNumber.length === 15 ? cardNumber.slice(5) : cardNumber);
    const identifiers: PatientIdentifier[] = [
      { system: systems.bhyt, value: cardNumber, kind: 'bhyt' },
      ...(bhxh !== cardNumber
        ? [{ system: systems.socialInsurance, value: bhxh, kind: 'socialInsurance' as const }]
        : []),
      ...(c.newCardNumber ? [{ system: systems.bhyt, value: c.newCardNumber, kind: 'bhyt' as const }] : []),
    ];
    const coverage = Object.fromEntries(
      Object.entries({
        cardNumber,
        validFrom: c.validFrom?.length === 10 ? c.validFrom : undefined,
        validTo: c.validTo?.length === 10 ? c.validTo : undefined,
        registeredFacility:
          c.registeredFacility && /^\d{5}$/.test(c.registeredFacility) ? c.registeredFacility : undefined,
        replacedBy: c.newCardNumber,
      }).filter(([, v]) => v !== undefined),
    );
    return parseWith(PatientRecordSchema, {
      identifiers,
      name: c.name ? splitVietnameseName(c.name) : {},
      ...(c.birthDate ? { birthDate: c.birthDate } : {}),
      ...(c.sex ? { sex: c.sex } : {}),
      ...(c.address ? { addresses: [{ text: c.address }] } : {}),
      insurance: /^([A-Z]{2}[1-5]\d{12}|\d{10})$/.test(cardNumber) ? [coverage] : [],
    });
  }

  async function lookup(card: string, who: { name: string; birthDate: string }, signal?: AbortSignal) {
    throwIfAborted(signal);
    const outcome = await client.lookupCard({ cardNumber: card, ...who }, signal ? { signal } : {});
    if (ABSENT.includes(outcome.status)) return undefined;
    if (FOUND.includes(outcome.status) && outcome.card) return toRecord(outcome, card);
    const status = outcome.status.toUpperCase().replace(/-/g, '_');
    throw gatewayError(
      `INSURANCE_GATEWAY_${status}`,
      `The insurance gateway answered ${outcome.code} (${outcome.status}) for this card.`,
      `Cổng giám định trả mã ${outcome.code} (${outcome.status}) cho thẻ này.`,
      { maKetQua: outcome.code },
    );
  }

  return readOnly<PatientDirectory, 'upsert'>(
    {
      contract: 'patient-directory/v1',
      capabilities: { write: false, demographicSearch: false, anyIdentifier: false },
      async findByIdentifier(identifier, opts) {
        throwIfAborted(opts?.signal);
        return lookup(cardOf(identifier), demographics(opts?.verify), opts?.signal);
      },
      async *search(query, opts) {
        throwIfAborted(opts?.signal);
        const name =
          query.name ??
          ([query.family, query.given].every(Boolean) ? `${query.family} ${query.given}` : undefined);
        if (!query.identifier || !name || !query.birthDate) {
          throw gatewayError(
            'INSURANCE_GATEWAY_QUERY_UNSUPPORTED',
            'The insurance gateway can only search by card with the full name and birth date.',
            'Cổng giám định chỉ tìm theo mã thẻ kèm họ tên và ngày sinh.',
          );
        }
        const record = await lookup(
          cardOf({ system: query.identifier.system ?? systems.bhyt, value: query.identifier.value }),
          { name, birthDate: query.birthDate },
          opts?.signal,
        );
        const system = query.identifier.system;
        const canonicalQuery =
          system === undefined
            ? query
            : { ...query, identifier: { ...query.identifier, system: canonical(system) } };
        if (record && matchesQuery(record, canonicalQuery)) yield record;
      },
      async match(input, opts) {
        throwIfAborted(opts?.signal);
        const card = input.identifiers?.find((i) => isCard(i.system));
        const name = input.name ? fullName(input.name) : undefined;
        if (!card || !name || !input.birthDate) {
          throw gatewayError(
            'INSURANCE_GATEWAY_QUERY_UNSUPPORTED',
            'The insurance gateway can only match by card with the full name and birth date.',
            'Cổng giám định chỉ đối chiếu theo mã thẻ kèm họ tên và ngày sinh.',
          );
        }
        const record = await lookup(card.value, { name, birthDate: input.birthDate }, opts?.signal);
        return rankCandidates(input, record ? [record] : [], {
          limit: opts?.limit ?? 10,
          ...(opts?.minGrade ? { minGrade: opts.minGrade } : {}),
        });
      },
      async crossReference(identifier, opts) {
        throwIfAborted(opts?.signal);
        const record = await lookup(cardOf(identifier), demographics(opts?.verify), opts?.signal);
        if (!record) return undefined;
        const targets = opts?.targetSystems?.map(canonical);
        return record.identifiers.filter(
          (i) =>
            !(i.system === canonical(identifier.system) && i.value === identifier.value) &&
            (!targets || targets.includes(i.system)),
        );
      },
    },
    ['upsert'],
    { name: 'insurance gateway' },
  );
}
