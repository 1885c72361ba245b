// Import cycles: none in packages/*/src. A cycle ties its modules together — none can be read,
// tested or moved without the others — and at run time an ESM cycle can hand a module an export
// that is not yet initialised. The sources of every package are walked (tests and generated/ left
// out: nothing imports them), `@lienthong/*` imports resolved to the sources through
// tsconfig.dev.json, so a cycle across packages counts too. Exit 1 lists each cycle.
//
// Type-only imports count as well (dpdm without `transform`). TypeScript erases them, so they
// knot nothing at run time, but they knot the source all the same: the hub's HTTP layer was one
// cycle of 14 files held together mostly by `import type { HubEnv }`. Types that several modules
// share belong in a module of their own (packages/hub/src/http/env.ts), which costs nothing.
import { parseCircular, parseDependencyTree } from 'dpdm';
import { root } from './workspaces.mjs';

const tree = await parseDependencyTree('packages/*/src/**/*.{ts,tsx}', {
  cwd: root,
  context: root,
  tsconfig: `${root}tsconfig.dev.json`,
  exclude: /node_modules|\/generated\/|\.test\.tsx?$/,
  transform: false,
});
const cycles = parseCircular(tree);
// Excluded files stay in the tree as null ("ignored"): count the modules read.
const files = Object.values(tree).filter((deps) => deps !== null).length;

if (files === 0) {
  console.error('import cycles: NOT CHECKED — no module of packages/*/src was read');
  process.exit(1);
} else if (cycles.length === 0) {
  console.log(`import cycles: none among ${files} modules of packages/*/src`);
} else {
  console.error(
    `import cycles: ${cycles.length} in packages/*/src — each module imports the next, the last the first:`,
  );
  for (const cycle of cycles) {
    // dpdm names modules by their path from `context`: packages/…/x.ts.
    console.error(`  ${[...cycle, cycle[0]].join(' → ')}`);
  }
  console.error(
    'Break each: move what the modules share (types, constants, helpers) into a module both import.',
  );
  process.exit(1);
}
