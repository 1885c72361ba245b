// Generates the TypeDoc API reference (static HTML) into docs/public/api from every publishable
// package's export subpaths, mapped to their sources (src/<sub>.ts or src/<sub>/index.ts).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { publishablePackages, root } from './workspaces.mjs';

const entryPoints = [];
for (const { dir, pkg } of publishablePackages()) {
  for (const subpath of Object.keys(pkg.exports ?? {})) {
    if (subpath === './package.json') continue;
    const sub = subpath === '.' ? 'index' : subpath.slice(2);
    const candidates = [join(dir, 'src', `${sub}.ts`), join(dir, 'src', sub, 'index.ts')];
    const found = candidates.find((c) => existsSync(c));
    if (found) entryPoints.push(found);
    else console.warn(`docs-api: no source for ${pkg.name} ${subpath}`);
  }
}
execFileSync(
  join(root, 'node_modules/.bin/typedoc'),
  [
    ...entryPoints.flatMap((e) => ['--entryPoints', e]),
    '--tsconfig',
    join(root, 'tsconfig.dev.json'),
    '--out',
    join(root, 'docs/public/api'),
    '--name',
    'Liên Thông API',
    '--excludePrivate',
    '--excludeInternal',
    '--treatWarningsAsErrors',
    'false',
    '--logLevel',
    'Error',
    '--skipErrorChecking',
  ],
  { stdio: 'inherit', cwd: root },
);
console.log(`docs-api: ${entryPoints.length} entry points → docs/public/api`);
