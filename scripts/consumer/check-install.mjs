// Run in the consumer project after `npm install`: proves every Liên Thông package was installed
// from its tarball (the lockfile's `resolved` names the tarball and its `integrity` is the one
// `npm pack` reported; no second copy anywhere in the tree, none from a registry), that the
// better-sqlite3 addon was built for this Node and loads, and prints what each package brings in
// (its installed dependency tree, as in `npm ls --all`, and that tree's size on disk).
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const tarballs = process.argv[2];
if (!tarballs) throw new Error('usage: node check-install.mjs <tarballs folder>');
const manifest = JSON.parse(readFileSync(join(tarballs, 'manifest.json'), 'utf8'));
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')).packages;
const problems = [];

for (const p of manifest) {
  const path = `node_modules/${p.name}`;
  const entry = lock[path];
  const installed = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8'));
  if (!entry) problems.push(`${p.name}: not in package-lock.json`);
  else if (entry.resolved !== `file:../tarballs/${p.filename}`)
    problems.push(`${p.name}: resolved from ${entry.resolved ?? '(no resolved: the registry)'}`);
  else if (entry.integrity !== p.integrity)
    problems.push(`${p.name}: lockfile integrity ${entry.integrity} is not the packed ${p.integrity}`);
  if (installed.version !== p.version)
    problems.push(`${p.name}: installed ${installed.version}, packed ${p.version}`);
  for (const [other, e] of Object.entries(lock)) {
    if (other !== path && other.endsWith(`node_modules/${p.name}`))
      problems.push(`${p.name}: a second copy at ${other} (${e.resolved ?? 'registry'})`);
  }
}
if (problems.length > 0) {
  console.error(`Not installed from the tarballs:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(
  `✓ ${manifest.length} packages installed from their tarballs, one copy each, none from a registry`,
);

// The native addon: built by its install script for this Node's ABI, and it opens a database.
const require = createRequire(join(process.cwd(), 'node_modules/@lienthong/hub/package.json'));
const Database = require('better-sqlite3');
const db = new Database(':memory:');
const { version } = db.prepare('select sqlite_version() as version').get();
db.close();
console.log(
  `✓ better-sqlite3 ${require('better-sqlite3/package.json').version} loads on Node ${process.version} ` +
    `(ABI ${process.versions.modules}), SQLite ${version}`,
);

// What each package brings in: its dependency tree in this install (dependencies, optional and
// non-optional peer dependencies that are installed), resolved the way Node resolves them.
function resolveFrom(from, name) {
  let base = from;
  for (;;) {
    const candidate = `${base ? `${base}/` : ''}node_modules/${name}`;
    // Optional dependencies for other platforms (fsevents) are in the lockfile, not on disk.
    if (lock[candidate] && existsSync(candidate)) return candidate;
    if (!base) return undefined;
    const at = base.lastIndexOf('/node_modules/');
    base = at === -1 ? '' : base.slice(0, at);
  }
}
const sizes = new Map();
function ownSize(dir) {
  if (sizes.has(dir)) return sizes.get(dir);
  let bytes = 0;
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === 'node_modules' && d === dir) continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else bytes += lstatSync(p).size;
    }
  };
  walk(dir);
  sizes.set(dir, bytes);
  return bytes;
}
function tree(start) {
  const seen = new Set([start]);
  const queue = [start];
  while (queue.length > 0) {
    const path = queue.shift();
    const e = lock[path];
    const optionalPeers = new Set(
      Object.entries(e.peerDependenciesMeta ?? {})
        .filter(([, m]) => m.optional)
        .map(([n]) => n),
    );
    const names = [
      ...Object.keys(e.dependencies ?? {}),
      ...Object.keys(e.optionalDependencies ?? {}),
      ...Object.keys(e.peerDependencies ?? {}).filter((n) => !optionalPeers.has(n)),
    ];
    for (const name of names) {
      const found = resolveFrom(path, name);
      if (found && !seen.has(found)) {
        seen.add(found);
        queue.push(found);
      }
    }
  }
  return [...seen];
}
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
console.log(`\n${'package'.padEnd(28)} ${'packages'.padStart(8)} ${'on disk'.padStart(9)}  largest`);
for (const p of manifest) {
  const paths = tree(`node_modules/${p.name}`);
  const measured = paths.map((path) => ({
    name: path.replace(/.*node_modules\//, ''),
    bytes: ownSize(path),
  }));
  const total = measured.reduce((sum, m) => sum + m.bytes, 0);
  const largest = measured
    .filter((m) => m.name !== p.name)
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 4)
    .map((m) => `${m.name} ${mb(m.bytes)}`)
    .join(', ');
  console.log(
    `${p.name.padEnd(28)} ${String(paths.length).padStart(8)} ${mb(total).padStart(9)}  ${largest}`,
  );
}
