/** Step-by-step, bilingual console output for the demo. */
let step = 0;

export function chapter(vi: string, en: string): void {
  step++;
  console.log(`\n\x1b[1m${step}. ${vi}\x1b[0m\n   \x1b[2m${en}\x1b[0m`);
}

export function say(label: string, value: unknown = ''): void {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  console.log(`   ${label}${text ? ` ${text}` : ''}`);
}
