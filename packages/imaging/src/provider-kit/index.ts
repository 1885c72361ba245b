/**
 * `@lienthong/imaging/provider-kit` — for provider authors (and the exchange hub), not for
 * applications: the matching rule every `ImagingRegistry` provider shares. The abort check, the
 * receipt and the read-only wrapper are in `@lienthong/core/contract`.
 * @packageDocumentation
 */
export { matchesImagingQuery } from './match.js';
