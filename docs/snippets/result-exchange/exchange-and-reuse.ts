// Publish, query, correct; then ask the reuse advisor before ordering a test again.
import {
  adviseReuse,
  createMemoryResultExchange,
  type LabReport,
  recordReuseDecision,
} from '@lienthong/result-exchange';
import { createFhirResultExchange } from '@lienthong/result-exchange/fhir';
import { createOutbox } from '@lienthong/result-exchange/outbox';

declare const report: LabReport;

// Swapping the provider is one line: the contract (result-exchange/v1) is the same.
const exchange = process.env.FHIR_URL
  ? createFhirResultExchange({ baseUrl: process.env.FHIR_URL })
  : createMemoryResultExchange();

await exchange.publish(report, { idempotencyKey: `lab-${report.id}` }); // retries never duplicate
await exchange.publish({ ...report, status: 'corrected', conclusion: 'Đã hiệu chỉnh' }); // version 2
console.log((await exchange.history(report.id)).map((r) => r.version)); // [1, 2]: nothing overwritten

const patient = report.patient.identifiers[0]!;
const mine: LabReport[] = [];
for await (const r of exchange.query({ patient, since: '2026-01-01' }, { pageSize: 50 })) mine.push(r);

const advice = adviseReuse(
  {
    code: { system: 'urn:lienthong:cs:service-code', code: '23.0075.1494' },
    patient: [patient],
    at: new Date().toISOString(),
    requesterLabLevel: 3,
  },
  mine,
);
for (const c of advice.rejected) console.log(c.reportId, c.reasons.map((r) => r.messageVi).join('; '));
const decision = recordReuseDecision(advice, {
  action: 'reorder',
  reason: 'Lâm sàng thay đổi', // required when a reusable result exists
  decidedBy: 'BS-0001',
  decidedAt: new Date().toISOString(),
});
console.log(decision.action);

// Durable delivery when the remote is down: SQLite file, backoff, exactly once at the receiver.
const outbox = createOutbox({ file: 'outbox.sqlite', exchange });
outbox.enqueue(report);
const stop = outbox.start(5000);
await stop.stop();
