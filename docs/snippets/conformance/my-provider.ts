import { type ContractProvider, defineContractSuite, runContractSuite } from '@lienthong/conformance';
import { expect } from 'vitest';

// A contract is a small interface with a contract id and declared capabilities…
interface Greeter extends ContractProvider {
  readonly contract: 'greeter/v1';
  readonly capabilities: { write: boolean };
  greet(name: string): Promise<string>;
  rename?(to: string): Promise<void>;
}

// …its suite is declared once…
export const greeterSuite = defineContractSuite<Greeter>({
  contract: 'greeter/v1',
  cases: [
    { name: 'greets by name', run: async (g) => expect(await g.greet('An')).toContain('An') },
    { name: 'renames', requires: ['write'], run: async (g) => g.rename?.('Bình') },
  ],
});

// …and every provider's test file runs it (a read-only provider sees "renames" as not applicable).
runContractSuite(
  greeterSuite,
  'my read-only greeter',
  (): Greeter => ({
    contract: 'greeter/v1',
    capabilities: { write: false },
    greet: async (name) => `Xin chào ${name}`,
  }),
);
