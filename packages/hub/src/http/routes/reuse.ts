import { parseWith } from '@lienthong/core';
import { adviseReuse, type LabReport } from '@lienthong/result-exchange';
import * as z from 'zod';
import { queryReports } from '../../records/lab-reports.js';
import { auditRead } from '../audited-read.js';
import { needs } from '../auth.js';
import { readJsonBody } from '../body.js';
import type { RouteDeps } from '../deps.js';
import { hubFactory } from '../factory.js';

const IntendedOrder = z.object({
  code: z.object({ system: z.string().min(1), code: z.string().min(1) }),
  patient: z.array(z.object({ system: z.string().min(1), value: z.string().min(1) })).min(1),
  at: z.iso.datetime({ offset: true }),
  requesterLabLevel: z.number().int().min(1).max(5).optional(),
  specimenType: z.string().min(1).optional(),
});

/** Longest look-back any default window needs (60 days) with margin; older results never qualify. */
const LOOK_BACK_DAYS = 120;

/**
 * `/v1/reuse-check`: an intended order and the patient → the shared results that can be reused, with
 * reasons, and why every other candidate cannot (the draft-circular policy by default).
 */
export function reuseRoutes({ db, audit }: RouteDeps) {
  const reuse = hubFactory.createApp();

  reuse.post('/', needs('read'), async (c) => {
    const order = parseWith(IntendedOrder, await readJsonBody(c), {
      code: 'HUB_REQUEST_INVALID',
      pathPrefix: 'body',
    });
    const since = new Date(Date.parse(order.at) - LOOK_BACK_DAYS * 86_400_000).toISOString();
    const reports: LabReport[] = [];
    for (const patient of order.patient) {
      let cursor: string | undefined;
      do {
        const page = await queryReports(
          db,
          { patient, codes: [order.code], since, until: order.at },
          { limit: 200, ...(cursor ? { cursor } : {}) },
        );
        reports.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
    }
    await auditRead(audit, c, {
      action: 'reuse-check',
      resourceType: 'LabReport',
      patient: order.patient[0],
    });
    const unique = [...new Map(reports.map((r) => [r.id, r])).values()];
    return c.json(adviseReuse(order, unique));
  });

  return reuse;
}
