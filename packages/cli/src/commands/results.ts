import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isValidationError, parseTokenParam, ValidationError, type ValidationIssue } from '@lienthong/core';
import { adviseReuse, DEFAULT_LAB_SYSTEMS, type LabReport } from '@lienthong/result-exchange';
import { decodeResults, encodeResults, resultFormats } from '@lienthong/result-exchange/formats';
import { XML4_MAX_LENGTHS } from '@lienthong/result-exchange/xml4';
import type { Command } from 'commander';
import { type CliIo, printResult } from '../io.js';

const FORMAT_NAMES = resultFormats.names.join(', ');

function usage(message: string, messageVi: string, path: string): ValidationError {
  return new ValidationError({ code: 'CLI_ARGUMENT_INVALID', path, message, messageVi });
}

function checkFormat(value: string, option: string): string {
  if (!resultFormats.names.includes(value)) {
    throw usage(
      `${option} must be one of ${FORMAT_NAMES}`,
      `${option} phải là một trong ${FORMAT_NAMES}`,
      option,
    );
  }
  return value;
}

function readInput(file: string): string {
  return file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
}

/** Parses `system|value` (a patient identifier given on the command line; `\|` escapes a bar in either). */
function parsePatient(text: string | undefined): LabReport['patient'] | undefined {
  if (!text) return undefined;
  const { system, value } = parseTokenParam(text);
  if (!system || value === undefined)
    throw usage('--patient must be system|value', '--patient phải có dạng system|value', '--patient');
  return { identifiers: [{ system, value }] };
}

/** Checks `--encounter` (the visit key, XML4 `MA_LK`) by the codec's rules: not empty, at most 100 characters. */
function parseEncounter(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const max = XML4_MAX_LENGTHS.MA_LK ?? 100;
  if (text.trim() === '')
    throw usage(
      '--encounter must not be empty (the visit key, XML4 MA_LK)',
      '--encounter không được để trống (mã liên kết lượt khám, MA_LK của XML4)',
      '--encounter',
    );
  if (text.length > max)
    throw usage(
      `--encounter is ${text.length} characters long; MA_LK allows at most ${max}`,
      `--encounter dài ${text.length} ký tự; MA_LK tối đa ${max} ký tự`,
      '--encounter',
    );
  return text;
}

/** An issue or warning as a line says it: its code, its path, its message (Vietnamese with `vi`). */
function issueText(io: CliIo, issue: ValidationIssue): string {
  return `${issue.code} (${issue.path}): ${io.lang === 'vi' ? issue.messageVi : issue.message}`;
}

/**
 * Runs a command's `body`. When it throws, the issues after the first are printed on stderr (the
 * first is the error itself, which the program reports) unless `--json`, and the error goes on.
 */
function withIssues(io: CliIo, json: boolean | undefined, body: () => void): void {
  try {
    body();
  } catch (error) {
    if (json !== true && isValidationError(error))
      for (const issue of error.issues.slice(1)) io.stderr(`lienthong: ${issueText(io, issue)}\n`);
    throw error;
  }
}

/** Parses an order code: `system|code`, or a bare code recognised by its shape. */
export function parseOrderCode(text: string): { system: string; code: string } {
  const { system, value } = parseTokenParam(text);
  if (system && value !== undefined) return { system, code: value };
  if (/^\d{7}$/.test(text)) return { system: DEFAULT_LAB_SYSTEMS.national, code: text };
  if (/^\d{2}\.\d{4}\.\d{4}/.test(text)) return { system: DEFAULT_LAB_SYSTEMS.serviceCode, code: text };
  if (/^\d{1,7}-\d$/.test(text)) return { system: DEFAULT_LAB_SYSTEMS.loinc, code: text };
  if (/^(?:BS_)?\d{1,2}\.\d{1,4}$/.test(text)) return { system: DEFAULT_LAB_SYSTEMS.technique, code: text };
  return { system: DEFAULT_LAB_SYSTEMS.local, code: text };
}

/** `lienthong results convert|validate|reuse`. */
export function registerResultsCommands(program: Command, io: CliIo): void {
  const results = program
    .command('results')
    .description(
      'lab results (kết quả xét nghiệm): convert HL7 v2, XML4, FHIR, CV 365; validate; reuse advice',
    );

  results
    .command('convert')
    .description('convert a lab result document between formats')
    .argument('<file>', 'input file, or - for stdin')
    .requiredOption('--from <format>', `input format: ${FORMAT_NAMES}`)
    .requiredOption('--to <format>', `output format: ${FORMAT_NAMES}`)
    .option('--out <file>', 'write the output to a file instead of stdout')
    .option('--patient <system|value>', 'patient identifier for formats that carry none (XML4, CV 365)')
    .option(
      '--encounter <MA_LK>',
      'visit key (XML4 MA_LK, at most 100 characters) for reports that carry none (FHIR without an Encounter)',
    )
    .option('--json', 'print one JSON document (reports count, warnings, output)')
    .action(
      (
        file: string,
        opts: {
          from: string;
          to: string;
          out?: string;
          patient?: string;
          encounter?: string;
          json?: boolean;
        },
      ) => {
        const from = checkFormat(opts.from, '--from');
        const to = checkFormat(opts.to, '--to');
        withIssues(io, opts.json, () => {
          const patient = parsePatient(opts.patient);
          const encounter = parseEncounter(opts.encounter);
          const decoded = decodeResults(readInput(file), { format: from, patient });
          const encoded = encodeResults(decoded.value, to, {
            encounter,
            optionNames: { encounter: '--encounter <MA_LK>' },
          });
          const output = encoded.value;
          // What the input said with a caveat, then what the output format could not carry.
          const warnings = [...decoded.warnings, ...encoded.warnings];
          if (opts.out) writeFileSync(opts.out, output);
          for (const w of warnings) io.stderr(`warning ${issueText(io, w)}\n`);
          printResult(
            io,
            opts.json === true,
            {
              ok: true,
              from,
              to,
              reports: decoded.value.length,
              warnings,
              ...(opts.out ? { out: opts.out } : { output }),
            },
            () =>
              opts.out
                ? `${decoded.value.length} report(s) written to ${opts.out}`
                : output.replace(/\n$/, ''),
          );
        });
      },
    );

  results
    .command('validate')
    .description('check a lab result document; exit 1 with the code and path of every problem')
    .argument('<file>', 'input file, or - for stdin')
    .requiredOption('--format <format>', `format: ${FORMAT_NAMES}`)
    .option('--json', 'print JSON')
    .action((file: string, opts: { format: string; json?: boolean }) => {
      const format = checkFormat(opts.format, '--format');
      withIssues(io, opts.json, () => {
        const decoded = decodeResults(readInput(file), { format });
        const reports = decoded.value.length;
        const observations = decoded.value.reduce((n, r) => n + r.observations.length, 0);
        printResult(
          io,
          opts.json === true,
          { ok: true, format, reports, observations, warnings: decoded.warnings },
          () =>
            [
              `valid ${format}: ${reports} report(s), ${observations} observation(s)`,
              ...decoded.warnings.map((w) => `  warning ${issueText(io, w)}`),
            ].join('\n'),
        );
      });
    });

  results
    .command('reuse')
    .description('advise whether an intended test can reuse a recent result (draft circular 08/2026 policy)')
    .requiredOption(
      '--order <code>',
      'ordered test: national (7 digits), service code (23.0075.1494), LOINC, or system|code',
    )
    .requiredOption(
      '--reports <file-or-dir>',
      'the patient’s reports (any supported format; a folder is read file by file)',
    )
    .option('--at <iso>', 'order time (default now)')
    .option('--patient <system|value>', 'patient identifier (default: the identifiers in the reports)')
    .option('--level <n>', "requesting lab's quality level 1-5")
    .option('--specimen <code>', 'required specimen type code')
    .option('--json', 'print JSON')
    .action(
      (opts: {
        order: string;
        reports: string;
        at?: string;
        patient?: string;
        level?: string;
        specimen?: string;
        json?: boolean;
      }) => {
        const files = statSync(opts.reports).isDirectory()
          ? readdirSync(opts.reports)
              .sort()
              .map((f) => join(opts.reports, f))
              .filter((f) => statSync(f).isFile())
          : [opts.reports];
        const patientOpt = parsePatient(opts.patient);
        const reports: LabReport[] = [];
        for (const f of files) {
          // A file no format recognises is read as the SDK's own JSON, whose error then says what is wrong.
          const options = { fileName: f, fallback: 'json', patient: patientOpt };
          reports.push(...decodeResults(readFileSync(f, 'utf8'), options).value);
        }
        const level = opts.level === undefined ? undefined : Number(opts.level);
        if (level !== undefined && !(Number.isInteger(level) && level >= 1 && level <= 5))
          throw usage('--level must be 1-5', '--level phải từ 1 đến 5', '--level');
        const patient = patientOpt?.identifiers ?? reports.flatMap((r) => r.patient.identifiers);
        const advice = adviseReuse(
          {
            code: parseOrderCode(opts.order),
            patient,
            at: opts.at ?? new Date().toISOString(),
            ...(level !== undefined ? { requesterLabLevel: level } : {}),
            ...(opts.specimen ? { specimenType: opts.specimen } : {}),
          },
          reports,
        );
        const msg = (r: { message: string; messageVi: string }) =>
          io.lang === 'vi' ? r.messageVi : io.lang === 'en' ? r.message : `${r.messageVi} / ${r.message}`;
        printResult(io, opts.json === true, advice, () =>
          [
            `${advice.reusable.length} reusable, ${advice.rejected.length} rejected (policy ${advice.policyId})`,
            ...advice.reusable.map(
              (c) =>
                `  ✓ ${c.reportId}${c.collectedAt ? ` ${c.collectedAt}` : ''}: ${c.reasons.map(msg).join('; ')}`,
            ),
            ...advice.rejected.map(
              (c) =>
                `  ✗ ${c.reportId}${c.collectedAt ? ` ${c.collectedAt}` : ''}: ${c.reasons.map(msg).join('; ')}`,
            ),
          ].join('\n'),
        );
      },
    );
}
