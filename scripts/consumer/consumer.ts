// Type-checked, never run, by scripts/consumer/run.sh in the consumer project, against the .d.ts and
// .d.cts files of the installed tarballs, skipLibCheck off: as an ES module (a copy named
// consumer.mts) under module/moduleResolution node16, as CommonJS (this file: the project has no
// "type") under module node20 (moduleResolution node16), and under bundler. The
// `@ts-expect-error` lines prove the types are real: were any of them `any`, tsc would fail.
import { readFileSync } from 'node:fs';
import { type Catalogue, createCatalogue, type SearchHit } from '@lienthong/catalogue';
import { type BundledReleaseId, loadBundledRelease } from '@lienthong/catalogue/bundled';
import { isLienThongError, type LienThongError } from '@lienthong/core';
import type { WriteReceipt } from '@lienthong/core/contract';
import { type RunningHub, type StartHubOptions, startHub } from '@lienthong/hub';
import { createHubClient, createHubResultExchange, type HubClient } from '@lienthong/hub-api';
import type { ImagingReference } from '@lienthong/imaging';
import { type FolderScan, scanFolderToReferences } from '@lienthong/imaging/scanner';
import { maskCitizenId, safeParseIdentifier } from '@lienthong/patient-id';
import { type CitizenIdParts, isCitizenId, safeParseCitizenId } from '@lienthong/patient-id/validators';
import type { LabReport, ResultExchange } from '@lienthong/result-exchange';
import { encodeFhirBundle } from '@lienthong/result-exchange/fhir';
import { decodeOru } from '@lienthong/result-exchange/hl7';

export async function glucose(id: BundledReleaseId = 'tt23-pl01'): Promise<SearchHit | undefined> {
  const catalogue: Catalogue = createCatalogue([await loadBundledRelease(id)]);
  const [best] = catalogue.search('dinh luong glucose mau', { systems: [id], limit: 5 });
  const display: string | undefined = catalogue.lookup(id, '23.75', { asOf: '2026-07-01' })?.display;
  return display === undefined ? undefined : best;
}

export function citizen(value: string): CitizenIdParts | LienThongError {
  const parsed = safeParseCitizenId(value, { birthDate: '2003', sex: 'male' });
  if (!parsed.ok) return parsed.error;
  const year: number = parsed.value.birthYear;
  if (!isCitizenId(value) || year < 1800) throw new Error('unreachable: parsed IDs are valid');
  return parsed.value;
}

export function describeIdentifier(value: string): string {
  const checked = safeParseIdentifier(value);
  return checked.ok ? `${checked.value.type} ${maskCitizenId(value)}` : checked.error.code;
}

export function hl7ToFhir(file: string): { reports: LabReport[]; entries: number } {
  const { value: reports, warnings } = decodeOru(readFileSync(file, 'utf8'));
  for (const w of warnings) console.warn(`${w.code} at ${w.path}: ${w.messageVi}`);
  const { value: bundle } = encodeFhirBundle(reports, { type: 'transaction' });
  const type: 'transaction' | 'batch' | 'collection' | string = bundle.type;
  return { reports, entries: type === 'transaction' ? (bundle.entry?.length ?? 0) : 0 };
}

export async function studies(folder: string): Promise<ImagingReference[]> {
  const scan: FolderScan = await scanFolderToReferences(folder, { facility: '79001' });
  for (const skipped of scan.skipped) console.warn(`${skipped.file}: ${skipped.code}`);
  return scan.references;
}

export async function publish(baseUrl: string, apiKey: string, report: LabReport): Promise<WriteReceipt> {
  const hub: HubClient = createHubClient({ baseUrl, apiKey, user: 'consumer.ts' });
  const me = await hub.GET('/v1/me');
  const receipt = await hub.POST('/v1/lab-reports', {
    body: report,
    idempotencyKey: `ts-${me.facilityCode}`,
  });
  const stored = await hub.GET('/v1/lab-reports/{id}', { path: { id: receipt.id } });
  const exchange: ResultExchange = createHubResultExchange({ baseUrl, apiKey });
  await exchange.get(stored.id);
  return receipt;
}

export function embeddedHub(file: string): Promise<RunningHub> {
  const options: StartHubOptions = { database: { sqlite: file }, port: 0, host: '127.0.0.1' };
  return startHub(options);
}

export function errorCode(error: unknown): string | undefined {
  return isLienThongError(error) ? error.code : undefined;
}

export async function wrongUses(hub: HubClient): Promise<void> {
  // @ts-expect-error — not a bundled release id
  await loadBundledRelease('tt23-pl99');
  // @ts-expect-error — not a path of the hub API
  await hub.GET('/v1/no-such-path');
  // @ts-expect-error — the path parameter `id` is required
  await hub.GET('/v1/lab-reports/{id}', {});
  const parsed = safeParseCitizenId('074203012345');
  // @ts-expect-error — `value` exists only once `ok` is checked
  console.log(parsed.value);
  // @ts-expect-error — a report needs its patient, codes, status and observations
  const report: LabReport = { id: 'x' };
  console.log(report);
}
