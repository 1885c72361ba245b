import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TestProjectInlineConfiguration } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * Workspace packages resolve to their TypeScript sources, never to a (possibly stale) dist/.
 * `@lienthong/x` → packages/x/src/index.ts, `@lienthong/x/sub` → packages/x/src/sub(.ts|/index.ts).
 */
export const sourceAliases = [
  { find: /^@lienthong\/([a-z-]+)$/, replacement: `${root}packages/$1/src/index.ts` },
  { find: /^@lienthong\/([a-z-]+)\/(.+)$/, replacement: `${root}packages/$1/src/$2` },
];

/**
 * Test files that load the better-sqlite3 native addon. `LIENTHONG_SKIP_NATIVE=1` leaves them out
 * (the second run on Node 24, where the addon compiled for the machine's Node cannot load —
 * see scripts/test-node24.sh).
 */
const NATIVE_ADDON_TESTS = ['**/commands/hub.test.ts', '**/outbox/**'];
const skipNative = process.env.LIENTHONG_SKIP_NATIVE === '1';

/** One vitest project per workspace folder that has tests. */
export function workspaceProjects(kind: 'unit' | 'service'): TestProjectInlineConfiguration[] {
  const folders = ['packages', 'examples'].flatMap((group) =>
    existsSync(`${root}${group}`) ? readdirSync(`${root}${group}`).map((name) => `${group}/${name}`) : [],
  );
  const unit = ['src/**/*.test.ts', 'test/**/*.test.ts'];
  const service = ['src/**/*.service.test.ts', 'test/**/*.service.test.ts'];
  return folders
    .filter((dir) => !(skipNative && dir === 'packages/hub'))
    .map((dir) => ({
      extends: true,
      test: {
        name: dir.split('/')[1]!,
        root: `${root}${dir}`,
        include: kind === 'unit' ? unit : service,
        exclude: [
          '**/node_modules/**',
          ...(kind === 'unit' ? ['**/*.service.test.ts', '**/*.browser.test.ts'] : []),
          ...(skipNative ? NATIVE_ADDON_TESTS : []),
        ],
      },
    }));
}
