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

/** One vitest project per workspace folder that has tests. */
export function workspaceProjects(kind: 'unit' | 'service'): TestProjectInlineConfiguration[] {
  const folders = ['packages', 'examples'].flatMap((group) =>
    existsSync(`${root}${group}`) ? readdirSync(`${root}${group}`).map((name) => `${group}/${name}`) : [],
  );
  const unit = ['src/**/*.test.ts', 'test/**/*.test.ts'];
  const service = ['src/**/*.service.test.ts', 'test/**/*.service.test.ts'];
  return folders.map((dir) => ({
    extends: true,
    test: {
      name: dir.split('/')[1]!,
      root: `${root}${dir}`,
      include: kind === 'unit' ? unit : service,
      exclude: [
        '**/node_modules/**',
        ...(kind === 'unit' ? ['**/*.service.test.ts', '**/*.browser.test.ts'] : []),
      ],
    },
  }));
}
