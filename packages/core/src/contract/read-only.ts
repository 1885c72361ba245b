import { LienThongError } from '../errors/lienthong-error.js';
import { throwIfAborted } from './abort.js';
import type { CallOptions, Contract } from './contract.js';

/** The code every write of a read-only provider rejects with. */
export const PROVIDER_READ_ONLY = 'PROVIDER_READ_ONLY';

/** The names of a provider's methods. */
export type MethodName<P> = {
  [K in keyof P]-?: P[K] extends (...args: never[]) => unknown ? K : never;
}[keyof P] &
  string;

/** A provider without its write methods `W`: what a natively read-only provider implements. */
export type ReadsOf<P, W extends keyof P> = Omit<P, W> & Partial<Pick<P, W>>;

/** Options of {@link readOnly}. */
export interface ReadOnlyOptions {
  /** Names the provider in the error message (`hub FHIR facade`, `DICOMweb`). */
  name?: string;
}

/** The error a write method of a read-only provider rejects with. */
function readOnlyError(contract: string, method: string, name: string | undefined): LienThongError {
  const en = name ? `The ${name} ${contract} provider` : `This ${contract} provider`;
  const vi = name ? `Nhà cung cấp ${contract} ${name}` : `Nhà cung cấp ${contract} này`;
  return new LienThongError({
    code: PROVIDER_READ_ONLY,
    message: `${en} is read-only (capabilities.write is false): ${method} is refused; write through another provider.`,
    messageVi: `${vi} chỉ cho phép đọc (capabilities.write là false): không thực hiện ${method}; hãy ghi qua nhà cung cấp khác.`,
    details: { contract, method },
  });
}

/** The `signal` of the options argument of a call (the last argument carrying one), if any. */
function signalOf(args: readonly unknown[]): AbortSignal | undefined {
  const options = args.findLast((arg) => typeof arg === 'object' && arg !== null && 'signal' in arg);
  return (options as CallOptions | undefined)?.signal;
}

/** Every method of `provider`, its own and its class's, bound to it. */
function boundMethods(provider: object): Record<string, unknown> {
  const methods: Record<string, unknown> = {};
  for (let o: object | null = provider; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const key of Object.getOwnPropertyNames(o)) {
      const value = (provider as Record<string, unknown>)[key];
      if (key in methods || key === 'constructor' || typeof value !== 'function') continue;
      methods[key] = (value as (...args: unknown[]) => unknown).bind(provider);
    }
  }
  return methods;
}

/**
 * A read-only view of a provider, for any contract: the same reads, `capabilities.write` declared
 * `false` (other capabilities kept), and each method named in `writes` rejecting with
 * `LienThongError` `PROVIDER_READ_ONLY` (`OPERATION_ABORTED` first when its signal is aborted)
 * before anything is sent. Wrap a provider whose backend serves reads only — e.g. the exchange
 * hub's FHIR facade — or build a natively read-only provider from its reads alone (give both type
 * arguments then).
 * @example
 * // A writable provider, seen read-only:
 * const exchange = readOnly(createFhirResultExchange({ baseUrl: `${hub}/fhir` }), ['publish'], { name: 'hub FHIR facade' });
 * // A provider that only reads:
 * return readOnly<ImagingRegistry, 'publish'>({ contract, capabilities: { write: false }, get, query }, ['publish'], { name: 'DICOMweb' });
 */
export function readOnly<P extends Contract, W extends MethodName<P>>(
  provider: P,
  writes: readonly W[],
  options?: ReadOnlyOptions,
): P;
export function readOnly<P extends Contract, W extends MethodName<P>>(
  provider: ReadsOf<P, W>,
  writes: readonly W[],
  options?: ReadOnlyOptions,
): P;
export function readOnly(provider: object, writes: readonly string[], options: ReadOnlyOptions = {}): object {
  const { contract, capabilities } = provider as Contract;
  const view: Record<string, unknown> = {
    ...boundMethods(provider),
    contract,
    capabilities: { ...capabilities, write: false },
  };
  for (const method of writes) {
    view[method] = async (...args: unknown[]) => {
      throwIfAborted(signalOf(args));
      throw readOnlyError(contract, method, options.name);
    };
  }
  return view;
}
