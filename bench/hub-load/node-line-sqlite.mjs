// Imported first (`--import`) by a bench server child running on another Node.js line
// (node-line.ts): `better-sqlite3` resolves to HUB_LOAD_SQLITE_MAIN, the build compiled for that
// line, for `import`, `require` and `require.resolve` alike (the checkpointer thread loads the path
// the hub resolves). Plain JavaScript: it runs before tsx is registered. Node ≥ 22.15.
import { registerHooks } from 'node:module';

const main = process.env.HUB_LOAD_SQLITE_MAIN;
if (main)
  registerHooks({
    resolve: (specifier, context, next) => next(specifier === 'better-sqlite3' ? main : specifier, context),
  });
