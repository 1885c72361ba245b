import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';

/** A finished NDJSON file: its resource type, name (in the job's directory), lines and bytes. */
export interface NdjsonFile {
  type: string;
  name: string;
  count: number;
  bytes: number;
}

/** Limits of one file: a new file of the type starts past either (defaults: 100,000 lines, 256 MiB). */
export interface NdjsonLimits {
  maxLines?: number;
  maxBytes?: number;
}

/** Bytes buffered per open file before they are written (one write call per chunk). */
const CHUNK_BYTES = 64 * 1024;

interface OpenFile {
  file: NdjsonFile;
  handle: FileHandle;
  buffer: string[];
  buffered: number;
}

/** Writes resources as NDJSON files, one series per type, split by size. */
export interface NdjsonWriter {
  /** Appends one resource as a line of its type's current file (a new file past the limits). */
  write(resource: { resourceType: string }): Promise<void>;
  /** Flushes and syncs every open file to disk; answers every file written, in the order started. */
  finish(): Promise<NdjsonFile[]>;
  /** Closes every open file without finishing (the caller then removes the directory). */
  abort(): Promise<void>;
}

/**
 * NDJSON files in `dir` (which must exist), named `<Type>-<n>.ndjson` from 1: resources are
 * written as they come, a chunk at a time, so memory holds one chunk per type, never the export.
 * Files are synced before {@link NdjsonWriter.finish} answers: a manifest lists only files on disk.
 * @example const w = createNdjsonWriter(dir, { maxLines: 1000 }); await w.write(patient); const files = await w.finish();
 */
export function createNdjsonWriter(dir: string, limits: NdjsonLimits = {}): NdjsonWriter {
  const maxLines = limits.maxLines ?? 100_000;
  const maxBytes = limits.maxBytes ?? 256 * 1024 * 1024;
  const current = new Map<string, OpenFile>();
  const done: NdjsonFile[] = [];
  const counters = new Map<string, number>();

  const flush = async (f: OpenFile) => {
    if (f.buffer.length === 0) return;
    const text = f.buffer.join('');
    f.buffer = [];
    f.buffered = 0;
    await f.handle.write(text);
  };
  const close = async (f: OpenFile) => {
    await flush(f);
    await f.handle.sync();
    await f.handle.close();
    done.push(f.file);
  };
  const start = async (type: string): Promise<OpenFile> => {
    const n = (counters.get(type) ?? 0) + 1;
    counters.set(type, n);
    const name = `${type}-${n}.ndjson`;
    const handle = await open(join(dir, name), 'wx');
    const f: OpenFile = { file: { type, name, count: 0, bytes: 0 }, handle, buffer: [], buffered: 0 };
    current.set(type, f);
    return f;
  };

  return {
    async write(resource) {
      const line = `${JSON.stringify(resource)}\n`;
      const size = Buffer.byteLength(line);
      const type = resource.resourceType;
      let f = current.get(type);
      if (f && f.file.count > 0 && (f.file.count >= maxLines || f.file.bytes + size > maxBytes)) {
        current.delete(type);
        await close(f);
        f = undefined;
      }
      f ??= await start(type);
      f.buffer.push(line);
      f.buffered += size;
      f.file.count++;
      f.file.bytes += size;
      if (f.buffered >= CHUNK_BYTES) await flush(f);
    },
    async finish() {
      for (const f of current.values()) await close(f);
      current.clear();
      const order = [...counters.keys()];
      return [...done].sort(
        (a, b) =>
          order.indexOf(a.type) - order.indexOf(b.type) ||
          a.name.localeCompare(b.name, 'en', { numeric: true }),
      );
    },
    async abort() {
      for (const f of current.values()) await f.handle.close().catch(() => {});
      current.clear();
    },
  };
}
