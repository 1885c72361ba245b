import { LienThongError } from '@lienthong/core';
import { type ResultExchange, throwIfAborted } from './contract.js';

/** The error `publish` of a read-only provider rejects with (`RESULT_EXCHANGE_READ_ONLY`). */
export function resultExchangeReadOnly(provider: string): LienThongError {
  return new LienThongError({
    code: 'RESULT_EXCHANGE_READ_ONLY',
    message: `The ${provider} result exchange is read-only (capabilities.write is false); publish elsewhere.`,
    messageVi: `Kênh trao đổi kết quả ${provider} chỉ cho phép đọc (capabilities.write là false); hãy gửi kết quả qua kênh khác.`,
  });
}

/**
 * A read-only view of a provider: the same reads, `capabilities.write` declared `false`, and
 * `publish` rejecting with `RESULT_EXCHANGE_READ_ONLY` before anything is sent. For backends that
 * serve reads only — e.g. the exchange hub's FHIR facade, whose CapabilityStatement declares no
 * write interaction:
 *
 * ```ts
 * const exchange = readOnlyResultExchange(createFhirResultExchange({ baseUrl: `${hub}/fhir` }), 'hub FHIR facade');
 * ```
 */
export function readOnlyResultExchange(exchange: ResultExchange, name = 'this'): ResultExchange {
  return {
    contract: exchange.contract,
    capabilities: { ...exchange.capabilities, write: false },
    async publish(_report, options = {}) {
      throwIfAborted(options.signal);
      throw resultExchangeReadOnly(name);
    },
    get: (id, options) => exchange.get(id, options),
    query: (query, options) => exchange.query(query, options),
    history: (id) => exchange.history(id),
  };
}
