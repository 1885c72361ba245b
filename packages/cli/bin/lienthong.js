#!/usr/bin/env node
// Committed launcher so `npm ci` can link the `lienthong` command before anything is built;
// the CLI itself is the built dist/bin.js (run `npm run build` first).
import('../dist/bin.js').catch((error) => {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/bin.js')) {
    console.error('lienthong: not built yet — run `npm run build` at the repository root first.');
    process.exit(2);
  }
  throw error;
});
