/**
 * The two-hospitals demo (what `npm run demo` runs). Today it walks through what the foundation
 * provides; later issues extend the story to a hub, two vendors and a duplicate test avoided.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createTransport,
  foldVietnamese,
  formatNationalDateTime,
  isTransportError,
  maskIdentifier,
  parseNationalDateTime,
  toOperationOutcome,
  ValidationError,
} from '@lienthong/core';

const step = (n: number, vi: string, en: string) => console.log(`\n${n}. ${vi}\n   ${en}`);
const show = (label: string, value: unknown) =>
  console.log(`   ${label.padEnd(28)} ${typeof value === 'string' ? value : JSON.stringify(value)}`);

console.log('Liên Thông — bản trình diễn hai bệnh viện / the two-hospitals demo');

step(
  1,
  'Tìm kiếm không dấu: mọi danh mục so khớp trên chữ đã bỏ dấu',
  'Diacritic-free search: every catalogue matches on folded text',
);
show('"ĐỊNH LƯỢNG Glucose [Máu]" →', foldVietnamese('ĐỊNH LƯỢNG Glucose [Máu]'));

step(
  2,
  'Ngày giờ theo định dạng quốc gia (XML4 NGAY_KQ) ↔ ISO 8601',
  'National date-times (XML4 NGAY_KQ) ↔ ISO 8601',
);
const resultTime = parseNationalDateTime('202511250830');
show('202511250830 →', resultTime.ok ? resultTime.value : resultTime.error.code);
show('2025-11-25T01:30:00Z →', formatNationalDateTime('2025-11-25T01:30:00Z'));

step(3, 'Số định danh luôn được che trong nhật ký', 'Identifiers are always masked in logs');
show('CCCD (synthetic) →', maskIdentifier('001203012345'));

step(
  4,
  'Lỗi có mã ổn định, hai thứ tiếng, và chuyển thành FHIR OperationOutcome',
  'Errors: stable code, two languages, FHIR OperationOutcome',
);
const error = new ValidationError({
  code: 'XML4_FIELD_TOO_LONG',
  message: 'MA_CHI_SO is longer than 50 characters.',
  messageVi: 'MA_CHI_SO dài quá 50 ký tự.',
  path: 'CHI_TIET_CLS[3].MA_CHI_SO',
});
show('code / path', `${error.code} @ ${error.path}`);
show('vi', error.messageVi);
show('OperationOutcome issue', toOperationOutcome(error).issue[0]?.code);

step(
  5,
  'Kết nối HTTP bền bỉ: máy chủ bận (503) → tự thử lại theo Retry-After',
  'Resilient HTTP: a busy server (503) is retried after Retry-After',
);
let calls = 0;
const server = createServer((_req, res) => {
  calls++;
  if (calls === 1) {
    res.writeHead(503, { 'retry-after': '1', 'content-type': 'application/json' });
    res.end('{}');
  } else {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'ready' }));
  }
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;
try {
  const hub = createTransport({
    baseUrl: `http://127.0.0.1:${port}`,
    onEvent: (e) =>
      e.type !== 'request' &&
      show(`event: ${e.type}`, 'reason' in e ? e.reason : 'status' in e ? e.status : ''),
  });
  show('answer', await hub.get('health'));
  show('requests sent', calls);
} catch (e) {
  console.error(isTransportError(e) ? `${e.code}: ${e.messageVi}` : e);
  process.exitCode = 1;
} finally {
  server.close();
}

console.log('\nXong. Done — see docs/ for the guides, `npm test` for the tests.');
