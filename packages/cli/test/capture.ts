import type { CliIo } from '../src/io.js';

/**
 * An io for running the CLI in a test: it keeps what a command writes, `out()` what went to stdout
 * and `err()` what went to stderr; messages in `lang` (default English); with `progress: true`, the
 * progress lines a terminal would show are in `progress()`.
 * @example
 * const c = capture();
 * expect(await runCli(['systems', '--json'], c.io)).toBe(0);
 * expect(JSON.parse(c.out())).toMatchObject({ cccd: expect.any(String) });
 */
export function capture(lang: CliIo['lang'] = 'en', options: { progress?: boolean } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const shown: string[] = [];
  const io: CliIo = {
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    lang,
    ...(options.progress ? { progress: (t: string) => void shown.push(t) } : {}),
  };
  return { io, out: () => out.join(''), err: () => err.join(''), progress: () => shown };
}
