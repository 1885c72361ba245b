import { randomUUID } from 'node:crypto';
import {
  ConflictError,
  canonicalIdentifier,
  canonicalIdentifierSystem,
  foldedWords,
  foldVietnamese,
  parseWith,
  stableJson,
} from '@lienthong/core';
import { writeReceipt } from '@lienthong/core/contract';
import {
  type MatchCandidate,
  type MatchGrade,
  type MatchInput,
  type PatientIdentifier,
  type PatientQuery,
  type PatientRecord,
  PatientRecordSchema,
  rankCandidates,
  type UpsertReceipt,
} from '@lienthong/patient-id';
import { matchesQuery } from '@lienthong/patient-id/provider-kit';
import type { Kysely } from 'kysely';
import { rowLimit } from '../db/row-limit.js';
import type { HubDatabase } from '../db/schema.js';
import { checkId, checkIdentifiers } from '../limits.js';
import { encodeCursor, type Page, type Publisher, readCursor } from './access.js';
import { checkIdentifierClaims } from './facility-claims.js';

const words = (...parts: (string | undefined)[]) =>
  ` ${foldedWords(parts.filter(Boolean).join(' ')).join(' ')} `;

function searchColumns(record: PatientRecord) {
  return {
    name_words: words(record.name.family, record.name.middle, record.name.given, record.name.text),
    family_folded: foldVietnamese(record.name.family ?? ''),
    given_words: words(record.name.middle, record.name.given),
    birth_date: record.birthDate ?? null,
    sex: record.sex ?? null,
  };
}

const rowToRecord = (row: { document: string }) => JSON.parse(row.document) as PatientRecord;

/** An identifier under the URI the hub stores: an older alias (`…hl7.org.vn/core/sid/cccd`) becomes the current one. */
const canonical = <T extends { system: string }>(identifier: T): T => canonicalIdentifier(identifier);

async function idsHolding(
  db: Kysely<HubDatabase>,
  identifiers: readonly { system: string; value: string }[],
): Promise<Set<string>> {
  if (identifiers.length === 0) return new Set();
  const rows = await db
    .selectFrom('patient_identifiers')
    .select('patient_id')
    .where((eb) =>
      eb.or(
        identifiers
          .map(canonical)
          .map((i) => eb.and([eb('system', '=', i.system), eb('value', '=', i.value)])),
      ),
    )
    .execute();
  return new Set(rows.map((r) => r.patient_id));
}

/**
 * Creates or updates the patient holding any of the record's identifiers (idempotent). The facility
 * that registered a patient owns its demographics and may replace the record; another facility may
 * only add identifiers (its record number, a new card), which is how cross-references build up. A
 * facility asserts only its own record numbers (403 `HUB_IDENTIFIER_OF_OTHER_FACILITY`); another
 * facility's, already on the record, may be sent back unchanged.
 */
export async function upsertPatient(
  trx: Kysely<HubDatabase>,
  publisher: Publisher,
  input: unknown,
): Promise<UpsertReceipt> {
  const facility = publisher.facilityCode;
  const parsed = parseWith(PatientRecordSchema, input, {
    code: 'PATIENT_RECORD_INVALID',
    subject: { en: 'patient record', vi: 'hồ sơ người bệnh' },
  });
  // The hub is the directory: it stores the record under the current URIs, as it answers them.
  const record = { ...parsed, identifiers: parsed.identifiers.map(canonical) };
  checkId(record.id, 'id');
  checkIdentifiers(record.identifiers, 'identifiers');
  const hits = await idsHolding(trx, record.identifiers);
  if (hits.size > 1 || (record.id && hits.size === 1 && !hits.has(record.id))) {
    throw new ConflictError({
      code: 'PATIENT_IDENTIFIERS_CONFLICT',
      message: 'The record’s identifiers belong to different patients.',
      messageVi: 'Các mã định danh của hồ sơ thuộc về những bệnh nhân khác nhau.',
      path: 'identifiers',
    });
  }
  const now = new Date().toISOString();
  const existingId = [...hits][0] ?? record.id;
  const row = existingId
    ? await trx
        .selectFrom('patients')
        .select(['id', 'document', 'owner_facility', 'version'])
        .where('id', '=', existingId)
        .executeTakeFirst()
    : undefined;
  const existing = row && { ...row, record: rowToRecord(row) };
  checkIdentifierClaims(publisher, record.identifiers, 'identifiers', existing?.record.identifiers);
  if (!existing) {
    const id = randomUUID();
    const saved: PatientRecord = { ...record, id };
    await trx
      .insertInto('patients')
      .values({
        id,
        document: JSON.stringify(saved),
        ...searchColumns(saved),
        owner_facility: facility,
        version: 1,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await trx
      .insertInto('patient_identifiers')
      .values(saved.identifiers.map((i) => ({ system: i.system, value: i.value, patient_id: id })))
      .execute();
    return { ...writeReceipt(id, undefined, true), record: saved };
  }
  const previous = existing.record;
  let saved: PatientRecord;
  if (existing.owner_facility === facility) {
    saved = { ...record, id: existing.id };
  } else {
    const known = new Set(previous.identifiers.map((i) => `${i.system}|${i.value}`));
    saved = {
      ...previous,
      identifiers: [
        ...previous.identifiers,
        ...record.identifiers.filter((i) => !known.has(`${i.system}|${i.value}`)),
      ],
    };
  }
  const receipt = writeReceipt(existing.id, existing.version, stableJson(previous) !== stableJson(saved));
  if (receipt.outcome === 'unchanged') return { ...receipt, record: previous };
  await trx
    .updateTable('patients')
    .set({
      document: JSON.stringify(saved),
      ...searchColumns(saved),
      version: receipt.version,
      updated_at: now,
    })
    .where('id', '=', existing.id)
    .execute();
  await trx.deleteFrom('patient_identifiers').where('patient_id', '=', existing.id).execute();
  await trx
    .insertInto('patient_identifiers')
    .values(saved.identifiers.map((i) => ({ system: i.system, value: i.value, patient_id: existing.id })))
    .execute();
  return { ...receipt, record: saved };
}

/** The patient holding an identifier. */
export async function findPatient(
  db: Kysely<HubDatabase>,
  identifier: { system: string; value: string },
): Promise<PatientRecord | undefined> {
  const { system, value } = canonical(identifier);
  const row = await db
    .selectFrom('patients as p')
    .innerJoin('patient_identifiers as i', 'i.patient_id', 'p.id')
    .select('p.document')
    .where('i.system', '=', system)
    .where('i.value', '=', value)
    .executeTakeFirst();
  return row ? rowToRecord(row) : undefined;
}

/** The patient with directory id `id`. */
export async function getPatient(db: Kysely<HubDatabase>, id: string): Promise<PatientRecord | undefined> {
  const row = await db.selectFrom('patients').select('document').where('id', '=', id).executeTakeFirst();
  return row ? rowToRecord(row) : undefined;
}

/** The patient's other identifiers (PIXm), optionally only of some systems; undefined when unknown. */
export async function crossReference(
  db: Kysely<HubDatabase>,
  identifier: { system: string; value: string },
  targetSystems?: readonly string[],
): Promise<PatientIdentifier[] | undefined> {
  const patient = await findPatient(db, identifier);
  if (!patient) return undefined;
  const asked = canonical(identifier);
  const targets = targetSystems?.map((s) => canonicalIdentifierSystem(s));
  return patient.identifiers
    .filter((i) => !(i.system === asked.system && i.value === asked.value))
    .filter((i) => !targets?.length || targets.includes(i.system));
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * PDQm search, keyset-paged by patient id. Name parameters match the start of any folded word
 * (diacritics and case ignored); the SQL filter narrows, the shared `matchesQuery` decides.
 */
export async function searchPatients(
  db: Kysely<HubDatabase>,
  asked: PatientQuery,
  page: { limit: number; cursor?: string },
): Promise<Page<PatientRecord>> {
  const after = readCursor(page.cursor, 1);
  let q = db.selectFrom('patients as p').select(['p.id', 'p.document']);
  const system = asked.identifier?.system;
  const query: PatientQuery =
    system === undefined
      ? asked
      : { ...asked, identifier: { ...asked.identifier!, system: canonicalIdentifierSystem(system) } };
  if (query.identifier) {
    const { system, value } = query.identifier;
    let sub = db.selectFrom('patient_identifiers').select('patient_id').where('value', '=', value);
    if (system) sub = sub.where('system', '=', system);
    q = q.where('p.id', 'in', sub);
  }
  const wordPrefix = (column: 'p.name_words' | 'p.given_words', text: string) =>
    q.where(column, 'like', `% ${escapeLike(foldedWords(text).join(' '))}%`);
  if (query.family !== undefined)
    q = q.where('p.family_folded', 'like', `${escapeLike(foldVietnamese(query.family))}%`);
  if (query.given !== undefined) q = wordPrefix('p.given_words', query.given);
  const name = (query as { name?: string }).name;
  if (name !== undefined) q = wordPrefix('p.name_words', name);
  if (query.birthDate !== undefined) q = q.where('p.birth_date', 'like', `${escapeLike(query.birthDate)}%`);
  if (query.sex !== undefined) q = q.where('p.sex', '=', query.sex);
  const items: PatientRecord[] = [];
  let from = after?.[0];
  let more = false;
  // The SQL filter may over-select (a like over joined words), so read candidates in batches
  // until the page is full of records the shared rule accepts, and one more proves a next page.
  while (!more) {
    const rows = await (from === undefined ? q : q.where('p.id', '>', from))
      .orderBy('p.id')
      .limit(rowLimit(page.limit + 1))
      .execute();
    for (const row of rows) {
      const record = rowToRecord(row);
      if (!matchesQuery(record, query)) {
        from = row.id;
        continue;
      }
      if (items.length === page.limit) {
        more = true;
        break;
      }
      items.push(record);
      from = row.id;
    }
    if (rows.length <= page.limit) break;
  }
  const lastId = items[items.length - 1]?.id;
  return { items, nextCursor: more && lastId ? encodeCursor([lastId]) : null };
}

/**
 * PDQm `$match`: the patients holding one of the input's identifiers, scored by the shared
 * matcher (Vietnamese names, variants, name order) against the input's demographics. Patients
 * who merely look alike are never candidates: the hub answers about the patient a caller names.
 */
export async function matchPatients(
  db: Kysely<HubDatabase>,
  input: MatchInput,
  options: { limit?: number; minGrade?: MatchGrade } = {},
): Promise<MatchCandidate[]> {
  const byIdentifier = await idsHolding(db, input.identifiers ?? []);
  const rows =
    byIdentifier.size === 0
      ? []
      : await db
          .selectFrom('patients')
          .select(['id', 'document'])
          .where('id', 'in', [...byIdentifier])
          .execute();
  return rankCandidates(input, rows.map(rowToRecord), {
    limit: options.limit ?? 10,
    ...(options.minGrade ? { minGrade: options.minGrade } : {}),
  });
}
