import { describe, expect, it } from 'vitest';
import {
  type ContractProvider,
  defineContractSuite,
  runContractSuite,
  seedOf,
  type TestApi,
} from './contract-suite.js';

// A toy contract, only to test the runner itself.
interface Counter extends ContractProvider {
  readonly contract: 'counter/v1';
  readonly capabilities: { reset: boolean };
  increment(): number;
  reset?(): void;
}

const suite = defineContractSuite<Counter>({
  contract: 'counter/v1',
  cases: [
    {
      name: 'increments from 1',
      run(counter) {
        expect(counter.increment()).toBe(1);
        expect(counter.increment()).toBe(2);
      },
    },
    {
      name: 'resets',
      requires: ['reset'],
      run(counter) {
        counter.increment();
        counter.reset!();
        expect(counter.increment()).toBe(1);
      },
    },
  ],
});

function makeCounter(reset: boolean, step = 1): Counter {
  let n = 0;
  return {
    contract: 'counter/v1',
    capabilities: { reset },
    increment: () => {
      n += step;
      return n;
    },
    ...(reset
      ? {
          reset: () => {
            n = 0;
          },
        }
      : {}),
  };
}

/** A recording TestApi: collects registered tests so the runner's behaviour can be asserted. */
function recorder() {
  const tests: { name: string; body: (skip: (note: string) => never) => Promise<void> }[] = [];
  const suites: string[] = [];
  const api: TestApi = {
    describe: (name, body) => {
      suites.push(name);
      body();
    },
    it: (name, body) => void tests.push({ name, body }),
  };
  async function run(name: string): Promise<{ status: 'passed' | 'skipped' | 'failed'; note?: string }> {
    const test = tests.find((t) => t.name === name)!;
    class Skip extends Error {}
    try {
      await test.body((note) => {
        throw new Skip(note);
      });
      return { status: 'passed' };
    } catch (error) {
      return error instanceof Skip
        ? { status: 'skipped', note: error.message }
        : { status: 'failed', note: String(error) };
    }
  }
  return { api, tests, suites, run };
}

describe('runContractSuite', () => {
  it('registers the contract check and every case under one describe', () => {
    const r = recorder();
    runContractSuite(suite, 'memory', () => makeCounter(true), { test: r.api });
    expect(r.suites).toEqual(['counter/v1 conformance — memory']);
    expect(r.tests.map((t) => t.name)).toEqual([
      'declares contract counter/v1',
      'increments from 1',
      'resets',
    ]);
  });

  it('passes a correct provider, with a fresh provider per case and cleanup after each', async () => {
    const r = recorder();
    let cleaned = 0;
    runContractSuite(suite, 'memory', () => makeCounter(true), {
      test: r.api,
      cleanup: () => void cleaned++,
    });
    for (const t of r.tests) expect(await r.run(t.name)).toEqual({ status: 'passed' });
    expect(cleaned).toBe(3);
  });

  it('fails a provider that breaks the contract', async () => {
    const r = recorder();
    runContractSuite(suite, 'broken', () => makeCounter(true, 2), { test: r.api });
    expect((await r.run('increments from 1')).status).toBe('failed');
  });

  it('fails a provider that declares another contract', async () => {
    const r = recorder();
    runContractSuite(
      suite,
      'wrong',
      () => ({ ...makeCounter(true), contract: 'counter/v2' }) as unknown as Counter,
      { test: r.api },
    );
    expect(await r.run('declares contract counter/v1')).toMatchObject({ status: 'failed' });
  });

  it('marks cases needing an undeclared capability as not applicable', async () => {
    const r = recorder();
    runContractSuite(suite, 'read-only', () => makeCounter(false), { test: r.api });
    expect(await r.run('resets')).toEqual({
      status: 'skipped',
      note: 'not applicable: the provider does not declare capabilities.reset',
    });
  });
});

describe('runContractSuite with a case for providers lacking a capability', () => {
  const withoutReset = defineContractSuite<Counter>({
    contract: 'counter/v1',
    cases: [
      {
        name: 'has no reset',
        requires: ['!reset'],
        run(counter) {
          expect(counter.reset).toBeUndefined();
        },
      },
    ],
  });

  it('runs a "!capability" case only when the provider declares the capability false', async () => {
    const r = recorder();
    runContractSuite(withoutReset, 'read-only', () => makeCounter(false), { test: r.api });
    expect(await r.run('has no reset')).toEqual({ status: 'passed' });
    const w = recorder();
    runContractSuite(withoutReset, 'writable', () => makeCounter(true), { test: w.api });
    expect(await w.run('has no reset')).toEqual({
      status: 'skipped',
      note: 'not applicable: the provider does not declare capabilities.reset: false',
    });
  });

  it('treats an undeclared capability as not declared false', async () => {
    const r = recorder();
    runContractSuite(
      withoutReset,
      'silent',
      () => ({ contract: 'counter/v1', increment: () => 1 }) as unknown as Counter,
      { test: r.api },
    );
    expect((await r.run('has no reset')).status).toBe('skipped');
  });
});

// The runner on the real vitest API: the N/A case shows as skipped in this file's report.
runContractSuite(suite, 'vitest adapter', () => makeCounter(false));

describe('seedOf', () => {
  const holds = { en: 'the records its backend holds', vi: 'các hồ sơ mà hệ thống của nó đang giữ' };
  const context = (options: Record<string, unknown>) => ({ runId: 'r1', options });

  it('returns the seed a read-only provider was given', () => {
    const seed = [{ id: 'a' }];
    expect(seedOf<typeof seed>(context({ seed }), holds)).toBe(seed);
  });

  it.each([
    ['no seed', {}],
    ['an empty seed', { seed: [] }],
  ])('answers %s with CONFORMANCE_SEED_MISSING, in English and Vietnamese', (_, options) => {
    expect(() => seedOf(context(options), holds)).toThrow(
      expect.objectContaining({
        code: 'CONFORMANCE_SEED_MISSING',
        kind: 'validation',
        path: 'options.seed',
        message: 'A read-only provider must be given options.seed: the records its backend holds.',
        messageVi:
          'Nhà cung cấp chỉ đọc phải được truyền options.seed: các hồ sơ mà hệ thống của nó đang giữ.',
      }),
    );
  });
});
