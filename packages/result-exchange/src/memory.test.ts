import { describeResultExchangeConformance } from '@lienthong/conformance';
import { createMemoryResultExchange } from './memory.js';

describeResultExchangeConformance('memory', () => createMemoryResultExchange());
