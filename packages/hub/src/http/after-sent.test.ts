import { EventEmitter } from 'node:events';
import type { Context } from 'hono';
import { describe, expect, it } from 'vitest';
import { afterSent } from './after-sent.js';
import type { HubEnv } from './env.js';

/** A request context whose Node response is an event emitter standing in for it (logic only). */
const contextWith = (outgoing?: EventEmitter) => ({ env: outgoing ? { outgoing } : {} }) as Context<HubEnv>;

describe('afterSent', () => {
  it('calls back once the whole answer is handed over, not before, and once', () => {
    const outgoing = new EventEmitter();
    let calls = 0;
    afterSent(contextWith(outgoing), () => calls++);
    expect(calls).toBe(0);
    outgoing.emit('finish');
    outgoing.emit('finish');
    expect(calls).toBe(1);
  });

  it('never calls back for an answer cut short, nor without a Node response', () => {
    const outgoing = new EventEmitter();
    let calls = 0;
    afterSent(contextWith(outgoing), () => calls++);
    outgoing.emit('close');
    afterSent(contextWith(), () => calls++);
    expect(calls).toBe(0);
  });
});
