import type { Kysely, Transaction } from 'kysely';
import type { HubDb } from '../db/open-database.js';
import type { HubDatabase } from '../db/schema.js';
import { type CohortGroup, type CohortMember, type PatientKey, patientUnknown } from './cohort-group.js';

/** A stored cohort: its owner and the Group it is served as. */
export interface StoredCohort {
  id: string;
  ownerFacility: string;
  group: CohortGroup;
}

/** Rows per statement: well under SQLite's and PostgreSQL's bound parameters. */
const CHUNK = 300;

function chunks<T>(list: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

const keyText = (k: PatientKey) => `${k.system}\u0000${k.value}`;

/** Patient keys without repeats, in the order first seen. */
function distinct(keys: Iterable<PatientKey>): PatientKey[] {
  const seen = new Map<string, PatientKey>();
  for (const k of keys) if (!seen.has(keyText(k))) seen.set(keyText(k), { system: k.system, value: k.value });
  return [...seen.values()];
}

/** Every identifier of the directory patients `ids`, by id (an unknown id has no entry). */
async function identifiersOfPatients(
  db: Kysely<HubDatabase>,
  ids: readonly string[],
): Promise<Map<string, PatientKey[]>> {
  const byPatient = new Map<string, PatientKey[]>();
  for (const chunk of chunks([...new Set(ids)])) {
    const known = await db.selectFrom('patients').select('id').where('id', 'in', chunk).execute();
    for (const { id } of known) byPatient.set(id, []);
    const rows = await db
      .selectFrom('patient_identifiers')
      .select(['patient_id', 'system', 'value'])
      .where('patient_id', 'in', chunk)
      .execute();
    for (const r of rows) byPatient.get(r.patient_id)?.push({ system: r.system, value: r.value });
  }
  return byPatient;
}

/** For each identifier the directory holds, the other identifiers of its patient (keyed by {@link keyText}). */
async function identifiersOfKeys(
  db: Kysely<HubDatabase>,
  keys: readonly PatientKey[],
): Promise<Map<string, PatientKey[]>> {
  const expanded = new Map<string, PatientKey[]>();
  for (const chunk of chunks(distinct(keys), 100)) {
    const rows = await db
      .selectFrom('patient_identifiers as a')
      .innerJoin('patient_identifiers as b', 'b.patient_id', 'a.patient_id')
      .select(['a.system as asked_system', 'a.value as asked_value', 'b.system', 'b.value'])
      .where((eb) =>
        eb.or(chunk.map((k) => eb.and([eb('a.system', '=', k.system), eb('a.value', '=', k.value)]))),
      )
      .execute();
    for (const r of rows) {
      const at = keyText({ system: r.asked_system, value: r.asked_value });
      expanded.set(at, [...(expanded.get(at) ?? []), { system: r.system, value: r.value }]);
    }
  }
  return expanded;
}

/**
 * The patient keys of members: a `Patient/<id>` member gives every identifier of that directory
 * patient (an unknown one is 400 `BULK_PATIENT_UNKNOWN` at `pathOf(index)`); an identifier member
 * gives itself, and the other identifiers of its patient when the directory knows it.
 */
export async function memberKeys(
  db: Kysely<HubDatabase>,
  members: readonly CohortMember[],
  pathOf: (index: number) => string,
): Promise<PatientKey[]> {
  return distinct((await memberKeyLists(db, members, pathOf)).flat());
}

/** The patient keys of each member ({@link memberKeys}), member by member. */
export async function memberKeyLists(
  db: Kysely<HubDatabase>,
  members: readonly CohortMember[],
  pathOf: (index: number) => string,
): Promise<PatientKey[][]> {
  const ids = members.flatMap((m) => ('patientId' in m ? [m.patientId] : []));
  const identifiers = members.flatMap((m) => ('identifier' in m ? [m.identifier] : []));
  const ofPatients = ids.length ? await identifiersOfPatients(db, ids) : new Map<string, PatientKey[]>();
  const ofKeys = identifiers.length
    ? await identifiersOfKeys(db, identifiers)
    : new Map<string, PatientKey[]>();
  return members.map((m, i) => {
    if ('identifier' in m) return distinct([m.identifier, ...(ofKeys.get(keyText(m.identifier)) ?? [])]);
    const found = ofPatients.get(m.patientId);
    if (!found) throw patientUnknown(pathOf(i));
    return found;
  });
}

/** Inserts `keys` as rows of `table` (`owner` column set to `ownerId`), a chunk per statement. */
async function insertKeys(
  trx: Transaction<HubDatabase>,
  table: 'cohort_members' | 'export_job_members',
  ownerId: string,
  keys: readonly PatientKey[],
): Promise<void> {
  for (const chunk of chunks(keys))
    if (table === 'cohort_members')
      await trx
        .insertInto('cohort_members')
        .values(chunk.map((k) => ({ cohort_id: ownerId, system: k.system, value: k.value })))
        .execute();
    else
      await trx
        .insertInto('export_job_members')
        .values(chunk.map((k) => ({ job_id: ownerId, system: k.system, value: k.value })))
        .execute();
}

/** What an export job is restricted to: a cohort's members (copied at kick-off), or patient keys. */
export type MemberSnapshot = { cohortId: string } | { keys: readonly PatientKey[] };

/**
 * Writes the member keys of an export job in the job's transaction: a snapshot, so the job reads
 * the same patients whatever happens to the cohort afterwards (and when a restarted hub runs it again).
 */
export async function snapshotMembers(
  trx: Transaction<HubDatabase>,
  jobId: string,
  snapshot: MemberSnapshot,
): Promise<void> {
  if ('keys' in snapshot) return insertKeys(trx, 'export_job_members', jobId, snapshot.keys);
  await trx
    .insertInto('export_job_members')
    .columns(['job_id', 'system', 'value'])
    .expression((eb) =>
      eb
        .selectFrom('cohort_members')
        .select((s) => [s.cast<string>(s.val(jobId), 'text').as('job_id'), 'system', 'value'])
        .where('cohort_id', '=', snapshot.cohortId),
    )
    .execute();
}

/** The saved cohorts (`cohorts`, `cohort_members`): create, read, delete, and the members' keys. */
export function cohortsStore(store: Pick<HubDb, 'db' | 'transact'>) {
  const { db } = store;
  return {
    /** Stores a cohort and its member keys in one transaction. */
    async create(cohort: {
      id: string;
      ownerFacility: string;
      group: CohortGroup;
      keys: readonly PatientKey[];
    }): Promise<void> {
      const now = cohort.group.meta.lastUpdated;
      await store.transact(async (trx) => {
        await trx
          .insertInto('cohorts')
          .values({
            id: cohort.id,
            owner_facility: cohort.ownerFacility,
            name: cohort.group.name ?? null,
            created_at: now,
            updated_at: now,
            document: JSON.stringify(cohort.group),
          })
          .execute();
        await insertKeys(trx, 'cohort_members', cohort.id, cohort.keys);
      });
    },
    async get(id: string): Promise<StoredCohort | undefined> {
      const row = await db
        .selectFrom('cohorts')
        .select(['id', 'owner_facility', 'document'])
        .where('id', '=', id)
        .executeTakeFirst();
      return (
        row && {
          id: row.id,
          ownerFacility: row.owner_facility,
          group: JSON.parse(row.document) as CohortGroup,
        }
      );
    },
    /** Removes a cohort and its members; false when there was none. */
    async remove(id: string): Promise<boolean> {
      return store.transact(async (trx) => {
        await trx.deleteFrom('cohort_members').where('cohort_id', '=', id).execute();
        const result = await trx.deleteFrom('cohorts').where('id', '=', id).executeTakeFirst();
        return Number(result.numDeletedRows) > 0;
      });
    },
    /** The keys among `keys` that are members of the cohort. */
    async membersAmong(id: string, keys: readonly PatientKey[]): Promise<Set<string>> {
      const found = new Set<string>();
      for (const chunk of chunks(keys, 100)) {
        const rows = await db
          .selectFrom('cohort_members')
          .select(['system', 'value'])
          .where('cohort_id', '=', id)
          .where((eb) =>
            eb.or(chunk.map((k) => eb.and([eb('system', '=', k.system), eb('value', '=', k.value)]))),
          )
          .execute();
        for (const r of rows) found.add(keyText(r));
      }
      return found;
    },
  };
}

export { keyText as patientKeyText };
