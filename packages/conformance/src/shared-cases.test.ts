import {
  type CallOptions,
  type Contract,
  checkDateRange,
  type DateRange,
  readOnly,
  throwIfAborted,
  type WriteReceipt,
  writeReceipt,
} from '@lienthong/core/contract';
import { describe, expect, it } from 'vitest';
import type { CaseContext, ConformanceCase } from './contract-suite.js';
import { type ContractShape, collect, sharedCases } from './shared-cases.js';

// A toy contract, only to test the shared cases themselves: notes with a text, kept by id.
interface Note {
  id: string;
  text: string;
}
interface Notes extends Contract<'notes/v1', { write: boolean }> {
  put(note: Note, options?: CallOptions): Promise<WriteReceipt>;
  get(id: string, options?: CallOptions): Promise<Note | undefined>;
  list(window: DateRange, options?: CallOptions): AsyncIterable<Note>;
}

/** A provider honouring the kit; `breakIt` swaps one of its behaviours for a wrong one. */
function memoryNotes(breakIt: Partial<Notes> = {}): Notes {
  const notes = new Map<string, { note: Note; version: number }>();
  const provider: Notes = {
    contract: 'notes/v1',
    capabilities: { write: true },
    async put(note, o = {}) {
      throwIfAborted(o.signal);
      const stored = notes.get(note.id);
      const receipt = writeReceipt(note.id, stored?.version, stored?.note.text !== note.text);
      if (receipt.outcome !== 'unchanged') notes.set(note.id, { note, version: receipt.version });
      return receipt;
    },
    async get(id, o = {}) {
      throwIfAborted(o.signal);
      return notes.get(id)?.note;
    },
    async *list(window, o = {}) {
      throwIfAborted(o.signal);
      checkDateRange(window);
      for (const { note } of notes.values()) yield note;
    },
  };
  return { ...provider, ...breakIt };
}

const shape: ContractShape<Notes, Note> = {
  writes: ['put'],
  fresh: (ctx) => ({ id: `${ctx.runId}-${Math.random().toString(36).slice(2)}`, text: 'first' }),
  change: (note) => ({ ...note, text: 'changed' }),
  write: (notes, note) => notes.put(note),
  read: (notes, note) => notes.get(note.id),
  idOf: (note) => note.id,
  calls: {
    put: (notes, note, signal) => notes.put(note, { signal }),
    get: (notes, note, signal) => notes.get(note.id, { signal }),
    list: (notes, _note, signal) => collect(notes.list({}, { signal })),
  },
  queryWindow: (notes, window) => collect(notes.list(window)),
};

const context: CaseContext = { runId: 'shared-cases', options: {} };
const cases = sharedCases(shape);
const named = (start: string): ConformanceCase<Notes> => cases.find((c) => c.name.startsWith(start))!;

/** Runs a case the way the runner does: skipped when the provider lacks a required capability. */
async function outcome(
  testCase: ConformanceCase<Notes>,
  provider: Notes,
): Promise<'passed' | 'failed' | 'n/a'> {
  const missing = (testCase.requires ?? []).some((c) =>
    c.startsWith('!')
      ? provider.capabilities[c.slice(1) as 'write'] !== false
      : !provider.capabilities[c as 'write'],
  );
  if (missing) return 'n/a';
  try {
    await testCase.run(provider, context);
    return 'passed';
  } catch {
    return 'failed';
  }
}

describe('sharedCases', () => {
  it('passes a provider that honours the kit, and its read-only view', async () => {
    for (const c of cases) expect(await outcome(c, memoryNotes()), c.name).not.toBe('failed');
    const view = readOnly(memoryNotes(), ['put']);
    for (const c of cases) expect(await outcome(c, view), c.name).not.toBe('failed');
    expect(cases.map((c) => c.name)).toHaveLength(6);
  });

  it('fails capabilities that are not booleans', async () => {
    const provider = { ...memoryNotes(), capabilities: { write: 'yes' } } as unknown as Notes;
    expect(await outcome(named('declares its capabilities'), provider)).toBe('failed');
  });

  it('fails a method that ignores an aborted signal, or answers another abort code', async () => {
    const abort = named('every method rejects with OPERATION_ABORTED');
    expect(await outcome(abort, memoryNotes({ get: async () => undefined }))).toBe('failed');
    const otherCode = memoryNotes({
      async *list() {
        yield* [];
        throw Object.assign(new Error('aborted'), { code: 'NOTES_ABORTED' });
      },
    });
    expect(await outcome(abort, otherCode)).toBe('failed');
  });

  it('fails receipts of another shape or that do not count versions', async () => {
    const receipts = named('writes answer one receipt');
    const inner = memoryNotes();
    const legacy = memoryNotes({
      async put(note) {
        const receipt = await inner.put(note);
        return {
          ...receipt,
          outcome: receipt.outcome === 'updated' ? 'superseded' : receipt.outcome,
        } as never;
      },
    });
    expect(await outcome(receipts, legacy)).toBe('failed');
    const stuck = memoryNotes({ put: async (note) => writeReceipt(note.id, undefined, true) });
    expect(await outcome(receipts, stuck)).toBe('failed');
  });

  it('fails a read-only provider that refuses writes with another code, or stores them', async () => {
    const refuses = named('a read-only provider refuses every write');
    const otherCode = {
      ...memoryNotes(),
      capabilities: { write: false },
      put: async () => {
        throw Object.assign(new Error('read-only'), { code: 'NOTES_READ_ONLY' });
      },
    };
    expect(await outcome(refuses, otherCode)).toBe('failed');
    const writes = { ...memoryNotes(), capabilities: { write: false } };
    expect(await outcome(refuses, writes)).toBe('failed');
  });

  it('fails a query that accepts a reversed window', async () => {
    const window = named('a query whose since is after its until');
    const lax = memoryNotes({
      async *list() {
        yield* []; // no window check
      },
    });
    expect(await outcome(window, lax)).toBe('failed');
  });
});
