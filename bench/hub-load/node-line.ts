/**
 * Server children on another Node.js LTS line (`HUB_LOAD_NODE=24`, or per side in `bench:hub-ab`):
 * vendors deploy Node 22 and 24, this machine's Node is 20, and the hub's CPU per request depends on
 * the line (its V8, its HTTP parser). The line's binary and better-sqlite3 compiled for it come from
 * scripts/node-lts.sh (fetched from the npm registry and built once, about a minute, kept under
 * .tmp/); the child runs that binary and imports node-line-sqlite.mjs first, which resolves
 * `better-sqlite3` to that build: the addon in node_modules is compiled for this machine's Node.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { optionInvalid } from './cli.ts';

/** A Node.js line the server children can run on. */
export interface NodeLine {
  /** The line's `node` binary. */
  execPath: string;
  /** What that binary says its version is (`v24.22.3`). */
  version: string;
  /** better-sqlite3's entry point in its build for this line. */
  sqliteMain: string;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The module each child on another line imports first (node-line-sqlite.mjs). */
export const NODE_LINE_HOOK = fileURLToPath(new URL('./node-line-sqlite.mjs', import.meta.url));
const found = new Map<string, NodeLine>();

/**
 * The Node.js line `major` (22, 24…; at least 22: the hook needs `module.registerHooks`), installed
 * and its better-sqlite3 built on first use.
 */
export function nodeLine(major: string): NodeLine {
  const known = found.get(major);
  if (known) return known;
  if (!/^\d+$/.test(major) || Number(major) < 22)
    throw optionInvalid(
      'HUB_LOAD_NODE',
      `HUB_LOAD_NODE (and --a-node, --b-node) take a Node.js major version from 22 on, not "${major}"`,
      `HUB_LOAD_NODE (và --a-node, --b-node) nhận số phiên bản chính của Node.js từ 22 trở lên, không phải "${major}"`,
    );
  const script = 'source scripts/node-lts.sh && node_lts_sqlite_binding "$1" && echo "$NODE_LTS_HOME"';
  const run = spawnSync('bash', ['-c', script, 'node-line', major], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [binding, home] = run.stdout.trim().split('\n');
  if (run.status !== 0 || !binding || !home)
    throw optionInvalid(
      'HUB_LOAD_NODE',
      `Node.js ${major} or better-sqlite3 built for it could not be installed (scripts/node-lts.sh)`,
      `Không cài được Node.js ${major} hoặc better-sqlite3 dựng cho nó (scripts/node-lts.sh)`,
    );
  const execPath = `${home}/bin/node`;
  const line: NodeLine = {
    execPath,
    version: spawnSync(execPath, ['--version'], { encoding: 'utf8' }).stdout.trim(),
    sqliteMain: binding.replace(/build\/Release\/better_sqlite3\.node$/, 'lib/index.js'),
  };
  found.set(major, line);
  return line;
}

/**
 * What `fork` needs to run a server child on the line `major`: its binary, the hook the child
 * imports first and the path of the addon built for it. Nothing for `undefined` (this Node).
 */
export function lineFork(major: string | undefined): {
  execPath?: string;
  execArgv: string[];
  env: Record<string, string>;
} {
  if (!major) return { execArgv: [], env: {} };
  const line = nodeLine(major);
  return {
    execPath: line.execPath,
    execArgv: ['--import', NODE_LINE_HOOK],
    env: { HUB_LOAD_SQLITE_MAIN: line.sqliteMain },
  };
}
