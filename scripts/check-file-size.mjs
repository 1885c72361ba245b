// File size: a module over 500 lines usually holds more than one job. Walks the sources —
// packages/*/src, packages/*/test, apps/*/src (when present), examples/, scripts/ — for .ts,
// .tsx, .mjs and .js files, skipping node_modules, dist, coverage, generated/ and dot-folders
// (tool caches). Limits: 500 lines; 800 for tests (`*.test.*`, `*-behaviour.ts`, anything under a
// `test/` folder), whose cases read best beside the fixtures they share. A file may go over when
// a comment in its first 15 lines gives the reason after `size:`, e.g.
// `// size: one table of the HL7 v2.5 spec, split would scatter it`. Exit 1 lists file:lines.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { root } from './workspaces.mjs';

const LIMIT = 500;
const TEST_LIMIT = 800;
const HEAD_LINES = 15;
const SOURCE = /\.(?:ts|tsx|mjs|js)$/;
const SKIPPED = new Set(['node_modules', 'dist', 'coverage', 'generated']);
/** `size:` and a reason, in a line comment, a block comment's opening or one of its `*` lines. */
const EXEMPTION = /^\s*(?:\/\/|\/\*+|\*)\s*size:\s*\S/;

/** The folders walked: those of every workspace folder that exist, then examples/ and scripts/. */
function roots() {
  const inside = (group, folders) =>
    existsSync(join(root, group))
      ? readdirSync(join(root, group)).flatMap((name) => folders.map((f) => join(root, group, name, f)))
      : [];
  return [
    ...inside('packages', ['src', 'test']),
    ...inside('apps', ['src']),
    join(root, 'examples'),
    join(root, 'scripts'),
  ].filter((dir) => existsSync(dir));
}

function* sourceFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIPPED.has(entry.name) && !entry.name.startsWith('.')) yield* sourceFiles(join(dir, entry.name));
    } else if (entry.isFile() && SOURCE.test(entry.name)) yield join(dir, entry.name);
  }
}

const isTest = (path) =>
  /\.test\.[^.]+$/.test(path) || path.endsWith('-behaviour.ts') || path.split(sep).includes('test');

let checked = 0;
const over = [];
for (const dir of roots()) {
  for (const file of sourceFiles(dir)) {
    checked++;
    const lines = readFileSync(file, 'utf8').split('\n');
    if (lines[lines.length - 1] === '') lines.pop(); // the final newline ends a line, it opens none
    const limit = isTest(relative(root, file)) ? TEST_LIMIT : LIMIT;
    if (lines.length <= limit) continue;
    if (lines.slice(0, HEAD_LINES).some((line) => EXEMPTION.test(line))) continue;
    over.push(`${relative(root, file)}:${lines.length} (limit ${limit})`);
  }
}
if (over.length > 0) {
  console.error(
    `Over the size limit, with no \`size:\` reason in the first ${HEAD_LINES} lines — split by job:`,
  );
  for (const line of over) console.error(`  ${line}`);
  process.exit(1);
}
console.log(`check-file-size: ${checked} files, none over ${LIMIT} lines (${TEST_LIMIT} for tests)`);
