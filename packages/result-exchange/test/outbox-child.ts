/**
 * Child process of the outbox crash test: opens the outbox file and delivers to a FHIR server.
 * With `slow`, it pauses after each publish the receiver has acknowledged and before the outbox
 * records it — the window in which the parent SIGKILLs it.
 */
import { createFhirResultExchange } from '../src/fhir/provider.js';
import { createOutbox } from '../src/outbox/outbox.js';

const [file, baseUrl, mode] = process.argv.slice(2) as [string, string, string];
const fhir = createFhirResultExchange({ baseUrl, transportOptions: { retry: 0 } });
const exchange: typeof fhir = {
  ...fhir,
  async publish(report, options) {
    const receipt = await fhir.publish(report, options);
    process.stdout.write(`published ${report.id} ${receipt.outcome}\n`);
    if (mode === 'slow') await new Promise((r) => setTimeout(r, 150));
    return receipt;
  },
};
const outbox = createOutbox({ file, exchange, backoff: { initialMs: 10 } });
const result = await outbox.deliver();
process.stdout.write(`done ${JSON.stringify({ result, counts: outbox.counts() })}\n`);
outbox.close();
