/**
 * The conformance kit: a contract's suite is declared once as data (named cases, each with the
 * capabilities it needs) and run against any provider factory — ours and vendors' alike.
 */
import { ValidationError } from '@lienthong/core';
import { describe as vitestDescribe, it as vitestIt } from 'vitest';

/** What every provider of a contract exposes: its contract id and its optional capabilities. */
export interface ContractProvider {
  readonly contract: string;
  readonly capabilities?: Readonly<Record<string, boolean>>;
}

/** Facts handed to each case. */
export interface CaseContext {
  /** A string unique to this run, to keep identifiers of parallel runs apart. */
  readonly runId: string;
  /** Options the provider's test passed through (e.g. seed data a read-only provider serves). */
  readonly options: Readonly<Record<string, unknown>>;
}

/**
 * The seed a read-only provider's test passed (`options.seed`: the records its backend already
 * holds), else a `CONFORMANCE_SEED_MISSING` error naming what it should hold. A read-only provider
 * cannot be written to, so the cases can only check what it was said to serve.
 * @example const reports = seedOf<ResultExchangeFixtures>(ctx, { en: 'resultExchangeFixtures its backend holds', vi: 'resultExchangeFixtures mà hệ thống của nó đang giữ' });
 */
export function seedOf<T>(context: CaseContext, holds: { en: string; vi: string }): T {
  const seed = context.options.seed;
  if (seed === undefined || (Array.isArray(seed) && seed.length === 0))
    throw new ValidationError({
      code: 'CONFORMANCE_SEED_MISSING',
      message: `A read-only provider must be given options.seed: ${holds.en}.`,
      messageVi: `Nhà cung cấp chỉ đọc phải được truyền options.seed: ${holds.vi}.`,
      path: 'options.seed',
    });
  return seed as T;
}

/** One behaviour the contract promises. */
export interface ConformanceCase<P extends ContractProvider> {
  name: string;
  /**
   * Capabilities that must be declared `true` (`'write'`), or declared `false` (`'!write'`, for
   * cases about read-only providers); otherwise the case is reported "not applicable".
   */
  requires?: readonly string[];
  run(provider: P, context: CaseContext): Promise<void> | void;
}

/** A contract's suite: its id (`patient-directory/v1`) and its cases. */
export interface ContractSuite<P extends ContractProvider> {
  readonly contract: string;
  readonly cases: readonly ConformanceCase<P>[];
}

/** Declares a suite; typed identity, so the cases are checked against the contract type. */
export function defineContractSuite<P extends ContractProvider>(suite: ContractSuite<P>): ContractSuite<P> {
  return suite;
}

/** The slice of a test framework the runner needs (vitest's by default). */
export interface TestApi {
  describe(name: string, body: () => void): void;
  /** Registers a test; `skip(note)` marks it skipped at run time and stops it. */
  it(name: string, body: (skip: (note: string) => never) => Promise<void>, timeout?: number): void;
}

const vitestApi: TestApi = {
  describe: (name, body) => vitestDescribe(name, body),
  it: (name, body, timeout) => vitestIt(name, (ctx) => body((note) => ctx.skip(note) as never), timeout),
};

/** Options of {@link runContractSuite}. */
export interface RunOptions<P extends ContractProvider> {
  /** Releases what the factory created (closes connections, stops servers) after each case. */
  cleanup?: (provider: P) => Promise<void> | void;
  /** Passed to every case as `context.options`. */
  options?: Readonly<Record<string, unknown>>;
  /** Timeout of each case in ms (default 20 000). */
  timeoutMs?: number;
  /** Another test framework's describe/it (default vitest). */
  test?: TestApi;
}

/**
 * Registers one test per case of `suite` against providers made by `factory` (a fresh provider
 * per case). Cases whose required capabilities the provider does not declare are reported as
 * skipped with "not applicable" in their name — never silently passed.
 */
export function runContractSuite<P extends ContractProvider>(
  suite: ContractSuite<P>,
  name: string,
  factory: () => P | Promise<P>,
  options: RunOptions<P> = {},
): void {
  const api = options.test ?? vitestApi;
  const runId = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  const context: CaseContext = { runId, options: options.options ?? {} };
  const withProvider = async (body: (provider: P) => Promise<void> | void): Promise<void> => {
    const provider = await factory();
    try {
      await body(provider);
    } finally {
      await options.cleanup?.(provider);
    }
  };
  api.describe(`${suite.contract} conformance — ${name}`, () => {
    api.it(
      `declares contract ${suite.contract}`,
      () =>
        withProvider((provider) => {
          if (provider.contract !== suite.contract) {
            throw new Error(
              `Provider declares contract ${String(provider.contract)}, expected ${suite.contract}`,
            );
          }
        }),
      options.timeoutMs ?? 20_000,
    );
    for (const testCase of suite.cases) {
      api.it(
        testCase.name,
        (skip) =>
          withProvider(async (provider) => {
            // Capabilities are the provider's own declaration, known once it exists.
            const missing = (testCase.requires ?? []).filter((c) =>
              c.startsWith('!')
                ? provider.capabilities?.[c.slice(1)] !== false
                : provider.capabilities?.[c] !== true,
            );
            if (missing.length > 0) {
              const declared = missing.map((c) =>
                c.startsWith('!') ? `capabilities.${c.slice(1)}: false` : `capabilities.${c}`,
              );
              skip(`not applicable: the provider does not declare ${declared.join(', ')}`);
            }
            await testCase.run(provider, context);
          }),
        options.timeoutMs ?? 20_000,
      );
    }
  });
}
