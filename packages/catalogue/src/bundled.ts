/**
 * `@lienthong/catalogue/bundled` — the releases bundled with the package, generated at build time
 * from `data/tt23/` and `data/icd10/` by `npm run gen -w @lienthong/catalogue` (never hand-copied).
 * Each loads lazily through a dynamic import, so a bundler splits each system into its own chunk
 * and a page that never asks for the techniques or ICD-10 never downloads them.
 * @packageDocumentation
 */
import { NotFoundError } from '@lienthong/core';
import { generatedRelease } from './generated-release.js';
import type { ImportReport } from './import/engine.js';
import { issueMessage } from './import/engine.js';
import type { ImportIssue, Release } from './model.js';

/** Ids of the bundled releases. */
export const BUNDLED_RELEASE_IDS = ['tt23-pl01', 'tt23-pl02', 'icd10-vn'] as const;
export type BundledReleaseId = (typeof BUNDLED_RELEASE_IDS)[number];

const loaders: Record<BundledReleaseId, () => Promise<{ default: string }>> = {
  'tt23-pl01': () => import('./generated/tt23-pl01.js'),
  'tt23-pl02': () => import('./generated/tt23-pl02.js'),
  'icd10-vn': () => import('./generated/icd10-vn.js'),
};
const reportLoaders: Record<BundledReleaseId, () => Promise<{ default: string }>> = {
  'tt23-pl01': () => import('./generated/tt23-pl01.report.js'),
  'tt23-pl02': () => import('./generated/tt23-pl02.report.js'),
  'icd10-vn': () => import('./generated/icd10-vn.report.js'),
};

/**
 * Whether `id` names a bundled release.
 * @example isBundledReleaseId('tt23-pl01') // true
 */
export function isBundledReleaseId(id: string): id is BundledReleaseId {
  return (BUNDLED_RELEASE_IDS as readonly string[]).includes(id);
}

function unknownId(id: string): NotFoundError {
  return new NotFoundError({
    code: 'CATALOGUE_RELEASE_NOT_BUNDLED',
    message: `No bundled release "${id}" (bundled: ${BUNDLED_RELEASE_IDS.join(', ')})`,
    messageVi: `Không có bản phát hành kèm theo "${id}" (có: ${BUNDLED_RELEASE_IDS.join(', ')})`,
    path: 'id',
    details: { id },
  });
}

/**
 * Loads a bundled release (decoded once, then cached).
 * @example const pl01 = await loadBundledRelease('tt23-pl01'); // 19,438 techniques
 * @example const icd10 = await loadBundledRelease('icd10-vn'); // QĐ 4469: 22 chapters, 274 groups, 12,137 codes
 */
export function loadBundledRelease(id: BundledReleaseId): Promise<Release> {
  if (!isBundledReleaseId(id)) return Promise.reject(unknownId(id));
  return generatedRelease(id, loaders[id]);
}

/**
 * The import report of a bundled release: every source defect with its row and column.
 * @example (await loadBundledReport('tt23-pl01')).issues.find((i) => i.value === '19165')?.row // 15893
 */
export async function loadBundledReport(id: BundledReleaseId): Promise<ImportReport> {
  if (!isBundledReleaseId(id)) throw unknownId(id);
  // Issues in the report's own file carry no `file` (the ICD-10 report spans the list and its appendices).
  const compact = JSON.parse((await reportLoaders[id]()).default) as Omit<ImportReport, 'issues'> & {
    issues: (Omit<ImportIssue, 'message' | 'messageVi' | 'file'> & { file?: string })[];
  };
  return {
    ...compact,
    issues: compact.issues.map((issue) => {
      const [message, messageVi] = issueMessage(issue.code);
      return { ...issue, file: issue.file ?? compact.file, message, messageVi };
    }),
  };
}
