import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import {
  type Catalogue,
  createCatalogue,
  decodeRelease,
  diffReleases,
  encodeRelease,
  KNOWN_SYSTEMS,
  type KnownSystemId,
  type Release,
} from '@lienthong/catalogue';
import { BUNDLED_RELEASE_IDS, isBundledReleaseId, loadBundledRelease } from '@lienthong/catalogue/bundled';
import { toFhirCodeSystem, toFhirConceptMap, toFhirValueSet } from '@lienthong/catalogue/fhir';
import {
  type ColumnMapping,
  formatIssues,
  type ImportOptions,
  type ImportResult,
  importGeneric,
  importQd1227,
  importTt23Pl01,
  importTt23Pl02,
  QD1227_COLUMNS,
  type SourceTable,
  systemMeta,
} from '@lienthong/catalogue/import';
import { isUcumUnit } from '@lienthong/catalogue/units';
import { readXlsxTable } from '@lienthong/catalogue/xlsx';
import { NotFoundError, ValidationError } from '@lienthong/core';
import type { Command } from 'commander';
import { type CliIo, printResult } from '../io.js';

/** Reads a file; a missing file is a {@link NotFoundError} (exit 1), not a raw ENOENT. */
async function readInput(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new NotFoundError({
      code: 'CATALOGUE_FILE_NOT_FOUND',
      message: `Cannot read ${path}`,
      messageVi: `Không đọc được tệp ${path}`,
      path,
      cause: error,
    });
  }
}

/** A release by bundled id (`tt23-pl01`) or from a compact release file written by `catalogue import`. */
export async function loadReleaseArg(arg: string): Promise<Release> {
  if (isBundledReleaseId(arg)) return loadBundledRelease(arg);
  const bytes = await readInput(arg);
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new ValidationError({
      code: 'CATALOGUE_RELEASE_INVALID',
      message: `${arg} is not JSON`,
      messageVi: `${arg} không phải JSON`,
      path: arg,
      cause: error,
    });
  }
  return decodeRelease(json);
}

function parseMapping(text: string | undefined): Partial<ColumnMapping> {
  const mapping: Record<string, string> = {};
  for (const pair of (text ?? '').split(',').filter(Boolean)) {
    const [field, column] = pair.split('=');
    if (!field || !column)
      throw new ValidationError({
        code: 'CLI_MAPPING_INVALID',
        message: `--map expects field=column pairs, got "${pair}"`,
        messageVi: `--map cần các cặp trường=cột, nhận "${pair}"`,
        path: '--map',
      });
    mapping[field.trim()] = column.trim();
  }
  return mapping as Partial<ColumnMapping>;
}

interface ImportCliOptions {
  system: string;
  out?: string;
  expectRows?: string;
  strict?: boolean;
  json?: boolean;
  map?: string;
  linksTo?: string;
  appendixBase?: string;
  releaseVersion?: string;
  unitCheck?: boolean;
}

/** Runs the importer that matches `--system` on a CSV or .xlsx file. */
export async function runImport(file: string, opts: ImportCliOptions, io: CliIo): Promise<ImportResult> {
  const bytes = await readInput(file);
  const input: string | SourceTable =
    extname(file).toLowerCase() === '.xlsx' ? await readXlsxTable(bytes, { file }) : bytes.toString('utf8');
  let lastShown = -1;
  const common: ImportOptions = {
    file,
    ...(opts.expectRows === undefined ? {} : { expectRows: Number(opts.expectRows) }),
    ...(opts.unitCheck === false ? {} : { checkUnit: isUcumUnit }),
    onProgress: (done, total) => {
      if (total < 2000 || opts.json) return;
      const tenth = Math.floor((done / total) * 20);
      if (tenth === lastShown) return;
      lastShown = tenth;
      io.stderr(
        `\r[${'#'.repeat(tenth)}${' '.repeat(20 - tenth)}] ${done}/${total}${done === total ? '\n' : ''}`,
      );
    },
  };
  const version = opts.releaseVersion ?? 'unversioned';
  const mapping = parseMapping(opts.map);
  switch (opts.system) {
    case 'tt23-pl01':
      return importTt23Pl01(input, { ...common, version });
    case 'tt23-pl02': {
      const pl01 = await loadReleaseArg(opts.linksTo ?? 'tt23-pl01');
      return importTt23Pl02(input, { ...common, version, pl01 });
    }
    case 'qd1227':
      return importQd1227(input, {
        ...common,
        version,
        mapping: { ...QD1227_COLUMNS, ...mapping },
        ...(opts.appendixBase === undefined ? {} : { appendixBase: Number(opts.appendixBase) }),
      });
    default: {
      if (mapping.code === undefined)
        throw new ValidationError({
          code: 'CLI_MAPPING_INVALID',
          message: `System "${opts.system}" needs --map code=<column>,display=<column>,…`,
          messageVi: `Hệ mã "${opts.system}" cần --map code=<cột>,display=<cột>,…`,
          path: '--map',
        });
      const known = opts.system in KNOWN_SYSTEMS;
      const system = known
        ? systemMeta(opts.system as KnownSystemId, { version })
        : { id: opts.system, uri: `urn:lienthong:cs:${opts.system}`, name: opts.system, version };
      return importGeneric(input, { ...common, mapping: mapping as ColumnMapping, system });
    }
  }
}

async function catalogueFor(
  systems: string[] | undefined,
  releases: string[] | undefined,
): Promise<Catalogue> {
  const ids = [
    ...(systems?.length ? systems : releases?.length ? [] : BUNDLED_RELEASE_IDS),
    ...(releases ?? []),
  ];
  return createCatalogue(await Promise.all(ids.map(loadReleaseArg)));
}

/** `lienthong catalogue import|search|lookup|diff|export-fhir`. */
export function registerCatalogueCommands(program: Command, io: CliIo): void {
  const catalogue = program
    .command('catalogue')
    .description('national code systems: import, search, look up, diff, export as FHIR (danh mục)');

  catalogue
    .command('import')
    .description('import an official list (CSV or .xlsx) into a release file, reporting every defect')
    .argument('<file>', 'CSV or .xlsx file')
    .requiredOption('--system <id>', `layout/system: tt23-pl01, tt23-pl02, qd1227, or any id with --map`)
    .option('--out <release.json>', 'write the compact release here')
    .option('--expect-rows <n>', 'expected number of data rows')
    .option('--strict', 'exit 1 when any error or warning is reported')
    .option('--map <pairs>', 'column mapping, e.g. code=Mã,display=Tên,unit=Đơn vị')
    .option('--links-to <release>', 'PL01 release for PL02 links (default: bundled tt23-pl01)')
    .option('--appendix-base <n>', 'QĐ 1227: code = base + STT (1070000 for Appendix 05)')
    .option('--release-version <v>', 'version of the release')
    .option('--no-unit-check', 'do not check units against UCUM')
    .option('--json', 'print the report as JSON')
    .action(async (file: string, opts: ImportCliOptions) => {
      const { release, report } = await runImport(file, opts, io);
      if (opts.out) await writeFile(opts.out, JSON.stringify(encodeRelease(release)));
      printResult(io, opts.json === true, { ok: true, out: opts.out ?? null, report }, () =>
        [
          ...formatIssues(report.issues, io.lang === 'vi' ? 'vi' : 'en'),
          `${report.file}: ${report.rows} rows, ${report.concepts} concepts; ${report.counts.error} errors, ${report.counts.warning} warnings, ${report.counts.info} info`,
          `by code: ${Object.entries(report.byCode)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')}`,
          ...(opts.out ? [`wrote ${opts.out}`] : []),
        ].join('\n'),
      );
      if (opts.strict && report.counts.error + report.counts.warning > 0)
        throw new ValidationError({
          code: 'CATALOGUE_IMPORT_STRICT',
          message: `--strict: ${report.counts.error} errors and ${report.counts.warning} warnings in ${report.file}`,
          messageVi: `--strict: ${report.counts.error} lỗi và ${report.counts.warning} cảnh báo trong ${report.file}`,
          path: report.file,
          issues: report.issues.map((i) => ({
            path: `row ${i.row}${i.column ? `, column ${i.column}` : ''}`,
            code: i.code,
            message: i.message,
            messageVi: i.messageVi,
          })),
        });
    });

  catalogue
    .command('search')
    .description('search codes and names, with or without diacritics, tolerant of one typo')
    .argument('<text...>', 'words or a code')
    .option('--system <id...>', `bundled systems to search (${BUNDLED_RELEASE_IDS.join(', ')})`)
    .option('--release <file...>', 'release files to search')
    .option('--limit <n>', 'maximum results', '10')
    .option('--json', 'print JSON')
    .action(
      async (
        words: string[],
        opts: { system?: string[]; release?: string[]; limit: string; json?: boolean },
      ) => {
        const cat = await catalogueFor(opts.system, opts.release);
        const hits = cat.search(words.join(' '), {
          limit: Number(opts.limit) || 10,
          ...(opts.system ? { systems: opts.system } : {}),
        });
        const data = hits.map(({ concept: _c, ...hit }) => hit);
        printResult(io, opts.json === true, data, () =>
          hits.length === 0
            ? '(no result)'
            : hits.map((h) => `${h.code}\t${h.display}\t(${h.system}, ${h.match})`).join('\n'),
        );
      },
    );

  catalogue
    .command('lookup')
    .description('look up one code')
    .argument('<system>', 'bundled id (tt23-pl01) or release file')
    .argument('<code>', 'code, as text (18.8 ≠ 18.80; ICD-10 with or without the dot: J18.9 = J189)')
    .option('--as-of <yyyy-mm-dd>', 'the release valid on that day')
    .option('--json', 'print JSON')
    .action(async (system: string, code: string, opts: { asOf?: string; json?: boolean }) => {
      const release = await loadReleaseArg(system);
      const cat = createCatalogue([release]);
      const concept = cat.lookup(release.system.id, code, opts.asOf ? { asOf: opts.asOf } : {});
      if (!concept)
        throw new NotFoundError({
          code: 'CATALOGUE_CODE_NOT_FOUND',
          message: `Code "${code}" not found in ${release.system.id} ${release.system.version}`,
          messageVi: `Không tìm thấy mã "${code}" trong ${release.system.id} ${release.system.version}`,
          path: 'code',
        });
      printResult(
        io,
        opts.json === true,
        { system: release.system.id, version: release.system.version, concept },
        () =>
          [
            `${concept.code}${concept.properties?.marker ?? ''}\t${concept.display}`,
            ...(concept.chapter ? [`chapter: ${concept.chapter}`] : []),
            ...(concept.parent ? [`parent: ${concept.parent}`] : []),
            ...(concept.properties?.level ? [`level: ${concept.properties.level}`] : []),
            ...(concept.properties?.links ? [`links: ${concept.properties.links.join('; ')}`] : []),
          ].join('\n'),
      );
    });

  catalogue
    .command('diff')
    .description('what changed between two releases (added, removed, renamed, re-linked)')
    .argument('<a>', 'older release (file or bundled id)')
    .argument('<b>', 'newer release (file or bundled id)')
    .option('--json', 'print JSON')
    .action(async (a: string, b: string, opts: { json?: boolean }) => {
      const diff = diffReleases(await loadReleaseArg(a), await loadReleaseArg(b));
      printResult(io, opts.json === true, diff, () =>
        [
          `${diff.from.id} ${diff.from.version} → ${diff.to.id} ${diff.to.version}`,
          `added ${diff.added.length}, removed ${diff.removed.length}, renamed ${diff.renamed.length}, re-linked ${diff.relinked.length}, changed ${diff.changed.length}, unchanged ${diff.unchanged}`,
          ...diff.added.map((c) => `+ ${c.code}\t${c.display}`),
          ...diff.removed.map((c) => `- ${c.code}\t${c.display}`),
          ...diff.renamed.map((r) => `~ ${r.code}\t${r.from} → ${r.to}`),
          ...diff.relinked.map((r) => `↔ ${r.code}\t${r.from.join(';')} → ${r.to.join(';')}`),
        ].join('\n'),
      );
    });

  catalogue
    .command('export-fhir')
    .description('write FHIR R4 CodeSystem, ValueSet and ConceptMap resources of a release')
    .argument('<release>', 'release file or bundled id')
    .requiredOption('--out <dir>', 'output directory')
    .option('--json', 'print JSON')
    .action(async (source: string, opts: { out: string; json?: boolean }) => {
      const release = await loadReleaseArg(source);
      const cat = createCatalogue([release]);
      await mkdir(opts.out, { recursive: true });
      const resources = [
        toFhirCodeSystem(release),
        toFhirValueSet(release),
        ...cat.conceptMaps().map(toFhirConceptMap),
      ];
      const files: string[] = [];
      for (const resource of resources) {
        const path = join(opts.out, `${resource.resourceType}-${resource.id}.json`);
        await writeFile(path, `${JSON.stringify(resource, null, 2)}\n`);
        files.push(path);
      }
      printResult(io, opts.json === true, { files }, () => files.map((f) => `wrote ${f}`).join('\n'));
    });
}
