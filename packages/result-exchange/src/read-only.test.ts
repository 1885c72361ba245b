import { describeResultExchangeConformance, resultExchangeFixtures } from '@lienthong/conformance';
import { describe, expect, it } from 'vitest';
import { createMemoryResultExchange } from './memory.js';
import { readOnlyResultExchange } from './read-only.js';

// The read-only view of a provider passes the suite's read-only mode on data stored beforehand.
const fixtures = resultExchangeFixtures(`ro-${Date.now().toString(36)}`);
describeResultExchangeConformance(
  'read-only view of memory',
  () => readOnlyResultExchange(createMemoryResultExchange({ seed: fixtures.publish }), 'memory'),
  { options: { seed: fixtures } },
);

describe('readOnlyResultExchange', () => {
  it('declares write false, keeps the other capabilities and never reaches the provider on publish', async () => {
    const inner = createMemoryResultExchange();
    const view = readOnlyResultExchange(inner, 'test');
    expect(view.capabilities).toEqual({ write: false, history: true });
    const error = await view.publish(fixtures.single).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'RESULT_EXCHANGE_READ_ONLY' });
    expect((error as { messageVi: string }).messageVi).toContain('chỉ cho phép đọc');
    expect(await inner.get(fixtures.single.id)).toBeUndefined();
  });
});
