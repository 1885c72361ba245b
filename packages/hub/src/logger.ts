import { redactText } from '@lienthong/core';
import pino, { type Logger } from 'pino';

/**
 * Structured JSON logs (pino). Every string that could carry a personal identifier (URLs, error
 * messages) passes through `redactText` first; credentials are never logged.
 */
export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env.LIENTHONG_LOG_LEVEL ?? 'info',
      base: { service: 'lienthong-hub' },
      redact: {
        paths: ['req.headers.authorization', 'req.headers["x-api-key"]', '*.apiKey'],
        censor: '[redacted]',
      },
      formatters: { level: (label) => ({ level: label }) },
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((a) => (typeof a === 'string' ? redactText(a) : a)) as Parameters<typeof method>,
          );
        },
      },
    },
    options.destination,
  );
}

export type { Logger };
