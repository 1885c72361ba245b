import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { serviceUrl } from '../../../../scripts/services/service-env.js';
import { NotFoundError } from '../errors/lienthong-error.js';
import { createTransport } from './create-transport.js';

// The transport against a real server written by others: Orthanc's REST API (started by
// scripts/services/orthanc.sh). Proves the schema parsing and error mapping on a real peer.
const orthanc = serviceUrl('LIENTHONG_ORTHANC_URL');

describe.skipIf(!orthanc)('transport ↔ Orthanc (real server)', () => {
  const t = createTransport({ baseUrl: orthanc ?? 'http://127.0.0.1:1' });

  it('reads and validates /system', async () => {
    const system = await t.get('system', {
      schema: z.object({ Version: z.string(), ApiVersion: z.number(), Name: z.string() }),
    });
    expect(system.Name).toBe('lienthong-test');
    expect(system.Version).toMatch(/^\d+\.\d+/);
  });

  it('maps a missing resource to NotFoundError without leaking the body', async () => {
    await expect(t.get('studies/00000000-00000000-00000000-00000000-00000000')).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('answers DICOMweb QIDO-RS with a JSON array', async () => {
    const studies = await t.get('dicom-web/studies', {
      headers: { accept: 'application/dicom+json' },
      schema: z.array(z.record(z.string(), z.unknown())),
    });
    expect(Array.isArray(studies)).toBe(true);
  });
});
