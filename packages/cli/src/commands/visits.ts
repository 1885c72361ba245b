import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { loadIcd10 } from '@lienthong/catalogue/icd10';
import { ValidationError, type ValidationIssue } from '@lienthong/core';
import type { VisitFileSet } from '@lienthong/visits';
import { decodeFhirVisitBundle, encodeFhirVisitBundle } from '@lienthong/visits/fhir';
import { decodeXml130, encodeXml130, type Xml130Problem } from '@lienthong/visits/xml130';
import type { Command } from 'commander';
import { CliExit, type CliIo, EXIT, printResult, progressOf } from '../io.js';
import { registerVisitsHubCommands } from './visits-hub.js';

const FROM = ['xml130', 'fhir'] as const;
const TO = ['json', 'xml130', 'fhir'] as const;

/** A usage error (exit 2) with its code, in English and Vietnamese. */
function usage(code: string, message: string, messageVi: string, path: string): ValidationError {
  return new ValidationError({ code, path, message, messageVi, details: { exitCode: EXIT.usage } });
}

function checkFormat<F extends string>(option: '--from' | '--to', value: string, formats: readonly F[]): F {
  if (!(formats as readonly string[]).includes(value))
    throw usage(
      'CLI_FORMAT_UNSUPPORTED',
      `${option} must be one of ${formats.join(', ')}`,
      `${option} phải là một trong ${formats.join(', ')}`,
      option,
    );
  return value as F;
}

/** The bytes of a file, or of stdin for `-` (bytes: the codec handles the BOM and the encoding). */
function readInput(file: string): Uint8Array {
  return file === '-' ? readFileSync(0) : readFileSync(file);
}

/** Writes `text` to `file` through a temporary file renamed into place: never a partial file. */
function writeAtomically(file: string, text: string): void {
  const temp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(temp, text);
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/** A message in the chosen language (`both`: Vietnamese, then English). */
function say(io: CliIo, m: { message: string; messageVi: string }): string {
  return io.lang === 'vi' ? m.messageVi : io.lang === 'en' ? m.message : `${m.messageVi} / ${m.message}`;
}

const issueText = (io: CliIo, issue: ValidationIssue) => `${issue.code} (${issue.path}): ${say(io, issue)}`;

/** Number of tables (`FILEHOSO`) of a file set; a bare table is one. */
function countTables(input: Uint8Array): number {
  const text = Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
  return text.match(/<LOAIHOSO>/g)?.length ?? 1;
}

interface CheckSummary {
  visits: number;
  tables: number;
  errors: number;
  warnings: number;
}

/** Every problem of a file set and the summary; input that is not XML 130 is one error. */
async function checkFileSet(
  input: Uint8Array,
  onProgress?: (done: number, total: number) => void,
): Promise<{ problems: Xml130Problem[]; summary: CheckSummary }> {
  const icd10 = await loadIcd10();
  let problems: Xml130Problem[];
  let visits = 0;
  let tables = 0;
  try {
    const decoded = decodeXml130(input, { icd10, lenient: true, ...(onProgress ? { onProgress } : {}) });
    problems = decoded.problems;
    visits = decoded.value.visits.length;
    tables = countTables(input);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    problems = [
      {
        severity: 'error',
        code: error.code,
        path: error.path ?? '',
        message: error.message,
        messageVi: error.messageVi,
      },
    ];
  }
  const errors = problems.filter((p) => p.severity === 'error').length;
  return { problems, summary: { visits, tables, errors, warnings: problems.length - errors } };
}

/** `lienthong visits check|convert|publish|summary`. */
export function registerVisitsCommands(program: Command, io: CliIo): void {
  const visits = program
    .command('visits')
    .description(
      'visits (lượt khám): check and convert the insurance XML 130 file set (QĐ 130/QĐ 4750) and FHIR R4',
    );

  visits
    .command('check')
    .description('check an XML 130 file set (fields, ICD-10, MA_LK links); exit 1 when any error')
    .argument('<file>', 'input file (GIAMDINHHS envelope or a bare table), or - for stdin')
    .option('--json', 'print one JSON document { ok, problems, summary }')
    .action(async (file: string, opts: { json?: boolean }) => {
      const { problems, summary } = await checkFileSet(readInput(file), progressOf(io, 'HOSO'));
      const ok = summary.errors === 0;
      printResult(io, opts.json === true, { ok, problems, summary }, () =>
        [
          ...problems.map((p) => `${p.severity} ${issueText(io, p)}`),
          `${summary.visits} visit(s), ${summary.tables} table(s), ${summary.errors} error(s), ${summary.warnings} warning(s)` +
            (io.lang === 'en'
              ? ''
              : ` / ${summary.visits} lượt khám, ${summary.tables} bảng, ${summary.errors} lỗi, ${summary.warnings} cảnh báo`),
        ].join('\n'),
      );
      if (!ok) throw new CliExit(EXIT.invalid);
    });

  visits
    .command('convert')
    .description('convert visits between the XML 130 file set, a FHIR R4 Bundle and the visit model (JSON)')
    .argument('<file>', 'input file, or - for stdin')
    .requiredOption('--from <format>', `input format: ${FROM.join(', ')}`)
    .requiredOption('--to <format>', `output format: ${TO.join(', ')}`)
    .option('--out <file>', 'write the output to a file instead of stdout (never a partial file)')
    .option('--json', 'print one JSON document (visits count, warnings, output)')
    .action((file: string, opts: { from: string; to: string; out?: string; json?: boolean }) => {
      const from = checkFormat('--from', opts.from, FROM);
      const to = checkFormat('--to', opts.to, TO);
      let decoded: { value: VisitFileSet; warnings: ValidationIssue[] };
      try {
        const input = readInput(file);
        const onProgress = progressOf(io, 'HOSO');
        decoded =
          from === 'fhir'
            ? decodeFhirVisitBundle(input)
            : decodeXml130(input, onProgress ? { onProgress } : {});
      } catch (error) {
        // The first problem is the error itself, which the program reports; the others go on stderr.
        if (opts.json !== true && error instanceof ValidationError)
          for (const issue of error.issues.slice(1)) io.stderr(`lienthong: ${issueText(io, issue)}\n`);
        throw error;
      }
      const asJson = (value: unknown) => ({ value: `${JSON.stringify(value, null, 2)}\n`, warnings: [] });
      const encoded =
        to === 'json'
          ? asJson(decoded.value)
          : to === 'fhir'
            ? asJson(encodeFhirVisitBundle(decoded.value).value)
            : encodeXml130(decoded.value);
      const warnings = [...decoded.warnings, ...encoded.warnings];
      const output = encoded.value;
      if (opts.out) writeAtomically(opts.out, output);
      for (const w of warnings) io.stderr(`warning ${issueText(io, w)}\n`);
      const count = decoded.value.visits.length;
      printResult(
        io,
        opts.json === true,
        { ok: true, from, to, visits: count, warnings, ...(opts.out ? { out: opts.out } : { output }) },
        () => (opts.out ? `${count} visit(s) written to ${opts.out}` : output.replace(/\n$/, '')),
      );
    });
  registerVisitsHubCommands(visits, io);
}
