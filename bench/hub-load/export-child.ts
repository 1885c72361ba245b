/**
 * The hub of the export benchmark in a child process (`export-server.ts`), and its memory:
 * resident set size sampled from /proc every ~100 ms (Linux), heap after a full GC over IPC.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';
import type { DatabaseConfig } from '../../packages/hub/src/index.ts';
import { askChild } from './child.ts';
import { lineFork } from './node-line.ts';

/** The served hub: its URL, a key with the `export` scope, the process. */
export interface ExportHub {
  url: string;
  apiKey: string;
  child: ChildProcess;
}

const SERVER = new URL('./export-server.ts', import.meta.url);
// Under node_modules, so that the bundle's package imports resolve as the sources' do.
const BUNDLE_DIR = new URL(
  `../../node_modules/.cache/lienthong-export-load-${process.pid}/`,
  import.meta.url,
);

/**
 * The hub server compiled to one JavaScript file (the hub's sources and this server bundled, its
 * packages left as imports), as an operator runs compiled code: TypeScript compiled in the
 * process (tsx) holds 40–70 MiB more (an idle hub: 169 MiB RSS under tsx, 97 MiB from the build;
 * 150–160 against 110 MiB at the kick-off of this benchmark).
 * Answers the file and how to remove it.
 */
export async function compileServer(): Promise<{ file: URL; remove: () => void }> {
  mkdirSync(BUNDLE_DIR, { recursive: true });
  const file = new URL('export-server.mjs', BUNDLE_DIR);
  await build({
    entryPoints: [SERVER.pathname],
    outfile: file.pathname,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  return { file, remove: () => rmSync(BUNDLE_DIR, { recursive: true, force: true }) };
}

/**
 * Starts the hub on `config`, writing exports under `exportDir`, with --expose-gc (for
 * {@link heapOf}): the compiled server when given (see {@link compileServer}), else the sources under tsx.
 */
export function serveExportHub(
  config: DatabaseConfig,
  exportDir: string,
  compiled?: URL,
): Promise<ExportHub> {
  // HUB_LOAD_NODE=22|24: the hub on that Node.js LTS line (node-line.ts), as bench:hub's children.
  const line = lineFork(process.env.HUB_LOAD_NODE);
  const child = fork(compiled ?? SERVER, [JSON.stringify(config), exportDir], {
    env: { ...process.env, ...line.env },
    ...(line.execPath && { execPath: line.execPath }),
    // EXPORT_LOAD_NODE_FLAGS="--trace-gc …": more flags for the hub process (diagnosis).
    execArgv: [
      ...line.execArgv,
      ...(compiled ? [] : ['--import', 'tsx']),
      '--expose-gc',
      ...(process.env.EXPORT_LOAD_NODE_FLAGS?.split(' ').filter(Boolean) ?? []),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve({ ...(m as { url: string; apiKey: string }), child }));
    child.once('exit', (code) => reject(new Error(`hub exited (${code}) before listening`)));
  });
}

/** The hub's memory (bytes) right after a full GC, and its RSS and V8 heap just before it. */
export interface HubMemory {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  beforeGc: { rss: number; heapUsed: number; heapTotal: number };
}

/** Heap used and RSS (bytes) of the hub right after a full GC (and before it). */
export const heapOf = (hub: ExportHub): Promise<HubMemory> => askChild(hub.child, 'memory', 'memory');

/** Resident set size (VmRSS) and its peak so far (VmHWM) of process `pid`, in bytes. */
export function residentOf(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) =>
    Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rss: kb('VmRSS') * 1024, hwm: kb('VmHWM') * 1024 };
}

/** RSS samples of a process between `start` and `stop`: every `everyMs`, with the first, last and peak. */
export interface RssSampler {
  /** Stops sampling; answers the first, last and highest sample, the kernel's peak (VmHWM) and the count. */
  stop(): { first: number; last: number; peak: number; hwm: number; samples: number };
}

/**
 * Samples the RSS of `pid` every `everyMs` ms until stopped.
 * @example const s = sampleRss(hub.child.pid!); await work(); const { peak } = s.stop();
 */
export function sampleRss(pid: number, everyMs = 100): RssSampler {
  const first = residentOf(pid);
  let last = first.rss;
  let peak = first.rss;
  let hwm = first.hwm;
  let samples = 1;
  const take = () => {
    try {
      const now = residentOf(pid);
      last = now.rss;
      peak = Math.max(peak, now.rss);
      hwm = now.hwm;
      samples++;
    } catch {
      // The process has exited: keep what was sampled.
    }
  };
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return { first: first.rss, last, peak, hwm, samples };
    },
  };
}
