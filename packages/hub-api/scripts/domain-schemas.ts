import type * as z from 'zod';

/** The domain models the contract uses, with the package they come from. */
export const domainSchemas: Record<string, { schema: z.ZodType; io: 'input' | 'output'; source: string }> =
  {};
