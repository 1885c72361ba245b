import { maskIdentifier, ValidationError } from '@lienthong/core';
import {
  currentProvince,
  type IdentifierCheck,
  type IdentifierType,
  oldProvince,
  safeParseIdentifier,
} from '@lienthong/patient-id';
import { type Command, Option } from 'commander';
import { type CliIo, printResult } from '../io.js';

/** The answer of `lienthong id check`: the type, the parts, and province names from the bundled tables. */
export function describeIdentifier(check: IdentifierCheck): Record<string, unknown> {
  const parts = check.parts as unknown as Record<string, unknown>;
  const oldCode =
    check.type === 'cccd'
      ? check.parts.oldProvinceCode
      : check.type === 'bhyt' && check.parts.form === 'full'
        ? check.parts.provinceCode
        : check.type === 'facility'
          ? check.parts.provinceCode
          : undefined;
  const old = oldCode ? oldProvince(oldCode) : undefined;
  return {
    ok: true,
    type: check.type,
    parts,
    ...(old
      ? {
          province: { code: old.code, name: old.name },
          currentProvince: currentProvince(old.current.code),
        }
      : {}),
  };
}

const LABELS: Record<IdentifierType, string> = {
  cccd: 'số định danh cá nhân / personal ID (CCCD)',
  cmnd: 'CMND / old ID card',
  bhyt: 'thẻ BHYT / insurance card',
  facility: 'mã cơ sở KCB / facility code',
  passport: 'hộ chiếu / passport',
};

function human(result: Record<string, unknown>, check: IdentifierCheck): string {
  const lines = [
    `✓ ${LABELS[check.type]}: ${maskIdentifier(String((check.parts as { value: string }).value))}`,
  ];
  const p = check.parts as unknown as Record<string, unknown>;
  const province = result.province as { code: string; name: string } | undefined;
  const current = result.currentProvince as { code: string; name: string } | undefined;
  if (check.type === 'cccd') {
    lines.push(`  năm sinh / birth year: ${p.birthYear} (thế kỷ / century ${p.century})`);
    lines.push(`  giới tính / sex: ${p.sex === 'male' ? 'nam / male' : 'nữ / female'}`);
  }
  if (check.type === 'bhyt') {
    if (p.form === 'full') {
      lines.push(`  đối tượng / group: ${p.group}, mức hưởng / benefit level: ${p.benefitLevel}`);
    }
    lines.push(`  mã số BHXH / social-insurance number: ${maskIdentifier(String(p.socialInsuranceNumber))}`);
  }
  if (check.type === 'facility')
    lines.push(`  khối / sector: ${p.sector}, số thứ tự / sequence: ${p.sequence}`);
  if (province) lines.push(`  tỉnh (trước 2025) / province (pre-2025): ${province.code} ${province.name}`);
  if (current) lines.push(`  tỉnh hiện nay / current province: ${current.code} ${current.name}`);
  return lines.join('\n');
}

/** `lienthong id check <value>`. */
export function registerIdCommands(program: Command, io: CliIo): void {
  const id = program
    .command('id')
    .description('patient identifiers: personal ID, old ID card, insurance card, facility code');
  id.command('check')
    .description('validate an identifier and print its parts (exit 0 valid, 1 invalid)')
    .argument('<value>', 'e.g. 001203012345, DN4010123456789, 01001')
    .addOption(
      new Option('--type <type>', 'identifier type (recognised from its shape when omitted)').choices([
        'cccd',
        'cmnd',
        'bhyt',
        'facility',
        'passport',
      ]),
    )
    .option('--birth-date <date>', 'check a personal ID against a birth date: YYYY-MM-DD, YYYY-MM or YYYY')
    .addOption(new Option('--sex <sex>', 'check a personal ID against a sex').choices(['male', 'female']))
    .option('--json', 'print JSON')
    .action(
      (
        value: string,
        opts: { type?: IdentifierType; birthDate?: string; sex?: 'male' | 'female'; json?: boolean },
      ) => {
        if ((opts.birthDate || opts.sex) && opts.type && opts.type !== 'cccd') {
          throw new ValidationError({
            code: 'CLI_OPTION_NOT_APPLICABLE',
            message: '--birth-date and --sex apply to personal ID numbers only.',
            messageVi: '--birth-date và --sex chỉ dùng cho số định danh cá nhân.',
          });
        }
        const result = safeParseIdentifier(value, {
          ...(opts.type ? { type: opts.type } : {}),
          ...(opts.birthDate ? { birthDate: opts.birthDate } : {}),
          ...(opts.sex ? { sex: opts.sex } : {}),
        });
        if (!result.ok) throw result.error;
        const data = describeIdentifier(result.value);
        printResult(io, opts.json === true, data, () => human(data, result.value));
      },
    );
}
