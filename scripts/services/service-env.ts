/**
 * How a `*.service.test.ts` finds a real service started by `npm run test:services`
 * (scripts/services/with-services.sh exports LIENTHONG_PG_URL, LIENTHONG_ORTHANC_URL, …).
 *
 * Locally, a missing service skips the suite with a visible reason. With `CI=true` it fails:
 * a test that needs a service must never pass silently without it.
 *
 * @example
 * const orthanc = serviceUrl('LIENTHONG_ORTHANC_URL');
 * describe.skipIf(!orthanc)('Orthanc DICOMweb', () => { … });
 */
export function serviceUrl(
  variable: 'LIENTHONG_PG_URL' | 'LIENTHONG_ORTHANC_URL' | 'LIENTHONG_CHROMIUM',
): string | undefined {
  const value = process.env[variable];
  if (value) return value;
  if (process.env.CI === 'true') {
    throw new Error(
      `${variable} is not set: the service this test needs was not started (run through npm run test:services).`,
    );
  }
  console.warn(
    `[services] ${variable} not set — skipping; run \`npm run test:services\` to start the service.`,
  );
  return undefined;
}
