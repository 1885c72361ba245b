import {
  type AuthProvider,
  createTransport,
  type RetryOptions,
  safeParseNationalDateTime,
  type Transport,
} from '@lienthong/core';
import * as z from 'zod';

/**
 * Client of the insurance gateway's card lookup, as documented in docs/en/guide/domain.md: request fields
 * `maThe, hoTen, ngaySinh (dd/MM/yyyy or yyyy), hoTenCb, cccdCb`; answer `maKetQua` with the card
 * fields and the visit history `dsLichSuKCB2018`.
 *
 * NOT in our sources, therefore configuration: the endpoint path (`lookupPath`), the HTTP method,
 * and the token flow (`auth`: any core `AuthProvider` — `clientCredentialsAuth`, `bearerAuth` or
 * your own; a 401 makes the transport fetch a new token and retry once). The date formats of
 * `gtTheTu`/`gtTheDen`/`ngayVao`/`ngayRa` and the values of `gioiTinh` are not documented either:
 * they are read leniently and always kept raw as well.
 */

/** Every documented `maKetQua`, mapped to a typed status. Codes not listed become `unknown`. */
export const CARD_RESULT_CODES = {
  '000': 'valid',
  '010': 'expired',
  '050': 'not-found',
  '051': 'wrong-card-number',
  '052': 'wrong-province',
  '053': 'wrong-benefit-level',
  '060': 'wrong-name',
  '061': 'wrong-name',
  '070': 'wrong-birth-date',
  '080': 'wrong-sex',
  '090': 'wrong-registered-facility',
  '110': 'revoked',
} as const;

export type CardStatus = (typeof CARD_RESULT_CODES)[keyof typeof CARD_RESULT_CODES] | 'unknown';

/** The card as the gateway describes it. */
export interface CardInfo {
  cardNumber?: string;
  name?: string;
  /** ISO `YYYY-MM-DD` or `YYYY`. */
  birthDate?: string;
  sex?: 'male' | 'female';
  address?: string;
  /** Registered first-contact facility (maDKBD). */
  registeredFacility?: string;
  /** ISO dates when readable. */
  validFrom?: string;
  validTo?: string;
  socialInsuranceNumber?: string;
  /** The replacement card (maTheMoi), when one was issued. */
  newCardNumber?: string;
  /** The answer's fields as received (`gtTheTu`, `gioiTinh`, …). */
  raw: Record<string, unknown>;
}

/** One visit of `dsLichSuKCB2018`. */
export interface VisitHistoryEntry {
  recordId?: string;
  facilityCode?: string;
  /** ISO date-time when the raw value is `yyyymmddHHMM`, else the raw value. */
  admittedAt?: string;
  dischargedAt?: string;
  diagnosis?: string;
  status?: string;
  outcome?: string;
  raw: Record<string, unknown>;
}

/** The typed answer of a lookup. */
export interface CardLookupOutcome {
  status: CardStatus;
  /** `maKetQua` as received. */
  code: string;
  /** The gateway's own note, if any (`ghiChu`). */
  note?: string;
  card?: CardInfo;
  history: VisitHistoryEntry[];
}

export interface CardLookupRequest {
  /** 15-character card or 10-digit social-insurance number (maThe). */
  cardNumber: string;
  /** Full name as on the card (hoTen). */
  name: string;
  /** `YYYY-MM-DD` or `YYYY` (sent as dd/MM/yyyy or yyyy). */
  birthDate: string;
}

export interface InsuranceGatewayOptions {
  baseUrl: string;
  /** Path of the card lookup under `baseUrl` (not documented in our sources: configure it). */
  lookupPath: string;
  /** HTTP method of the lookup (default POST with a JSON body; GET sends the fields as query). */
  method?: 'POST' | 'GET';
  /** How to obtain the token (not documented in our sources). */
  auth?: AuthProvider;
  /** The staff member performing lookups: name (hoTenCb) and personal ID number (cccdCb). */
  officer: { name: string; citizenId: string };
  fetch?: typeof globalThis.fetch;
  timeoutMs?: number;
  retry?: RetryOptions | number | false;
  /** A ready transport instead of baseUrl/auth/fetch. */
  transport?: Transport;
}

const text = z.union([z.string(), z.number()]).transform(String).optional();
const AnswerSchema = z.looseObject({
  maKetQua: z.union([z.string(), z.number()]).transform((v) => String(v).padStart(3, '0')),
  ghiChu: text,
  maThe: text,
  hoTen: text,
  ngaySinh: text,
  gioiTinh: text,
  diaChi: text,
  maDKBD: text,
  gtTheTu: text,
  gtTheDen: text,
  maSoBHXH: text,
  maTheMoi: text,
  dsLichSuKCB2018: z.array(z.looseObject({})).nullish(),
});

/** `dd/MM/yyyy`, `yyyy`, `yyyymmdd`, `yyyy-MM-dd` → ISO; undefined when unreadable. */
export function gatewayDate(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const v = value.trim();
  let m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(v);
  if (m) return `${m[3]}-${m[2]}-${m[1]}`;
  if (/^\d{4}$/.test(v) || /^\d{4}-\d{2}-\d{2}$/.test(v)) return v;
  m = /^(\d{4})(\d{2})(\d{2})$/.exec(v);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}

/** ISO `YYYY-MM-DD` or `YYYY` → the gateway's `dd/MM/yyyy` or `yyyy`. */
export function toGatewayDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso.slice(0, 4);
}

function sexOf(value: string | undefined): 'male' | 'female' | undefined {
  const v = value?.trim().toLowerCase();
  if (v === 'nam' || v === '1' || v === 'male') return 'male';
  if (v === 'nữ' || v === 'nu' || v === '2' || v === 'female') return 'female';
  return undefined;
}

const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined);
const dateTime = (v: unknown) => {
  const s = str(v);
  if (s && /^\d{12}$/.test(s)) {
    const r = safeParseNationalDateTime(s);
    if (r.ok) return r.value;
  }
  return s;
};
const defined = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** A card-lookup client. */
export interface InsuranceGatewayClient {
  lookupCard(request: CardLookupRequest, options?: { signal?: AbortSignal }): Promise<CardLookupOutcome>;
}

export function createInsuranceGatewayClient(options: InsuranceGatewayOptions): InsuranceGatewayClient {
  const http =
    options.transport ??
    createTransport({
      baseUrl: options.baseUrl,
      ...(options.auth ? { auth: options.auth } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.retry !== undefined ? { retry: options.retry } : {}),
    });
  return {
    async lookupCard(request, opts) {
      const fields = {
        maThe: request.cardNumber,
        hoTen: request.name,
        ngaySinh: toGatewayDate(request.birthDate),
        hoTenCb: options.officer.name,
        cccdCb: options.officer.citizenId,
      };
      const signal = opts?.signal ? { signal: opts.signal } : {};
      const answer =
        options.method === 'GET'
          ? await http.get(options.lookupPath, { searchParams: fields, schema: AnswerSchema, ...signal })
          : await http.post(options.lookupPath, { json: fields, schema: AnswerSchema, ...signal });
      const status: CardStatus =
        (CARD_RESULT_CODES as Record<string, CardStatus>)[answer.maKetQua] ?? 'unknown';
      const { dsLichSuKCB2018, maKetQua, ghiChu, ...cardFields } = answer;
      const hasCard = Object.values(cardFields).some((v) => v !== undefined);
      const card: CardInfo | undefined = hasCard
        ? defined({
            cardNumber: answer.maThe,
            name: answer.hoTen,
            birthDate: gatewayDate(answer.ngaySinh),
            sex: sexOf(answer.gioiTinh),
            address: answer.diaChi,
            registeredFacility: answer.maDKBD,
            validFrom: gatewayDate(answer.gtTheTu),
            validTo: gatewayDate(answer.gtTheDen),
            socialInsuranceNumber: answer.maSoBHXH,
            newCardNumber: answer.maTheMoi || undefined,
            raw: cardFields as Record<string, unknown>,
          })
        : undefined;
      const history = (dsLichSuKCB2018 ?? []).map((v) =>
        defined({
          recordId: str(v.maHoSo),
          facilityCode: str(v.maCSKCB),
          admittedAt: dateTime(v.ngayVao),
          dischargedAt: dateTime(v.ngayRa),
          diagnosis: str(v.tenBenh),
          status: str(v.tinhTrang),
          outcome: str(v.kqDieuTri),
          raw: v as Record<string, unknown>,
        }),
      );
      return defined({ status, code: maKetQua, note: ghiChu, card, history });
    },
  };
}
