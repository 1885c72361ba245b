import { runCli } from './program.js';

const lang = process.env.LIENTHONG_LANG === 'en' ? 'en' : process.env.LIENTHONG_LANG === 'vi' ? 'vi' : 'both';
void runCli(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  lang,
  // Progress only on a terminal: `\r` rewrites the line; logs and pipes get none.
  ...(process.stderr.isTTY ? { progress: (t: string) => process.stderr.write(`\r${t}`) } : {}),
}).then((code) => {
  process.exitCode = code;
});
