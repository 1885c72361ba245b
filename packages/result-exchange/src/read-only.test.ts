import { describeResultExchangeConformance, resultExchangeFixtures } from '@lienthong/conformance';
import { readOnly } from '@lienthong/core/contract';
import { createMemoryResultExchange } from './memory.js';

// The read-only view of a provider passes the suite's read-only mode on data stored beforehand.
const fixtures = resultExchangeFixtures(`ro-${Date.now().toString(36)}`);
describeResultExchangeConformance(
  'read-only view of memory',
  () => readOnly(createMemoryResultExchange({ seed: fixtures.publish }), ['publish'], { name: 'memory' }),
  { options: { seed: fixtures } },
);
