// `npm run data:sync` — copies updated national data and real-world fixtures into the repository.
//
// The repository carries its own byte-for-byte copies (data/, fixtures/real-world/) and reads
// nothing outside itself at build, test or run time. On the project's own machines updated data
// arrives in a folder beside the clone, `../shared` (override with LIENTHONG_DATA_SOURCE=<dir>).
// When that folder is present this script mirrors it into the copies and lists what changed; when
// it is absent (a clone from the public repository) it says so and does nothing.
//
// After a sync: `npm run gen` regenerates the bundled releases, and `npm test` fails while a
// generated file differs from what its generator produces from the new copy.
//
// `--check` changes nothing and exits 1 when a copy differs from its source.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { root } from './workspaces.mjs';

const source = resolve(process.env.LIENTHONG_DATA_SOURCE ?? join(root, '..', 'shared'));
const check = process.argv.includes('--check');

/** The folders mirrored: source sub-folder → repository folder. */
const MIRRORS = [
  { from: 'data', to: 'data' },
  { from: 'fixtures/real-world', to: 'fixtures/real-world' },
];

/** Relative paths of every file under `dir` (empty when `dir` does not exist). */
function filesUnder(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((path) => statSync(join(dir, path)).isFile())
    .sort();
}

/** What differs between `from` and `to`: files added, changed and removed by a mirror. */
function compare(from, to) {
  const theirs = new Set(filesUnder(from));
  const ours = new Set(filesUnder(to));
  const added = [...theirs].filter((f) => !ours.has(f));
  const removed = [...ours].filter((f) => !theirs.has(f));
  const changed = [...theirs].filter(
    (f) => ours.has(f) && !readFileSync(join(from, f)).equals(readFileSync(join(to, f))),
  );
  return { added, changed, removed };
}

if (!existsSync(source)) {
  console.log(`data:sync: no source folder at ${relative(root, source) || source} — nothing to do.`);
  process.exit(0);
}

let differences = 0;
for (const { from, to } of MIRRORS) {
  const src = join(source, from);
  const dest = join(root, to);
  if (!existsSync(src)) {
    console.log(`data:sync: ${from}/ is not in the source — ${to}/ left as it is.`);
    continue;
  }
  const { added, changed, removed } = compare(src, dest);
  const count = added.length + changed.length + removed.length;
  differences += count;
  for (const [mark, list] of [
    ['+', added],
    ['~', changed],
    ['-', removed],
  ]) {
    for (const file of list) console.log(`  ${mark} ${to}/${file}`);
  }
  if (check || count === 0) continue;
  for (const file of removed) rmSync(join(dest, file));
  for (const file of [...added, ...changed]) {
    mkdirSync(dirname(join(dest, file)), { recursive: true });
    cpSync(join(src, file), join(dest, file));
  }
}

if (differences === 0) console.log('data:sync: the copies already match the source.');
else if (check) {
  console.log(`data:sync --check: ${differences} file(s) differ from ${source}; run npm run data:sync.`);
  process.exit(1);
} else {
  console.log(`data:sync: ${differences} file(s) updated. Next: npm run gen, then npm test.`);
}
