// Run in the consumer project: bundles browser-entry.js (validators + catalogue search) from the
// installed packages with the repository's esbuild (browser platform, minified), gzips it and
// compares it with the budgets the installed packages declare (`sizeBudgets` in their
// package.json): the bundle may weigh at most the sum of the budgets of the entries it imports, and
// each entry alone at most its own. Then the bundle runs, to prove minification kept it working.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

const repo = process.env.CONSUMER_REPO_ROOT;
if (!repo) throw new Error('CONSUMER_REPO_ROOT is not set (run through scripts/consumer/run.sh)');
const { build, version } = createRequire(join(repo, 'package.json'))('esbuild');
const app = process.cwd();

/** The entries the bundle imports, with the budget each package declares for it. */
const entries = [
  ['@lienthong/patient-id', './validators'],
  ['@lienthong/catalogue', '.'],
].map(([name, subpath]) => {
  const pkg = JSON.parse(readFileSync(join(app, 'node_modules', name, 'package.json'), 'utf8'));
  const budget = pkg.sizeBudgets?.[subpath];
  if (typeof budget !== 'number') throw new Error(`${name} declares no sizeBudgets["${subpath}"]`);
  return { specifier: subpath === '.' ? name : `${name}${subpath.slice(1)}`, budget };
});

async function bundle(stdin) {
  const result = await build({
    stdin: { contents: stdin, resolveDir: app, sourcefile: 'entry.js', loader: 'js' },
    absWorkingDir: app,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  return { code, bytes: code.length, gzip: gzipSync(code, { level: 9 }).length };
}

console.log(`esbuild ${version}, platform browser, minified, gzip -9`);
console.log(`${'bundle'.padEnd(52)} ${'min'.padStart(9)} ${'min+gzip'.padStart(9)} ${'budget'.padStart(9)}`);
let over = 0;
const row = (name, r, budget) => {
  const ok = r.gzip <= budget;
  if (!ok) over++;
  console.log(
    `${ok ? '✓' : '✗'} ${name.padEnd(50)} ${String(r.bytes).padStart(9)} ${String(r.gzip).padStart(9)} ${String(budget).padStart(9)}`,
  );
};
for (const e of entries) row(e.specifier, await bundle(`export * from '${e.specifier}';`), e.budget);
const entry = readFileSync(join(app, 'browser-entry.js'), 'utf8');
const form = await bundle(entry);
row(
  'browser-entry.js (validators + catalogue search)',
  form,
  entries.reduce((sum, e) => sum + e.budget, 0),
);
if (over > 0) {
  console.error(`${over} bundle(s) over budget`);
  process.exit(1);
}

// The minified bundle works: it validates an ID and searches a release.
mkdirSync(join(app, 'browser-dist'), { recursive: true });
const out = join(app, 'browser-dist', 'form.mjs');
writeFileSync(out, form.code);
const { checkCitizenId, searchTechniques } = await import(pathToFileURL(out).href);
assert.deepEqual(checkCitizenId('074203012345'), { ok: true, birthYear: 2003 });
assert.deepEqual(checkCitizenId('999203012345'), { ok: false, code: 'CITIZEN_ID_PROVINCE_UNKNOWN' });
const { loadBundledRelease } = await import('@lienthong/catalogue/bundled');
assert.equal(searchTechniques(await loadBundledRelease('tt23-pl01'), 'dinh luong glucose mau')[0], '23.75');
console.log('✓ the minified bundle validates an ID and searches the catalogue');
