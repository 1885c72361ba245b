import { clientCredentialsAuth, createTransport, isNotFoundError, isTransportError } from '@lienthong/core';
import * as z from 'zod';

// One transport per remote system; retries, auth and error mapping are built in.
const hub = createTransport({
  baseUrl: 'https://hub.example.vn/api/v1',
  auth: clientCredentialsAuth({
    tokenUrl: 'https://hub.example.vn/oauth/token',
    clientId: 'benh-vien-a',
    clientSecret: process.env.HUB_SECRET ?? '',
    scope: 'results.read results.write',
  }),
  timeoutMs: 15_000,
  retry: { limit: 3 },
  onEvent: (event) => console.debug(event.type, event.url), // URLs arrive already redacted
});

const RegisteredFacilitySchema = z.object({ code: z.string(), name: z.string() });

export async function facilityName(code: string): Promise<string | undefined> {
  try {
    const facility = await hub.get(`facilities/${code}`, { schema: RegisteredFacilitySchema });
    return facility.name;
  } catch (error) {
    if (isNotFoundError(error)) return undefined;
    if (isTransportError(error) && error.retryable) console.warn('hub unavailable, try later:', error.code);
    throw error;
  }
}
