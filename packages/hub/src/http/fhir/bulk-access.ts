import { AuthError, NotFoundError } from '@lienthong/core';
import type { ExportJob } from '../../export/jobs-store.js';
import { scopeMissing } from '../auth.js';
import type { Caller } from '../env.js';

/** Whether a caller may run exports at all: `export`, `export-deidentified`, or `admin`. */
export function exportAccess(caller: Caller): { admin: boolean; deidentifiedOnly: boolean } {
  const admin = caller.scopes.has('admin');
  const full = admin || caller.scopes.has('export');
  if (!full && !caller.scopes.has('export-deidentified')) throw scopeMissing('export');
  return { admin, deidentifiedOnly: !full };
}

/** 404 `BULK_JOB_NOT_FOUND`: no such job — or one of another credential, which is not told apart. */
export const jobNotFound = () =>
  new NotFoundError({
    code: 'BULK_JOB_NOT_FOUND',
    message: 'No such export job (it may have been cancelled or have expired).',
    messageVi: 'Không có lệnh xuất này (có thể đã bị hủy hoặc đã hết hạn).',
  });

/** A job the caller may see: its own credential's, or any for an administrator. */
export function ownJob(caller: Caller, job: ExportJob | undefined): ExportJob {
  if (!job || (!caller.scopes.has('admin') && job.credentialId !== caller.credentialId)) throw jobNotFound();
  return job;
}

/** 403 `BULK_EXPORT_OTHER_FACILITY`: a facility exports its own group only. */
export const otherFacility = () =>
  new AuthError({
    code: 'BULK_EXPORT_OTHER_FACILITY',
    message:
      "A facility exports its own group only (Group/<its own code>); other facilities' data needs an administrator.",
    messageVi:
      'Mỗi cơ sở chỉ xuất nhóm của chính mình (Group/<mã của chính cơ sở>); dữ liệu của cơ sở khác cần quyền quản trị.',
    path: 'id',
    status: 403,
  });

/** 403 `BULK_DEIDENTIFIED_ONLY`: an `export-deidentified` credential asked for identified data. */
export const deidentifiedOnly = () =>
  new AuthError({
    code: 'BULK_DEIDENTIFIED_ONLY',
    message: 'This credential exports de-identified data only (_deidentify=false is refused).',
    messageVi:
      'Thông tin xác thực này chỉ được xuất dữ liệu đã khử định danh (không chấp nhận _deidentify=false).',
    path: 'query._deidentify',
    status: 403,
  });
