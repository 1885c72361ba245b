/** Bounded autocannon runs with exact percentiles, and the served child's CPU time per request. */
import autocannon from 'autocannon';
import { cpuOf, type Served } from './child.ts';

/** Most requests of one run (with the run's duration, what bounds it). */
export const MAX_REQUESTS = 250_000;

/** The outcome of a run: throughput, latency percentiles (ms), counts. */
export interface Measured {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  bad: number;
  /** Server CPU µs per request (user + system). */
  cpuPerRequest?: number;
}

/** One request autocannon sends. */
export type Req = { method: 'GET' | 'POST'; path: string; headers?: Record<string, string>; body?: string };

/** A run of `seconds` at `connections` (pipelining 1), each request made by `next`. */
export async function load(
  url: string,
  connections: number,
  next: () => Req,
  seconds: number,
): Promise<Measured> {
  // autocannon's histogram keeps whole milliseconds; keep every response time (float ms) instead.
  const times = new Float64Array(MAX_REQUESTS + connections);
  let n = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections,
        pipelining: 1,
        duration: seconds,
        maxOverallRequests: MAX_REQUESTS,
        requests: [{ setupRequest: (req) => ({ ...req, ...next() }) }],
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => {
      if (n < times.length) times[n++] = ms;
    });
  });
  const sorted = times.subarray(0, n).sort();
  const pct = (p: number) =>
    n ? Math.round(sorted[Math.min(n - 1, Math.floor((p / 100) * n))]! * 100) / 100 : Number.NaN;
  return {
    rps: result.requests.total / (result.duration || seconds),
    p50: pct(50),
    p99: pct(99),
    requests: result.requests.total,
    bad: result.non2xx + result.errors + result.timeouts,
  };
}

/** A {@link load} run against a served child, with the server's CPU time per answered request (µs). */
export async function measured(
  s: Served,
  connections: number,
  next: () => Req,
  seconds: number,
): Promise<Measured> {
  const before = await cpuOf(s);
  const m = await load(s.url, connections, next, seconds);
  return { ...m, cpuPerRequest: ((await cpuOf(s)) - before) / Math.max(1, m.requests) };
}
