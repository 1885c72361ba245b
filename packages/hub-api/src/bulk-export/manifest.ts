import { TransportError } from '@lienthong/core';
import * as z from 'zod';

const FileSchema = z.object({
  type: z.string().min(1),
  url: z.string().url(),
  count: z.number().int().nonnegative().optional(),
});

/** The completion manifest of a FHIR Bulk Data (v2) export, as the hub answers it. */
export const BulkManifestSchema = z.object({
  transactionTime: z.string(),
  request: z.string(),
  requiresAccessToken: z.boolean(),
  output: z.array(FileSchema),
  error: z.array(FileSchema),
  deleted: z.array(FileSchema).optional(),
  extension: z.record(z.string(), z.unknown()).optional(),
});
/** {@link BulkManifestSchema}. */
export type BulkManifest = z.infer<typeof BulkManifestSchema>;
/** One file of a manifest (`output[]` or `error[]`). */
export type BulkFile = BulkManifest['output'][number];

/** A status answer that breaks the protocol (no `Content-Location`, a manifest that is not one). */
export function protocolError(url: string, message: string, messageVi: string): TransportError {
  return new TransportError({
    code: 'BULK_PROTOCOL_ERROR',
    message: `Bulk export: ${message}`,
    messageVi: `Xuất hàng loạt: ${messageVi}`,
    method: 'GET',
    url,
    retryable: false,
  });
}

/** The manifest of a 200 status answer, checked. */
export function readManifest(url: string, body: unknown): BulkManifest {
  const parsed = BulkManifestSchema.safeParse(body);
  if (!parsed.success)
    throw protocolError(url, 'the completion manifest is malformed.', 'bản kê hoàn tất không đúng dạng.');
  return parsed.data;
}
