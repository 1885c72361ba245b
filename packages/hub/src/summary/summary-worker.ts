/**
 * The entry of a summary worker thread (`summary-pool.ts`): loads ICD-10 once, then answers each
 * `{ id, input, into? }` with `{ id, bytes, length, withheld }` — the bytes' memory moved to the event loop's
 * thread, not copied — or `{ id, error }` carrying only a code and messages, never the patient
 * data it was given.
 */
import { parentPort } from 'node:worker_threads';
import { loadIcd10 } from '@lienthong/catalogue/icd10';
import { isLienThongError } from '@lienthong/core';
import { type SummaryInput, summaryBytes } from './summary-task.js';

/** What the pool sends. */
export interface SummaryRequest {
  id: number;
  input: SummaryInput;
  /** Memory of an answer already sent, moved here to write this one into when it is large enough. */
  into?: ArrayBuffer;
}

/** What a worker answers: the summary's bytes, or why it could not make one. */
export type SummaryReply =
  | { id: number; bytes: ArrayBuffer; length: number; withheld: number }
  | { id: number; error: { code: string; message: string; messageVi: string } };

const icd10 = loadIcd10();

parentPort?.on('message', async ({ id, input, into }: SummaryRequest) => {
  try {
    const { bytes, withheld } = summaryBytes(input, await icd10, into);
    // summaryBytes writes from offset 0 of a buffer of its own: moved whole, with the used length.
    const reply = { id, bytes: bytes.buffer, length: bytes.byteLength, withheld } satisfies SummaryReply;
    parentPort?.postMessage(reply, [bytes.buffer]);
  } catch (error) {
    const reply: SummaryReply = {
      id,
      error: isLienThongError(error)
        ? { code: error.code, message: error.message, messageVi: error.messageVi }
        : {
            code: 'HUB_SUMMARY_FAILED',
            message: 'The summary could not be made from the stored visits.',
            messageVi: 'Không lập được bản tóm tắt từ các lượt khám đã lưu.',
          },
    };
    parentPort?.postMessage(reply);
  }
});
