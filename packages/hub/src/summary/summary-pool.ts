import { Worker } from 'node:worker_threads';
import { LienThongError } from '@lienthong/core';
import type { SummaryAnswer, SummaryInput } from './summary-task.js';
import type { SummaryReply, SummaryRequest } from './summary-worker.js';

/**
 * Worker threads that make patients' summaries off the event loop. A summary of 50 visits is
 * some 2 ms of parsing, summarizing and serializing — most of its cost — and on the event loop
 * every other request waits behind it; in a worker the loop keeps reading the database and
 * answering (about 1.8× the summaries per second at 10 clients on 2 cores, measured in
 * docs/en/guide/hub-performance.md).
 */
export interface SummaryPool {
  /**
   * The summary's JSON bytes and how many diagnoses were withheld, made by one of the workers;
   * `reuse()` once the bytes are sent hands their memory to a next summary.
   */
  summarize(input: SummaryInput): Promise<SummaryAnswer>;
  /** Ends the workers; summaries still running fail with `HUB_STOPPING`. */
  close(): Promise<void>;
}

/** This module's own URL (the CommonJS build shims it). */
const here = import.meta.url;

/**
 * A worker running `summary-worker`: the built `.js` beside this module, or — from TypeScript
 * sources (tests, benchmarks) — the `.ts` one, loaded through tsx registered in the worker itself
 * (a worker does not inherit the loader hooks of the thread that starts it); tsx and the tsconfig
 * that maps the workspace packages to their sources are found from the working directory.
 */
function spawnWorker(): Worker {
  if (!here.endsWith('.ts')) return new Worker(new URL('./summary-worker.js', here));
  const entry = new URL('./summary-worker.ts', here).href;
  return new Worker(
    `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`,
    { eval: true },
  );
}

/** 500 `HUB_SUMMARY_FAILED`: the worker making it died. */
const workerLost = () =>
  new LienThongError({
    code: 'HUB_SUMMARY_FAILED',
    message: 'The summary could not be made from the stored visits.',
    messageVi: 'Không lập được bản tóm tắt từ các lượt khám đã lưu.',
    details: { status: 500 },
  });

/** 503 `HUB_STOPPING`: the pool was closed before the summary was made. */
const stopping = () =>
  new LienThongError({
    code: 'HUB_STOPPING',
    message: 'The hub is stopping: the summary was not made.',
    messageVi: 'Sàn đang dừng: bản tóm tắt chưa được lập.',
    details: { status: 503 },
  });

/**
 * Most answers' memory kept for reuse. Each summary is written into memory an answer already sent
 * gave back, when there is some: a new buffer per answer is memory outside V8's heap that V8 counts,
 * and at hundreds of summaries a second it made the event loop collect its whole heap every few
 * hundred milliseconds. A buffer too small for a summary is left to the worker's collector.
 */
const SPARE_BUFFERS = 16;

interface Waiting {
  resolve(answer: SummaryAnswer): void;
  reject(error: Error): void;
}

/** One worker and the summaries it is making. */
interface Slot {
  worker: Worker | undefined;
  waiting: Map<number, Waiting>;
}

/**
 * Starts `workers` summary workers (lazily: each on its first summary). Each summary goes to the
 * worker with the fewest in progress. A worker that dies fails its summaries with
 * `HUB_SUMMARY_FAILED` and is replaced on the next one.
 * @example const pool = createSummaryPool({ workers: 1 }); const { bytes } = await pool.summarize(input);
 */
export function createSummaryPool(options: { workers: number }): SummaryPool {
  if (!Number.isInteger(options.workers) || options.workers < 1)
    throw new RangeError('createSummaryPool: workers must be a positive integer');
  const slots: Slot[] = Array.from({ length: options.workers }, () => ({
    worker: undefined,
    waiting: new Map(),
  }));
  let nextId = 0;
  let closed = false;
  const spare: ArrayBuffer[] = [];
  const reusing = (buffer: ArrayBuffer) => {
    let given = false;
    return () => {
      if (given || spare.length >= SPARE_BUFFERS) return;
      given = true;
      spare.push(buffer);
    };
  };

  const failAll = (slot: Slot, error: Error) => {
    for (const w of slot.waiting.values()) w.reject(error);
    slot.waiting.clear();
  };

  const workerOf = (slot: Slot): Worker => {
    if (slot.worker) return slot.worker;
    const worker = spawnWorker();
    // The hub's server keeps the process alive; an idle worker must not.
    worker.unref();
    worker.on('message', (reply: SummaryReply) => {
      const waiting = slot.waiting.get(reply.id);
      if (!waiting) return;
      slot.waiting.delete(reply.id);
      if ('error' in reply) waiting.reject(new LienThongError({ ...reply.error, details: { status: 500 } }));
      else
        waiting.resolve({
          bytes: new Uint8Array(reply.bytes, 0, reply.length),
          withheld: reply.withheld,
          reuse: reusing(reply.bytes),
        });
    });
    const lost = () => {
      if (slot.worker !== worker) return;
      slot.worker = undefined;
      failAll(slot, closed ? stopping() : workerLost());
    };
    worker.on('error', lost);
    worker.on('exit', lost);
    slot.worker = worker;
    return worker;
  };

  return {
    summarize(input) {
      if (closed) return Promise.reject(stopping());
      let slot = slots[0]!;
      for (const s of slots) if (s.waiting.size < slot.waiting.size) slot = s;
      const worker = workerOf(slot);
      const id = nextId++;
      return new Promise<SummaryAnswer>((resolve, reject) => {
        slot.waiting.set(id, { resolve, reject });
        const into = spare.pop();
        if (into) worker.postMessage({ id, input, into } satisfies SummaryRequest, [into]);
        else worker.postMessage({ id, input } satisfies SummaryRequest);
      });
    },
    async close() {
      closed = true;
      await Promise.all(
        slots.map(async (slot) => {
          const worker = slot.worker;
          if (!worker) return;
          await worker.terminate();
          // terminate() answers before the 'exit' event: summaries still waiting fail now.
          slot.worker = undefined;
          failAll(slot, stopping());
        }),
      );
    },
  };
}
