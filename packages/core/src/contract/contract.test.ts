import { describe, expect, expectTypeOf, it } from 'vitest';
import { isLienThongError, isValidationError } from '../errors/lienthong-error.js';
import {
  type CallOptions,
  type Contract,
  checkDateRange,
  instantOf,
  OPERATION_ABORTED,
  PROVIDER_READ_ONLY,
  readOnly,
  throwIfAborted,
  untilInstantOf,
  type WriteReceipt,
  writeReceipt,
} from './index.js';

const aborted = () => {
  const controller = new AbortController();
  controller.abort(new Error('stop'));
  return controller.signal;
};

const failure = async (run: () => unknown): Promise<unknown> => {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
};

describe('throwIfAborted', () => {
  it('throws OPERATION_ABORTED with the reason as cause when the signal is aborted', async () => {
    const signal = aborted();
    const error = await failure(() => throwIfAborted(signal));
    expect(isLienThongError(error)).toBe(true);
    expect(error).toMatchObject({ code: OPERATION_ABORTED, cause: signal.reason });
    expect((error as { messageVi: string }).messageVi).toMatch(/hủy/);
  });

  it('does nothing without a signal or with a live one', () => {
    expect(() => throwIfAborted(undefined)).not.toThrow();
    expect(() => throwIfAborted(new AbortController().signal)).not.toThrow();
  });
});

describe('writeReceipt', () => {
  it('is created at version 1, updated one version up, unchanged at the same version', () => {
    expect(writeReceipt('a', undefined, true)).toEqual({ id: 'a', version: 1, outcome: 'created' });
    expect(writeReceipt('a', undefined, false)).toEqual({ id: 'a', version: 1, outcome: 'created' });
    expect(writeReceipt('a', 3, true)).toEqual({ id: 'a', version: 4, outcome: 'updated' });
    expect(writeReceipt('a', 3, false)).toEqual({ id: 'a', version: 3, outcome: 'unchanged' });
  });
});

// A toy contract with one write and two reads, one of them paged.
interface Notes extends Contract<'notes/v1', { write: boolean; search: boolean }> {
  put(text: string, options?: CallOptions): Promise<WriteReceipt>;
  get(id: string, options?: CallOptions): Promise<string | undefined>;
  list(options?: CallOptions): AsyncIterable<string>;
}

function memoryNotes(): Notes {
  const notes = new Map<string, string>();
  return {
    contract: 'notes/v1',
    capabilities: { write: true, search: true },
    async put(text, options = {}) {
      throwIfAborted(options.signal);
      notes.set(text, text);
      return writeReceipt(text, undefined, true);
    },
    async get(id, options = {}) {
      throwIfAborted(options.signal);
      return notes.get(id);
    },
    async *list() {
      yield* notes.values();
    },
  };
}

/** A provider written as a class: its methods live on the prototype and use `this`. */
class ClassNotes implements Notes {
  readonly contract = 'notes/v1' as const;
  readonly capabilities = Object.freeze({ write: true, search: false });
  #notes = ['kept'];
  async put(_text: string): Promise<WriteReceipt> {
    throw new Error('not reached');
  }
  async get(id: string) {
    return this.#notes.find((n) => n === id);
  }
  async *list() {
    yield* this.#notes;
  }
}

describe('readOnly', () => {
  it('refuses the writes with PROVIDER_READ_ONLY naming the contract, and writes nothing', async () => {
    const notes = memoryNotes();
    const view = readOnly(notes, ['put'], { name: 'test' });
    expectTypeOf(view).toEqualTypeOf<Notes>();
    const error = await failure(() => view.put('x'));
    expect(error).toMatchObject({
      code: PROVIDER_READ_ONLY,
      details: { contract: 'notes/v1', method: 'put' },
    });
    expect((error as Error).message).toContain('test notes/v1');
    expect((error as { messageVi: string }).messageVi).toContain('chỉ cho phép đọc');
    expect(await notes.get('x')).toBeUndefined();
  });

  it('checks the abort signal of a refused write first', async () => {
    const view = readOnly(memoryNotes(), ['put']);
    expect(await failure(() => view.put('x', { signal: aborted() }))).toMatchObject({
      code: OPERATION_ABORTED,
    });
  });

  it('declares write false, keeps the other capabilities and the reads', async () => {
    const notes = memoryNotes();
    await notes.put('kept');
    const view = readOnly(notes, ['put']);
    expect(view.contract).toBe('notes/v1');
    expect(view.capabilities).toEqual({ write: false, search: true });
    expect(notes.capabilities.write).toBe(true);
    expect(await view.get('kept')).toBe('kept');
    const listed: string[] = [];
    for await (const n of view.list()) listed.push(n);
    expect(listed).toEqual(['kept']);
    await expect(view.get('kept', { signal: aborted() })).rejects.toMatchObject({ code: OPERATION_ABORTED });
  });

  it('wraps class instances (prototype methods bound to the instance)', async () => {
    const view = readOnly(new ClassNotes(), ['put']);
    expect(view.capabilities).toEqual({ write: false, search: false });
    expect(await view.get('kept')).toBe('kept');
    await expect(view.put('x')).rejects.toMatchObject({ code: PROVIDER_READ_ONLY });
  });

  it('builds a natively read-only provider from its reads alone', async () => {
    const view = readOnly<Notes, 'put'>(
      {
        contract: 'notes/v1',
        capabilities: { write: false, search: false },
        get: async (id) => `note ${id}`,
        async *list() {},
      },
      ['put'],
      { name: 'archive' },
    );
    expect(await view.get('1')).toBe('note 1');
    await expect(view.put('x')).rejects.toMatchObject({ code: PROVIDER_READ_ONLY });
  });
});

describe('instantOf', () => {
  it('reads dates as 00:00 Vietnam time and date-times with their offset', () => {
    expect(instantOf('2026-03-01')).toBe(Date.parse('2026-03-01T00:00:00+07:00'));
    expect(instantOf('2026-03-01T08:00:00Z')).toBe(Date.parse('2026-03-01T08:00:00Z'));
    expect(instantOf('2026-03-01T08:00+07:00')).toBe(Date.parse('2026-03-01T01:00:00Z'));
  });

  it('is NaN for anything else', () => {
    for (const text of ['', '2026-03', '01/03/2026', '2026-03-01T08:00:00', 'yesterday'])
      expect(instantOf(text)).toBeNaN();
  });
});

describe('untilInstantOf', () => {
  it('lets a date cover its whole day in Vietnam time and a date-time only itself', () => {
    expect(untilInstantOf('2026-03-01')).toBe(Date.parse('2026-03-02T00:00:00+07:00') - 1);
    expect(untilInstantOf('2026-03-01T08:00:00Z')).toBe(Date.parse('2026-03-01T08:00:00Z'));
    expect(untilInstantOf('01/03/2026')).toBeNaN();
  });
});

describe('checkDateRange', () => {
  it('accepts a date-time since within the day of a date until', () => {
    expect(() => checkDateRange({ since: '2026-03-01T20:00:00+07:00', until: '2026-03-01' })).not.toThrow();
  });

  it('accepts open, equal and ordered windows, dates and date-times mixed', () => {
    expect(() => checkDateRange({})).not.toThrow();
    expect(() => checkDateRange({ since: '2026-03-01', until: '2026-03-01' })).not.toThrow();
    expect(() => checkDateRange({ since: '2026-03-01', until: '2026-03-01T00:00:00+07:00' })).not.toThrow();
    expect(() => checkDateRange({ until: '2026-03-01T08:00:00Z' })).not.toThrow();
  });

  it('refuses since after until with DATE_RANGE_INVALID at until', async () => {
    const error = await failure(() => checkDateRange({ since: '2026-03-02', until: '2026-03-01' }));
    expect(isValidationError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'DATE_RANGE_INVALID', path: 'until' });
    // 08:00 in Hà Nội is 01:00 UTC: before 02:00 UTC.
    expect(
      await failure(() =>
        checkDateRange({ since: '2026-03-01T02:00:00Z', until: '2026-03-01T08:00:00+07:00' }, 'query'),
      ),
    ).toMatchObject({ code: 'DATE_RANGE_INVALID', path: 'query.until' });
  });

  it('refuses a bound that is not an ISO date or date-time with offset', async () => {
    expect(await failure(() => checkDateRange({ since: '01/03/2026' }))).toMatchObject({
      code: 'DATE_RANGE_INVALID',
      path: 'since',
    });
  });
});
