import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isTransportError } from '@lienthong/core';
import {
  type BulkExportRequest,
  type BulkManifest,
  bulkExport,
  resumeBulkExport,
} from '@lienthong/hub-api/bulk-export';
import type { Command } from 'commander';
import { type CliIo, printResult } from '../io.js';
import { hubKeyOf, usage } from './hub-key.js';

interface ExportOptions {
  hub: string;
  key?: string;
  out: string;
  type?: string;
  since?: string;
  until?: string;
  typeFilter?: string[];
  group?: string;
  patients?: boolean;
  patient?: string[];
  elements?: string;
  deidentify?: boolean;
  json?: boolean;
}

/** Where an unfinished export's status URL is kept in the output directory, so a new run resumes it. */
const PENDING = '.lienthong-export.json';
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** The export the options ask for (usage errors for what cannot be right). */
function requestOf(opts: ExportOptions): BulkExportRequest {
  for (const name of ['since', 'until'] as const)
    if (opts[name] !== undefined && !INSTANT.test(opts[name]!))
      throw usage(
        'CLI_INSTANT_INVALID',
        `--${name} takes an instant with its time zone, e.g. 2026-12-01T00:00:00+07:00`,
        `--${name} nhận một thời điểm kèm múi giờ, ví dụ 2026-12-01T00:00:00+07:00`,
        `--${name}`,
      );
  if (opts.group !== undefined && opts.patients)
    throw usage(
      'CLI_EXPORT_LEVEL_CONFLICT',
      'Give --group or --patients, not both',
      'Chỉ dùng một trong --group và --patients',
      '--group',
    );
  const listOf = (text: string | undefined) =>
    text
      ?.split(',')
      .map((t) => t.trim())
      .filter(Boolean);
  const types = listOf(opts.type);
  const elements = listOf(opts.elements);
  if (opts.elements !== undefined && !elements?.length)
    throw usage(
      'CLI_EXPORT_ELEMENTS_EMPTY',
      '--elements takes element names separated by commas, e.g. birthDate,Observation.valueQuantity',
      '--elements nhận tên phần tử cách nhau bởi dấu phẩy, ví dụ birthDate,Observation.valueQuantity',
      '--elements',
    );
  if (opts.patient?.length && opts.group === undefined && !opts.patients)
    throw usage(
      'CLI_EXPORT_PATIENT_LEVEL',
      '--patient narrows a --group or --patients export',
      '--patient chỉ dùng cùng --group hoặc --patients',
      '--patient',
    );
  return {
    level: opts.group !== undefined ? { group: opts.group } : opts.patients ? 'patient' : 'system',
    ...(types?.length ? { types } : {}),
    ...(opts.since ? { since: opts.since } : {}),
    ...(opts.until ? { until: opts.until } : {}),
    ...(opts.typeFilter?.length ? { typeFilters: opts.typeFilter } : {}),
    ...(opts.deidentify ? { deidentify: true } : {}),
    ...(elements?.length ? { elements } : {}),
    ...(opts.patient?.length ? { patients: opts.patient } : {}),
  };
}

/** The job a previous run of the same export left unfinished in `dir`, if any. */
async function pendingJob(dir: string, hub: { baseUrl: string; apiKey: string }, request: BulkExportRequest) {
  const saved = await readFile(join(dir, PENDING), 'utf8').then(
    (text) => JSON.parse(text) as { statusUrl?: unknown; request?: unknown },
    () => undefined,
  );
  if (typeof saved?.statusUrl !== 'string' || JSON.stringify(saved.request) !== JSON.stringify(request))
    return undefined;
  return resumeBulkExport(hub, saved.statusUrl);
}

/** `lienthong hub export` — a FHIR Bulk Data export of the hub, downloaded into a directory. */
export function registerHubExportCommand(hub: Command, io: CliIo): void {
  hub
    .command('export')
    .description(
      'export from a hub as FHIR NDJSON files (Bulk Data $export; the key needs the export scope); a new run into the same --out resumes an unfinished export',
    )
    .requiredOption('--hub <url>', 'the hub base URL')
    .option('--key <key>', "the facility's API key (else LIENTHONG_HUB_KEY)")
    .requiredOption('--out <dir>', 'directory for the NDJSON files and manifest.json')
    .option('--type <types>', 'comma-separated resource types (e.g. Observation,DiagnosticReport)')
    .option('--since <instant>', 'only what was stored after this instant (with its time zone)')
    .option('--until <instant>', 'only what was stored up to this instant')
    .option(
      '--type-filter <search...>',
      'a search narrowing a type, e.g. "Observation?code=http://loinc.org|2345-7"',
    )
    .option(
      '--group <id>',
      "export a Group: one facility's patients (its code) or a saved cohort (its id on the hub)",
    )
    .option('--patients', 'export patient data only (Patient/$export)')
    .option(
      '--patient <id...>',
      'only these patients (ids of the hub FHIR Patient resources), with --group or --patients',
    )
    .option(
      '--elements <names>',
      'comma-separated elements to keep (e.g. birthDate,Observation.valueQuantity); resources are tagged SUBSETTED',
    )
    .option('--deidentify', 'de-identified export (needs the export-deidentified scope)')
    .option('--json', 'print one JSON document { ok, manifest, files }')
    .action(async (opts: ExportOptions) => {
      const request = requestOf(opts);
      const target = { baseUrl: opts.hub, apiKey: hubKeyOf(opts) };
      const show = io.progress;
      let job = await pendingJob(opts.out, target, request);
      if (job) show?.(`resuming the export at ${job.statusUrl}\n`);
      else {
        job = await bulkExport({ ...target, ...request });
        await mkdir(opts.out, { recursive: true });
        await writeFile(join(opts.out, PENDING), JSON.stringify({ statusUrl: job.statusUrl, request }));
      }
      let manifest: BulkManifest;
      try {
        manifest = await job.wait({ onProgress: (p) => show?.(`export: ${p ?? '…'}\r`) });
      } catch (error) {
        // The hub failed, cancelled or forgot the job: the next run starts a new one. (Unreachable
        // hub: keep it, the next run resumes.)
        if (!(isTransportError(error) && (error.retryable || error.status === undefined)))
          await rm(join(opts.out, PENDING), { force: true });
        throw error;
      }
      const files = await job.download(manifest, opts.out, {
        onProgress: (p) =>
          show?.(
            `download ${p.index}/${p.files} ${p.file} ${Math.round(p.bytes / 1024)} KiB${p.size ? `/${Math.round(p.size / 1024)} KiB` : ''}\r`,
          ),
      });
      show?.('\n');
      await rm(join(opts.out, PENDING), { force: true });
      printResult(io, opts.json === true, { ok: true, manifest, files }, () =>
        [
          ...files.map((f) => `${f.type}\t${f.count ?? '?'}\t${f.path}`),
          `${files.length} file(s) / tệp — ${manifest.transactionTime}`,
        ].join('\n'),
      );
    });
}
