import { readdirSync } from 'node:fs';
import { Bench } from 'tinybench';
import type { BenchCase, BenchSuite } from './harness.ts';

const filter = process.argv[2];
const dir = new URL('.', import.meta.url);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts') && (!filter || f.includes(filter)))
  .sort();

const fmt = (n: number, digits = 2) =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits }) : '–';

function printGroup(
  group: string,
  rows: { c: BenchCase; hz: number; mean: number; p50: number; p99: number }[],
) {
  const ours = rows.find((r) => r.c.ours);
  console.log(`\n  ${group}`);
  console.log(
    `  ${'library'.padEnd(42)} ${'ops/s'.padStart(14)} ${'mean µs'.padStart(10)} ${'p50 µs'.padStart(10)} ${'p99 µs'.padStart(10)}  ratio`,
  );
  for (const r of rows) {
    // ratio > 1: ours is that many times faster than this alternative.
    const ratio =
      ours && !r.c.ours
        ? `ours ${fmt(ours.hz / r.hz)}× ${ours.hz >= r.hz ? 'faster' : 'slower'}`
        : r.c.ours
          ? '(ours)'
          : '';
    console.log(
      `  ${`${r.c.ours ? '▶ ' : '  '}${r.c.library}`.padEnd(42)} ${fmt(r.hz, 0).padStart(14)} ${fmt(r.mean, 3).padStart(10)} ${fmt(r.p50, 3).padStart(10)} ${fmt(r.p99, 3).padStart(10)}  ${ratio}`,
    );
  }
}

console.log(`Liên Thông benchmarks — Node ${process.version}, ${new Date().toISOString()}`);
for (const file of files) {
  const suite = (await import(new URL(file, dir).href)).default as BenchSuite;
  console.log(`\n■ ${suite.name} (${file})\n  ${suite.description}`);
  await suite.setup?.();
  const cases = suite.cases();
  const bench = new Bench({ time: suite.timeMs ?? 500, warmupTime: 100 });
  for (const [i, c] of cases.entries()) bench.add(String(i), c.fn);
  await bench.run();
  const rows = bench.tasks.map((task, i) => {
    const result = task.result as
      | { latency?: { mean: number; p50: number; p99: number }; throughput?: { mean: number } }
      | undefined;
    const latency = result?.latency;
    return {
      c: cases[i]!,
      hz: result?.throughput?.mean ?? Number.NaN,
      mean: (latency?.mean ?? Number.NaN) * 1000,
      p50: (latency?.p50 ?? Number.NaN) * 1000,
      p99: (latency?.p99 ?? Number.NaN) * 1000,
    };
  });
  for (const group of [...new Set(cases.map((c) => c.group))])
    printGroup(
      group,
      rows.filter((r) => r.c.group === group),
    );
  const facts = await suite.facts?.();
  if (facts)
    for (const [k, v] of Object.entries(facts))
      console.log(`  · ${k}: ${typeof v === 'number' ? fmt(v, 3) : v}`);
}
