// Packaging checks for every publishable package: required fields (docs/en/guide/architecture.md), publint, and
// @arethetypeswrong/cli (types resolve for import and require under node16 and bundlers; the
// legacy `node10` resolution, which cannot see subpath exports, is out of scope for Node ≥ 20.19).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { publishablePackages, root } from './workspaces.mjs';

let failures = 0;
const fail = (where, message) => {
  failures++;
  console.error(`✗ ${where}: ${message}`);
};

for (const { dir, pkg } of publishablePackages()) {
  const where = relative(root, dir);
  if (pkg.license !== 'Apache-2.0') fail(where, 'license must be Apache-2.0');
  if (!existsSync(join(dir, 'LICENSE'))) fail(where, 'LICENSE file missing');
  if (pkg.type !== 'module') fail(where, 'type must be "module"');
  if (pkg.sideEffects !== false) fail(where, 'sideEffects must be false');
  if (pkg.engines?.node !== '>=20.19') fail(where, 'engines.node must be ">=20.19"');
  if (!pkg.files?.includes('dist')) fail(where, 'files must include "dist"');
  for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
    if (typeof target === 'string') continue; // data files (package.json, openapi.yaml)
    const first = Object.keys(target);
    if (first[0] !== 'import' || first[1] !== 'require')
      fail(where, `exports["${subpath}"] must have import then require conditions`);
    for (const cond of ['import', 'require'])
      if (Object.keys(target[cond] ?? {})[0] !== 'types')
        fail(where, `exports["${subpath}"].${cond} must list types first`);
  }

  const { messages } = await publint({ pkgDir: dir, level: 'warning', strict: true });
  for (const m of messages) fail(where, `publint: ${formatMessage(m, pkg)}`);

  // Data files exported as such (openapi.yaml) are not modules: attw has nothing to resolve there.
  const dataExports = Object.entries(pkg.exports ?? {})
    .filter(([, target]) => typeof target === 'string' && !/\.(c|m)?js$|\.json$/.test(target))
    .map(([subpath]) => subpath);
  try {
    execFileSync(
      join(root, 'node_modules/.bin/attw'),
      [
        '--pack',
        dir,
        '--format',
        'ascii',
        '--profile',
        'node16',
        ...(dataExports.length ? ['--exclude-entrypoints', ...dataExports] : []),
      ],
      {
        stdio: 'pipe',
        cwd: root,
      },
    );
  } catch (error) {
    fail(where, `attw:\n${String(error.stdout ?? '')}${String(error.stderr ?? '')}`);
  }
  console.log(`✓ ${where} (${pkg.name})`);
}
if (failures > 0) {
  console.error(`\n${failures} packaging problem(s).`);
  process.exit(1);
}
