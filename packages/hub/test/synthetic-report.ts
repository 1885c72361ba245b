/**
 * The SYNTHETIC lab report the hub's behaviour tests publish: a made-up patient, a made-up service
 * code under `urn:synthetic:`, one final quantity result. No real person, facility or code.
 */

/** The SYNTHETIC service code of every synthetic report and of its result. */
export const SYNTHETIC_CODE = { system: 'urn:synthetic:service', code: '23.0075.1494' } as const;

/**
 * A SYNTHETIC lab report `id` of the made-up `patient`, as the JSON a facility publishes; `extra`
 * members are added, or replace the defaults (`effectiveAt`, `performingFacility`, `lab`…).
 * @example syntheticReport('SYN-1', { system: 'urn:synthetic:mrn', value: 'P1' }, { effectiveAt: '2026-11-21T08:00:00+07:00' })
 */
export function syntheticReport(
  id: string,
  patient: { system: string; value: string },
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id,
    patient: { identifiers: [patient] },
    codes: [{ ...SYNTHETIC_CODE }],
    status: 'final',
    effectiveAt: '2026-11-20T08:00:00+07:00',
    observations: [
      {
        codes: [{ ...SYNTHETIC_CODE }],
        status: 'final',
        value: { kind: 'quantity', value: 5.1, unit: 'mmol/L' },
      },
    ],
    ...extra,
  };
}
