import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runCli } from './program.js';

describe('property: the CLI never throws, whatever the arguments', () => {
  it('answers any argv with a documented exit code', async () => {
    const word = fc.oneof(
      fc.string(),
      fc.constantFrom(
        'fold',
        'date',
        'systems',
        '--json',
        '--help',
        '-v',
        '--version',
        '--',
        '-x',
        '202501311430',
        '2025-13-45',
      ),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(word, { maxLength: 5 }), async (argv) => {
        const out: string[] = [];
        const code = await runCli(argv, {
          stdout: (t) => void out.push(t),
          stderr: (t) => void out.push(t),
          lang: 'both',
        });
        expect([0, 1, 2, 3]).toContain(code);
        expect(out.join('')).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/); // no stack traces
      }),
      { numRuns: 300 },
    );
  });
});
