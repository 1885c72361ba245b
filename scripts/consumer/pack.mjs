// Packs every publishable package into <destination> with `npm pack`, after checking that the build
// is there: each file a package's `exports` (and `main`/`module`/`types`) names must exist, or the
// tarball would install and fail later with a far less readable error. Writes
// <destination>/manifest.json: [{ name, version, filename, integrity, size, unpackedSize, files }].
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { publishablePackages, root } from '../workspaces.mjs';

const destination = process.argv[2];
if (!destination) throw new Error('usage: node pack.mjs <destination folder>');

/** Every file path named in an `exports` map, whatever its nesting of conditions. */
function targets(value) {
  if (typeof value === 'string') return [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(targets);
  return [];
}

const packages = publishablePackages();
const missing = [];
for (const { dir, pkg } of packages) {
  if (!existsSync(join(dir, 'dist'))) {
    missing.push(`${relative(root, dir)}/dist (no build at all)`);
    continue;
  }
  const named = [...targets(pkg.exports), pkg.main, pkg.module, pkg.types].filter(Boolean);
  for (const file of new Set(named)) {
    if (!existsSync(join(dir, file))) missing.push(`${relative(root, dir)}/${file.replace(/^\.\//, '')}`);
  }
}
if (missing.length > 0) {
  console.error(`The build is missing (run \`npm run build\` first):\n  ${missing.join('\n  ')}`);
  process.exit(1);
}

const manifest = [];
for (const { dir, pkg } of packages) {
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', destination], {
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  if (packed.name !== pkg.name) throw new Error(`npm pack in ${dir} packed ${packed.name}, not ${pkg.name}`);
  manifest.push({
    name: packed.name,
    version: packed.version,
    filename: packed.filename,
    integrity: packed.integrity,
    size: packed.size,
    unpackedSize: packed.unpackedSize,
    files: packed.entryCount,
  });
  console.log(
    `${packed.filename.padEnd(40)} ${`${(packed.size / 1024).toFixed(0)} kB`.padStart(8)} packed, ` +
      `${`${(packed.unpackedSize / 1024).toFixed(0)} kB`.padStart(8)} unpacked, ${packed.entryCount} files`,
  );
}
writeFileSync(join(destination, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
