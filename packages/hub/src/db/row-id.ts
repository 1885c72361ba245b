import { v7 } from 'uuid';

/**
 * A new key for a stored row (a version of a record, an audit entry): a UUID whose leading bits
 * are the time it was made (RFC 9562 version 7). Rows written together then sit together in every
 * index keyed by it: an insert appends to the index's last page instead of dirtying a random one —
 * at a million reports, a random UUID cost each publish one more page written to the WAL and read
 * back by the checkpoint. It reveals when the row was written, which the record's `storedAt` says anyway.
 *
 * @example
 * const rowId = newRowId(); // '0193a5c4-8f2e-7b41-9c3d-…'
 */
export const newRowId = (): string => v7();
