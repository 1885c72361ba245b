import { createLogger } from '../src/logger.js';
import { type RunningHub, type StartHubOptions, startHub } from '../src/server.js';
import type { TestDatabase } from './databases.js';

/**
 * A hub for a test on its throw-away `database`: on loopback at a free port, logging nothing
 * unless `options` give it a logger of their own.
 */
export function startTestHub(
  database: TestDatabase,
  options: Omit<StartHubOptions, 'database' | 'port'>,
): Promise<RunningHub> {
  return startHub({
    database: database.config,
    port: 0,
    logger: createLogger({ level: 'silent' }),
    ...options,
  });
}

/** The error `promise` rejects with; fails the test when it resolves. */
export async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}
