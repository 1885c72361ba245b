// Writes the empty consumer project's package.json: what a vendor's project holds before
// `npm install`, plus the pins that make npm take every Liên Thông package from the local tarballs.
//
// - `overrides`: the packages depend on each other with the range "*"; each name is overridden to
//   its tarball, so no copy anywhere in the tree can come from the registry. The spec must be the
//   same string `npm install ../tarballs/x.tgz` saves in `dependencies`, else npm stops with
//   EOVERRIDE ("conflicts with direct dependency").
// - `allowScripts`: npm 11's install-script policy (see docs/en/guide/getting-started.md). The only
//   dependency with an install script is better-sqlite3 (of @lienthong/hub), which builds the
//   native SQLite addon.
// - `devDependencies`: the TypeScript and Node types a TypeScript project has, in the versions the
//   repository uses (its root package.json), for the type-check.
// - no "type": the project is CommonJS by default, as most existing Node projects are; the ESM
//   files say so by their extension (.mjs, .mts).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from '../workspaces.mjs';

const [app, tarballs] = process.argv.slice(2);
if (!app || !tarballs) throw new Error('usage: node make-app.mjs <project folder> <tarballs folder>');

const manifest = JSON.parse(readFileSync(join(tarballs, 'manifest.json'), 'utf8'));
const rootDev = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).devDependencies;
const pkg = {
  name: 'lienthong-consumer-check',
  version: '0.0.0',
  private: true,
  description: 'An empty project that installs the packed @lienthong tarballs (scripts/consumer/run.sh)',
  license: 'Apache-2.0',
  allowScripts: { 'better-sqlite3': true },
  overrides: Object.fromEntries(manifest.map((p) => [p.name, `file:../tarballs/${p.filename}`])),
  devDependencies: {
    typescript: rootDev.typescript,
    '@types/node': rootDev['@types/node'],
  },
};
writeFileSync(join(app, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
console.log(JSON.stringify(pkg, null, 2));
