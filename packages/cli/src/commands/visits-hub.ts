import { readFileSync } from 'node:fs';
import {
  DEFAULT_IDENTIFIER_SYSTEMS,
  type IdentifierValue,
  maskIdentifier,
  parseTokenParam,
} from '@lienthong/core';
import { createHubVisitHistory, publishVisitFileSet } from '@lienthong/hub-api';
import { detectIdentifierType } from '@lienthong/patient-id';
import type { PatientSummary } from '@lienthong/visits';
import type { Command } from 'commander';
import { type CliIo, printResult } from '../io.js';
import { hubKeyOf, usage } from './hub-key.js';

interface HubOptions {
  hub: string;
  key?: string;
  json?: boolean;
}

/**
 * A patient identifier from the command line: `system|value`, or a bare personal ID (12 digits), old
 * ID card (9 digits) or insurance card (15 characters) with its VN Core system.
 */
export function identifierArgument(text: string): IdentifierValue {
  if (text.includes('|')) {
    const token = parseTokenParam(text);
    if (token.system && token.value) return { system: token.system, value: token.value };
  } else {
    const type = detectIdentifierType(text);
    if (type === 'cccd' || type === 'cmnd' || type === 'bhyt')
      return { system: DEFAULT_IDENTIFIER_SYSTEMS[type], value: text.trim() };
  }
  throw usage(
    'CLI_IDENTIFIER_UNRECOGNISED',
    'Give the patient as system|value, or a personal ID, old ID card or insurance card number',
    'Hãy nêu người bệnh dạng system|value, hoặc số CCCD, CMND hay số thẻ BHYT',
    '<identifier>',
  );
}

const day = (iso?: string) => iso?.slice(0, 10) ?? '?';

/** The summary for a reader: identifiers masked, newest first, Vietnamese names when the hub has them. */
function summaryText(s: PatientSummary): string {
  const lines = [
    `${s.patient.identifiers.map((i) => maskIdentifier(i.value)).join(', ')} — ${day(s.asOf)}`,
    'Bệnh / Problems:',
    ...s.problems.map(
      (p) =>
        `  ${p.code.code}${p.main ? '*' : ''} ${p.code.display ?? ''} — ${day(p.firstSeen)} … ${day(p.lastSeen)} (${p.facilities.join(', ')})`,
    ),
    ...(s.withheld > 0 ? [`  (${s.withheld} không hiển thị / withheld)`] : []),
    'Thuốc / Medications:',
    ...s.medications.map(
      (m) =>
        `  [${m.status}] ${m.name ?? m.code ?? '?'} ${m.dose ?? ''} — ${day(m.at)} (${m.facility ?? ''})`,
    ),
    'Thủ thuật / Procedures:',
    ...s.procedures.map((p) => `  ${p.code.code} ${p.name ?? ''} — ${day(p.at)} (${p.facility ?? ''})`),
    'Lượt khám / Encounters:',
    ...s.encounters.map(
      (e) =>
        `  ${day(e.admittedAt)} … ${e.dischargedAt ? day(e.dischargedAt) : '(đang điều trị / ongoing)'} ${e.facility ?? ''} ${e.mainDiagnosis?.code ?? ''} ${e.mainDiagnosis?.display ?? ''}`,
    ),
    `Xét nghiệm / Lab results: ${s.labResults.length}; CĐHA / Imaging: ${s.imaging.length}`,
  ];
  return lines.join('\n');
}

/** `lienthong visits publish|summary` — through an exchange hub. */
export function registerVisitsHubCommands(visits: Command, io: CliIo): void {
  visits
    .command('publish')
    .description('publish an XML 130 file set to an exchange hub (all visits or none; one receipt each)')
    .argument('<file>', 'the file set (GIAMDINHHS), or - for stdin')
    .requiredOption('--hub <url>', 'the hub base URL')
    .option('--key <key>', "the facility's API key (else LIENTHONG_HUB_KEY)")
    .option('--idempotency-key <key>', 'makes a retry of the same publish safe')
    .option('--json', 'print one JSON document { ok, receipts }')
    .action(async (file: string, opts: HubOptions & { idempotencyKey?: string }) => {
      const key = hubKeyOf(opts);
      const bytes = file === '-' ? readFileSync(0) : readFileSync(file);
      const receipts = await publishVisitFileSet({ baseUrl: opts.hub, apiKey: key }, bytes, {
        ...(opts.idempotencyKey ? { idempotencyKey: opts.idempotencyKey } : {}),
      });
      printResult(io, opts.json === true, { ok: true, receipts }, () =>
        [
          ...receipts.map((r) => `${r.outcome} ${r.id} v${r.version}`),
          `${receipts.length} visit(s) / lượt khám`,
        ].join('\n'),
      );
    });

  visits
    .command('summary')
    .description("a patient's summary from every hospital that shared visits with the hub")
    .argument('<identifier>', 'system|value, or a personal ID / old ID card / insurance card number')
    .requiredOption('--hub <url>', 'the hub base URL')
    .option('--key <key>', "the facility's API key (else LIENTHONG_HUB_KEY)")
    .option(
      '--purpose <code>',
      'purpose of use recorded in the audit (default TREAT; ETREAT for emergencies)',
    )
    .option('--as-of <date>', 'the summary as of this instant (ISO 8601)')
    .option('--json', 'print the summary as JSON')
    .action(async (text: string, opts: HubOptions & { purpose?: string; asOf?: string }) => {
      const patient = identifierArgument(text);
      const history = createHubVisitHistory({
        baseUrl: opts.hub,
        apiKey: hubKeyOf(opts),
        ...(opts.purpose ? { purpose: opts.purpose } : {}),
      });
      const summary = await history.summary(patient, opts.asOf ? { asOf: opts.asOf } : {});
      printResult(io, opts.json === true, summary, () => summaryText(summary));
    });
}
