import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';

/**
 * The address a request came from, as far as the hub can trust it. With `trustedProxyHops` 0 (the
 * default) it is the TCP peer — a proxy in front of the hub then counts as one client. Behind `n`
 * proxies that each append the address they received from to `X-Forwarded-For`, it is the `n`-th
 * entry from the right: entries further left were written by the client and prove nothing. When
 * the header has fewer entries than trusted hops, the peer address stands.
 * `'unknown'` when the request did not come through Node's HTTP server (e.g. `app.request()`).
 */
export function clientAddress(c: Context, trustedProxyHops: number): string {
  const peer = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket?.remoteAddress;
  if (trustedProxyHops > 0) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',');
    // At most 64 characters (an IPv6 address takes 45): a key of the hub's limiters, not a text to keep.
    const hop = forwarded?.[forwarded.length - trustedProxyHops]?.trim().slice(0, 64);
    if (hop) return hop;
  }
  return peer ?? 'unknown';
}
