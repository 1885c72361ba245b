/**
 * The two-hospitals demo — what `npm run demo` runs.
 *
 * A district hospital (vendor A's software) and a provincial hospital (vendor B's) share one
 * patient's history through a Liên Thông hub: lab results, an X-ray reference and, at discharge, A's
 * XML 130 file set, which B reads as visits and a patient summary; a duplicate test is avoided; then
 * B swaps its result-exchange and visit-history providers from the hub to a FHIR server and the same
 * queries give the same answers.
 * All people and facility codes are SYNTHETIC. `--keep` leaves the hub running.
 * `LIENTHONG_DICOM_FOLDER=<folder>` scans another folder of DICOM files than the repository's
 * fixtures. A failure prints its code and both messages (no stack trace unless `DEBUG` is set) and
 * exits 1 (3 when a service cannot be reached).
 */

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { loadIcd10 } from '@lienthong/catalogue/icd10';
import { startFhirTestServer } from '@lienthong/conformance/fhir';
import { type IdentifierValue, maskIdentifier } from '@lienthong/core';
import type { CallOptions } from '@lienthong/core/contract';
import { createLogger, startHub } from '@lienthong/hub';
import {
  createHubClient,
  createHubImagingRegistry,
  createHubPatientDirectory,
  createHubResultExchange,
  createHubVisitHistory,
  publishVisitFileSet,
} from '@lienthong/hub-api';
import { evaluateReuse } from '@lienthong/imaging';
import { scanFolderToReferences } from '@lienthong/imaging/scanner';
import {
  currentProvince,
  oldProvince,
  safeParseCitizenId,
  safeParseInsuranceCard,
} from '@lienthong/patient-id';
import { DEFAULT_LAB_SYSTEMS, type LabReport, type ResultExchange } from '@lienthong/result-exchange';
import { createFhirResultExchange } from '@lienthong/result-exchange/fhir';
import { decodeOru } from '@lienthong/result-exchange/hl7';
import type { SummaryImaging, Visit, VisitHistory } from '@lienthong/visits';
import { createFhirVisitHistory } from '@lienthong/visits/fhir';
import { encodeXml130 } from '@lienthong/visits/xml130';
import { DEFAULT_DIST, serveViewer } from '../../viewer/src/server/serve.js';
import { chapter, explainFailure, say } from './story.js';
import { analyserMessage, HOSPITAL_A, HOSPITAL_B, PATIENT } from './synthetic-data.js';
import { dischargeFileSet } from './synthetic-visit.js';

const keep = process.argv.includes('--keep');
const DICOM_FOLDER =
  process.env.LIENTHONG_DICOM_FOLDER ||
  fileURLToPath(new URL('../../../fixtures/real-world/dicom/', import.meta.url));
const service = (code: string) => ({ system: DEFAULT_LAB_SYSTEMS.serviceCode, code });
const cccd = PATIENT.identifiers[0]!;
const card = PATIENT.identifiers[1]!;

console.log(
  '\x1b[1mLiên Thông — hai bệnh viện, một lịch sử khám chung / two hospitals, one shared history\x1b[0m',
);
console.log(
  '\x1b[2m(người bệnh và mã cơ sở là dữ liệu giả lập — synthetic patient and facility codes)\x1b[0m',
);

const dir = mkdtempSync(join(tmpdir(), 'lienthong-demo-'));
const adminKey = randomBytes(24).toString('base64url');
const cleanups: (() => Promise<void> | void)[] = [() => rmSync(dir, { recursive: true, force: true })];

try {
  const hub = await startHub({
    database: { sqlite: join(dir, 'hub.db') },
    port: 0,
    adminKey,
    logger: createLogger({ level: 'warn' }),
  });
  cleanups.push(() => hub.close());
  chapter(
    'Sàn liên thông khởi động, đăng ký hai bệnh viện',
    'A hub starts (embedded SQLite); two hospitals are registered',
  );
  const admin = createHubClient({ baseUrl: hub.url, apiKey: adminKey });
  const keyA = (await admin.POST('/v1/facilities', { body: HOSPITAL_A })).credential.apiKey;
  const keyB = (await admin.POST('/v1/facilities', { body: HOSPITAL_B })).credential.apiKey;
  say('hub:', hub.url);
  say(`${HOSPITAL_A.code}:`, `${HOSPITAL_A.name} — phần mềm hãng A / vendor A`);
  say(`${HOSPITAL_B.code}:`, `${HOSPITAL_B.name} — phần mềm hãng B / vendor B`);

  // Vendor A's software talks to the hub through the SDK's hub providers.
  const a = { baseUrl: hub.url, apiKey: keyA, user: 'ktv.lan', purpose: 'TREAT' };

  chapter(
    'Bệnh viện A đăng ký người bệnh bằng số định danh cá nhân',
    'A registers the patient by personal ID number',
  );
  const id = safeParseCitizenId(cccd.value, { birthDate: PATIENT.birthDate!, sex: 'male' });
  if (!id.ok) throw id.error;
  const born = oldProvince(id.value.oldProvinceCode);
  const now2025 = currentProvince(id.value.currentProvinceCode);
  say(
    'CCCD:',
    `${maskIdentifier(cccd.value)} → ${born?.name} (nay / now ${now2025?.name}), ${id.value.birthYear}, ${id.value.sex === 'male' ? 'nam / male' : 'nữ / female'}`,
  );
  const cardParts = safeParseInsuranceCard(card.value);
  if (!cardParts.ok) throw cardParts.error;
  if (cardParts.value.form === 'full') {
    say(
      'BHYT:',
      `${maskIdentifier(card.value)} → nhóm / group ${cardParts.value.group}, mức hưởng / benefit level ${cardParts.value.benefitLevel}`,
    );
  }
  const { outcome } = await createHubPatientDirectory(a).upsert(PATIENT);
  say(
    'hub:',
    outcome === 'created' ? 'người bệnh mới / new patient registered' : 'đã có / already registered',
  );

  chapter(
    'Máy xét nghiệm của A gửi kết quả HL7 v2 (công thức máu, glucose), A chia sẻ lên sàn',
    "A's analyser sends HL7 v2 ORU^R01 (blood count, glucose); A publishes them",
  );
  const now = new Date();
  const decoded = decodeOru(analyserMessage(now, 2), {
    defaults: {
      lab: { code: HOSPITAL_A.code, qualityLevel: 3 },
      performingFacility: { code: HOSPITAL_A.code, name: HOSPITAL_A.name },
    },
  });
  const exchangeA = createHubResultExchange(a);
  for (const [i, report] of decoded.value.entries()) {
    const receipt = await exchangeA.publish(report, { idempotencyKey: `${decoded.controlId}-${i}` });
    say(
      `${report.codes[0]?.code} ${report.id}:`,
      `${receipt.outcome}, ${report.observations.length} chỉ số / results`,
    );
  }
  const retry = await exchangeA.publish(decoded.value[0]!, { idempotencyKey: `${decoded.controlId}-0` });
  const versions = await exchangeA.history(decoded.value[0]!.id);
  say(
    'gửi lại cùng khóa / retried with the same key:',
    `biên nhận cũ (v${retry.version}), ${versions.length} phiên bản — không trùng / same receipt, no duplicate`,
  );

  chapter(
    'A chia sẻ tham chiếu phim X-quang ngực dựng từ tệp DICOM (ảnh vẫn ở PACS của A)',
    'A publishes a chest X-ray reference built from DICOM files (pixels stay in A’s PACS)',
  );
  const scan = await scanFolderToReferences(DICOM_FOLDER, {
    facility: HOSPITAL_A.code,
    facilityName: HOSPITAL_A.name,
    wadoRsBase: 'https://pacs.benhvien-a.example/dicom-web',
  });
  say(
    'quét / scanned:',
    `${scan.files} tệp, ${scan.references.length} ca chụp, ${scan.skipped.length} tệp không phải DICOM Part 10 (${scan.skipped.map((s) => s.code).join(', ')})`,
  );
  const xray = scan.references.find((r) => r.modalities.includes('CR'))!;
  const signedAt = new Date(now.getTime() - 86_400_000).toISOString();
  const reference = {
    ...xray,
    patient: { identifiers: [cccd] },
    completeness: 'complete' as const,
    report: {
      conclusion: 'Chưa thấy tổn thương nhu mô phổi (synthetic report)',
      signers: [
        { role: 'performer' as const, name: 'KTV Trần Thị Lan (synthetic)' },
        { role: 'reader' as const, name: 'BS Lê Văn Minh (synthetic)' },
      ],
      signedAt,
    },
  };
  const imagingReceipt = await createHubImagingRegistry(a).publish(reference);
  say('study:', `${xray.modalities.join('/')} ${xray.studyInstanceUid} — ${imagingReceipt.outcome}`);

  chapter(
    'Bệnh viện A cho người bệnh ra viện: HIS của A lập bộ hồ sơ XML 130 (GIAMDINHHS) và gửi nguyên bộ lên sàn',
    "A discharges the patient: A's HIS writes the XML 130 file set (GIAMDINHHS) and publishes it whole",
  );
  const fileSet = dischargeFileSet(now);
  const xml130 = encodeXml130(fileSet).value;
  const tables = new Set(Array.from(xml130.matchAll(/<LOAIHOSO>([^<]+)</g), (m) => m[1]));
  say(
    'XML 130:',
    `${fileSet.visits.length} hồ sơ / visit, MA_CSKCB ${fileSet.facility}, ${[...tables].join(' ')}, ${Buffer.byteLength(xml130)} bytes`,
  );
  // The hub decodes the file set strictly (field table, ICD-10 rules): all its visits or none.
  const visitReceipts = await publishVisitFileSet(a, xml130, { idempotencyKey: 'SYN-A-GIAMDINHHS-0001' });
  for (const r of visitReceipts) say(`${r.id}:`, `${r.outcome} (v${r.version})`);

  chapter(
    'Người bệnh được chuyển tuyến. Bệnh viện B tìm người bệnh bằng thẻ BHYT',
    'The patient is referred. B finds them by insurance card',
  );
  const b = { baseUrl: hub.url, apiKey: keyB, user: 'bs.hoa', purpose: 'TREAT' };
  const found = await createHubPatientDirectory(b).findByIdentifier(card);
  if (!found) throw new Error('patient not found by insurance card');
  say(
    'tìm thấy / found:',
    `${found.name.family} ${found.name.middle} ${found.name.given?.charAt(0) ?? ''}. (${found.birthDate?.slice(0, 4)}), ${found.identifiers.length} mã định danh / identifiers`,
  );

  chapter('B xem lịch sử dùng chung', 'B sees the shared history');
  let exchangeB: ResultExchange = createHubResultExchange(b);
  const historyOf = async (exchange: ResultExchange) => {
    const list: LabReport[] = [];
    for await (const r of exchange.query({ patient: { system: cccd.system, value: cccd.value } }))
      list.push(r);
    return list;
  };
  const shared = await historyOf(exchangeB);
  for (const r of shared) {
    const when = (r.specimen?.collectedAt ?? r.effectiveAt ?? '').slice(0, 10);
    say(
      `${when} ${r.codes[0]?.code}`,
      r.observations
        .map(
          (o) =>
            `${o.name ?? o.codes[0]?.code}: ${o.value?.kind === 'quantity' ? `${o.value.value} ${o.value.unit}` : '…'}`,
        )
        .join('; '),
    );
  }
  for await (const study of createHubImagingRegistry(b).query({ patientIdentifier: cccd })) {
    const decision = evaluateReuse(study, { maxAgeDays: { CR: 30 } });
    say(`${study.studyDate ?? ''} ${study.modalities.join('/')}`, `${study.report?.conclusion}`);
    // The sample DICOM file is from 2001, so a 30-day policy for CR says: repeat the X-ray.
    say(
      '   tái sử dụng ảnh / reuse:',
      decision.reusable ? 'được / yes' : decision.reasons.map((r) => r.messageVi).join('; '),
    );
  }

  chapter(
    'B xem các đợt điều trị của A theo số định danh cá nhân, rồi bản tóm tắt người bệnh',
    "B reads A's visits by personal ID (diagnoses, medications, stay), then the patient summary",
  );
  const icd10 = await loadIcd10();
  const patientId = { system: cccd.system, value: cccd.value };
  let visitsB: VisitHistory = createHubVisitHistory(b);
  const stays: Visit[] = [];
  for await (const v of visitsB.query({ patient: patientId })) stays.push(v);
  const day = (iso?: string) => iso?.slice(0, 10) ?? '…';
  for (const v of stays) {
    say(
      `${v.facility} ${v.id}:`,
      `${day(v.admittedAt)} → ${day(v.dischargedAt)} (MA_LOAI_KCB ${v.visitType}), chuyển tới / referred to ${v.referralTo ?? '—'}`,
    );
    for (const d of [v.mainDiagnosis, ...v.secondaryDiagnoses])
      if (d)
        say(
          `   ${d === v.mainDiagnosis ? 'bệnh chính / main' : 'bệnh kèm / secondary'}:`,
          `${d.code} ${icd10.lookup(d.code)?.display ?? ''}`,
        );
    say(
      '   thuốc / medications:',
      v.medications.map((m) => `${m.name} ${m.strength ?? ''} (${m.dose ?? ''})`).join('; '),
    );
  }
  // One instant for both providers' summaries, so "current" and "recent" count back from the same time.
  const asOf = now.toISOString();
  const patientSummary = await visitsB.summary(patientId, { asOf });
  say(
    'tóm tắt / summary:',
    `${patientSummary.problems.length} bệnh / problems, ${patientSummary.medications.length} thuốc / medications, ${patientSummary.encounters.length} đợt / encounters, ${patientSummary.imaging.length} ca chụp / studies, ${patientSummary.withheld} chẩn đoán ẩn / withheld`,
  );
  for (const p of patientSummary.problems)
    say(
      `   ${p.code.code}${p.main ? ' (chính / main)' : ''}:`,
      `${p.code.display}, ${p.facilities.join(', ')}`,
    );

  chapter(
    'B định chỉ định lại glucose: sàn báo kết quả gần đây dùng lại được, và vì sao',
    'B is about to order glucose again: the hub says the recent result can be reused, and why',
  );
  const hubB = createHubClient(b);
  const glucose = await hubB.POST('/v1/reuse-check', {
    body: { code: service('23.0075.1494'), patient: [cccd], at: now.toISOString(), requesterLabLevel: 3 },
  });
  for (const c of glucose.reusable) say(`✔ ${c.reportId}:`, c.reasons.map((r) => r.messageVi).join('; '));
  say(
    '→',
    glucose.reusable.length > 0
      ? 'không cần làm lại xét nghiệm / no need to repeat the test'
      : 'cần làm / order it',
  );

  chapter(
    'B định chỉ định creatinine: kết quả đã quá hạn, cần làm lại',
    'B orders creatinine: the shared result has expired, redo it',
  );
  const creatinine = await hubB.POST('/v1/reuse-check', {
    body: { code: service('23.0051.1494'), patient: [cccd], at: now.toISOString(), requesterLabLevel: 3 },
  });
  for (const c of creatinine.rejected) say(`✘ ${c.reportId}:`, c.reasons.map((r) => r.messageVi).join('; '));
  say('→', creatinine.reusable.length === 0 ? 'làm lại xét nghiệm / order the test' : 'dùng lại / reuse');

  chapter(
    'B đổi nhà cung cấp trao đổi kết quả: từ sàn sang máy chủ FHIR — một dòng mã',
    'B swaps its result-exchange provider from the hub to a FHIR server — one line',
  );
  const fhir = await startFhirTestServer();
  cleanups.push(() => fhir.close());
  const fhirExchange = createFhirResultExchange({ baseUrl: fhir.baseUrl });
  for (const r of shared) await fhirExchange.publish(r); // the FHIR server holds the same data
  say('FHIR server:', `${fhir.baseUrl} (Medplum FHIR router, in memory)`);
  say(
    'code:',
    'exchangeB = createFhirResultExchange({ baseUrl })  // was createHubResultExchange({ baseUrl, apiKey })',
  );
  exchangeB = createFhirResultExchange({ baseUrl: fhir.baseUrl });
  const viaFhir = await historyOf(exchangeB);
  const summary = (list: LabReport[]) =>
    JSON.stringify(
      list
        .map((r) => [
          r.id,
          r.status,
          r.observations.map((o) => (o.value?.kind === 'quantity' ? o.value.value : null)),
        ])
        .sort(),
    );
  const same = summary(viaFhir) === summary(shared);
  say(
    'cùng truy vấn / same query:',
    `${viaFhir.length} phiếu / reports — ${same ? 'cùng kết quả / same answer ✔' : 'KHÁC / DIFFERENT ✘'}`,
  );
  if (!same) throw new Error('The FHIR provider answered differently from the hub provider');

  chapter(
    'B đổi nhà cung cấp lịch sử khám: từ sàn sang cùng máy chủ FHIR — một dòng mã',
    'B swaps its visit-history provider from the hub to the same FHIR server — one line',
  );
  const imagingB = createHubImagingRegistry(b);
  // The hub names diagnoses from its ICD-10 and adds the studies it holds to a summary; a FHIR
  // visit history is given the same: the ICD-10 list and B's imaging registry (still the hub).
  const imagingOf = async (patient: IdentifierValue, o: CallOptions): Promise<SummaryImaging[]> => {
    const studies: SummaryImaging[] = [];
    for await (const s of imagingB.query({ patientIdentifier: patient }, o))
      studies.push({
        studyInstanceUid: s.studyInstanceUid,
        ...(s.studyDate ? { startedAt: s.studyDate } : {}),
        modalities: s.modalities,
        ...(s.description ? { description: s.description } : {}),
        ...(s.performingFacility?.code ? { facility: s.performingFacility.code } : {}),
      });
    return studies;
  };
  const fhirVisits = createFhirVisitHistory({ baseUrl: fhir.baseUrl, icd10, imagingOf });
  for (const v of stays) await fhirVisits.publish(v); // the FHIR server holds the same visits
  say(
    'code:',
    'visitsB = createFhirVisitHistory({ baseUrl, icd10, imagingOf })  // was createHubVisitHistory({ baseUrl, apiKey })',
  );
  visitsB = fhirVisits;
  const summaryViaFhir = await visitsB.summary(patientId, { asOf });
  const sameSummary = isDeepStrictEqual(summaryViaFhir, patientSummary);
  say('cùng tóm tắt / same summary:', sameSummary ? 'yes ✔' : 'NO ✘');
  if (!sameSummary) throw new Error('The FHIR visit history summarised differently from the hub');

  const audit = await admin.GET('/v1/audit', { query: { patient: `${cccd.system}|${cccd.value}` } });
  chapter('Nhật ký truy cập: ai đã xem gì', 'Audit trail: who read what');
  for (const e of audit.items.slice(0, 6))
    say(`${e.at.slice(11, 19)} ${e.facilityCode} ${e.userRef ?? ''}`, `${e.action} ${e.resourceType}`);

  if (keep) {
    // The results viewer (examples/viewer), served beside the hub and reading as hospital B.
    if (!existsSync(join(DEFAULT_DIST, 'index.html')))
      execFileSync('npm', ['run', 'build', '-w', 'viewer', '--silent'], { stdio: 'inherit' });
    const viewer = await serveViewer({ hubUrl: hub.url, apiKey: keyB });
    cleanups.push(() => viewer.close());
    console.log(`\nHub: ${hub.url}   Viewer (as ${HOSPITAL_B.code}): ${viewer.url}`);
    console.log(`Tìm theo thẻ BHYT / search by insurance card: ${card.value} (synthetic)`);
    console.log('Nhấn Ctrl+C để dừng / press Ctrl+C to stop.');
    await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  }
  console.log('\n\x1b[1mXong / done.\x1b[0m');
} catch (error) {
  process.exitCode = explainFailure(error);
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup();
}
