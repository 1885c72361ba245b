/**
 * The servers under test run in a child process (bench/hub-load/server.ts, one core), autocannon in
 * the parent: start, CPU time, stop.
 */

import { type ChildProcess, fork } from 'node:child_process';
import type { DatabaseConfig } from '../../packages/hub/src/index.ts';
import { optionInvalid } from './cli.ts';
import { lineFork, nodeLine } from './node-line.ts';

/** A served child: its URL, the API key of the synthetic facility (hub mode), the process. */
export interface Served {
  url: string;
  apiKey?: string;
  child: ChildProcess;
}

/**
 * HUB_LOAD_NODE_FLAGS="--single-threaded-gc …": Node and V8 flags of the server children, for
 * runtime settings a deployment would pass to `node` (V8 flags such as this one are refused in
 * NODE_OPTIONS and cannot be changed once the process runs). Printed in each report's header.
 */
export const serverNodeFlags: readonly string[] = (process.env.HUB_LOAD_NODE_FLAGS ?? '')
  .split(/\s+/)
  .filter(Boolean);
for (const flag of serverNodeFlags)
  if (!flag.startsWith('--'))
    throw optionInvalid(
      'HUB_LOAD_NODE_FLAGS',
      `HUB_LOAD_NODE_FLAGS: ${flag} is not a --flag`,
      `HUB_LOAD_NODE_FLAGS: ${flag} không phải một --cờ`,
    );

// Installed (or refused) now, before a benchmark seeds anything.
if (process.env.HUB_LOAD_NODE) nodeLine(process.env.HUB_LOAD_NODE);

/** Header lines naming the server children's Node.js line and {@link serverNodeFlags}, when not the defaults. */
export const serverRuntimeLines = (): string[] => [
  ...(process.env.HUB_LOAD_NODE
    ? [`  server children run on Node ${serverNodeVersion()} (HUB_LOAD_NODE)`]
    : []),
  ...(serverNodeFlags.length ? [`  server children run with: node ${serverNodeFlags.join(' ')}`] : []),
];

/**
 * The Node.js the server children run (`node --version`): this process's, or the line
 * `HUB_LOAD_NODE` (22, 24…) names (node-line.ts). `major` overrides the variable (a side of
 * `bench:hub-ab`).
 */
export const serverNodeVersion = (major = process.env.HUB_LOAD_NODE): string =>
  major ? nodeLine(major).version : process.version;

/**
 * Starts the ceiling (an empty Hono handler) or the hub on `config` in a child process; `env` adds
 * to this process's environment (`HUB_LOAD_HUB_SRC`: the hub's sources it serves; `HUB_LOAD_NODE`:
 * the Node.js line it runs on).
 */
export function serveChild(
  mode: 'ceiling' | 'hub',
  config?: DatabaseConfig,
  env: Record<string, string> = {},
): Promise<Served> {
  const line = lineFork(env.HUB_LOAD_NODE ?? process.env.HUB_LOAD_NODE);
  const child = fork(new URL('./server.ts', import.meta.url), [mode, JSON.stringify(config ?? {})], {
    env: { ...process.env, ...env, ...line.env },
    ...(line.execPath && { execPath: line.execPath }),
    // HUB_LOAD_CPU_PROF=<dir>: write a V8 CPU profile of each server child there (diagnosis).
    execArgv: [
      ...serverNodeFlags,
      ...line.execArgv,
      '--import',
      'tsx',
      ...(process.env.HUB_LOAD_CPU_PROF
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.HUB_LOAD_CPU_PROF}`]
        : []),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve({ ...(m as { url: string; apiKey?: string }), child }));
    child.once('exit', (code) => reject(new Error(`${mode} server exited (${code}) before listening`)));
  });
}

/**
 * Sends `request` to a served child and resolves with the `key` member of its first answer that
 * carries one (the children answer 'cpu', 'memory'… over IPC).
 */
export function askChild<T>(child: ChildProcess, request: string, key: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: unknown) => {
      if (m && typeof m === 'object' && key in m) {
        child.off('message', on);
        resolve((m as Record<string, T>)[key] as T);
      }
    };
    child.on('message', on);
    child.send(request);
  });
}

/** CPU time (user + system, µs) the server process has used so far. */
export const cpuOf = (s: Served): Promise<number> => askChild(s.child, 'cpu', 'cpuMicros');

/** Asks the child to close (killed after 10 s) and waits for it to exit (at once if it has). */
export function stopChild(s: Pick<Served, 'child'>): Promise<void> {
  if (s.child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => s.child.kill('SIGKILL'), 10_000);
    s.child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    s.child.send('close');
  });
}
