/**
 * The shared base of the loopback platform fakes (Telegram, Slack, Feishu, DingTalk, WeCom).
 *
 * Every fake is a real HTTP server on 127.0.0.1 (random port) that the platform's real client
 * reaches through its documented base-URL option. What they all need, and what lives here once:
 *  - `listenLoopback`: the server, its URL, and a close that drops every connection (WebSocket
 *    upgrades too, when the fake accepts them);
 *  - `readBody`: the raw request bytes (signatures are computed over bytes, never over a re-encoding);
 *  - `CallLog`: every call in arrival order, `callsTo(name)`, and `waitFor(name, count)` that names
 *    what did arrive when it times out;
 *  - `FaultRules`: `failNext(name, failure, { times, key })` — the next matching calls answer with the
 *    platform's error instead of running;
 *  - `SlidingWindowLimiter`: the platforms' flood control over a sliding window, overall and per key
 *    (chat, channel, member), with the busiest window seen (`max`) for tests that check our pacing.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

// ---------------------------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------------------------

export interface LoopbackServer {
  server: Server;
  port: number;
  /** http://127.0.0.1:PORT, no trailing slash. */
  url: string;
  /** Stops listening and destroys every open connection (held requests and sockets included). */
  close(): Promise<void>;
}

export interface ListenOptions {
  /** Called for `Upgrade:` requests (WebSocket); without it upgrades are refused. */
  upgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
}

export async function listenLoopback(
  handle: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>,
  opts: ListenOptions = {},
): Promise<LoopbackServer> {
  const sockets = new Set<Duplex>();
  const server = createServer((req, res) => {
    Promise.resolve(handle(req, res)).catch((err: unknown) => {
      console.error('fake platform: handler crashed', err);
      if (!res.headersSent) sendJson(res, 500, { error: 'fake handler crashed' });
      else res.destroy();
    });
  });
  server.on('upgrade', (req, socket, head) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    if (opts.upgrade) opts.upgrade(req, socket, head);
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    server,
    port,
    url: `http://127.0.0.1:${port}`,
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const s of sockets) s.destroy();
      });
      return closed;
    },
  };
}

/** The whole request body as bytes. */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

// ---------------------------------------------------------------------------------------------
// Calls and waiting for them
// ---------------------------------------------------------------------------------------------

/** What every fake records of a call; each fake extends it with its own fields. */
export interface BaseCall {
  /** The platform's name for the call (Bot API method, Web API method, URL path …). */
  method: string;
  /** Date.now() when the request arrived. */
  at: number;
}

interface Waiter<C> {
  method: string;
  count: number;
  resolve: (calls: C[]) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class CallLog<C extends BaseCall> {
  readonly calls: C[] = [];
  private readonly waiters = new Set<Waiter<C>>();
  private closed = false;

  constructor(private readonly name: string) {}

  callsTo(method: string): C[] {
    return this.calls.filter((c) => c.method === method);
  }

  record(call: C): C {
    this.calls.push(call);
    return call;
  }

  /** Wakes the waiters whose count is reached; call after a call was recorded and answered. */
  notify(): void {
    for (const w of [...this.waiters]) {
      const got = this.callsTo(w.method);
      if (got.length >= w.count) {
        this.waiters.delete(w);
        clearTimeout(w.timer);
        w.resolve(got);
      }
    }
  }

  describe(): string {
    const counts = new Map<string, number>();
    for (const c of this.calls) counts.set(c.method, (counts.get(c.method) ?? 0) + 1);
    return [...counts].map(([m, n]) => `${m}×${n}`).join(', ') || 'nothing';
  }

  /** Resolves with callsTo(method) once `count` calls have arrived; rejects naming what did arrive. */
  waitFor(method: string, count = 1, timeoutMs = 10_000): Promise<C[]> {
    const have = this.callsTo(method);
    if (have.length >= count) return Promise.resolve(have);
    if (this.closed) return Promise.reject(new Error(`${this.name}: closed; ${method} was called ${have.length} time(s)`));
    return new Promise<C[]>((resolve, reject) => {
      const waiter: Waiter<C> = {
        method,
        count,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new Error(`${this.name}: waited ${timeoutMs} ms for ${count} call(s) of ${method}, got ${this.callsTo(method).length}. Received: ${this.describe()}`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  /** Rejects pending waiters; later waitFor()s reject at once. */
  close(): void {
    this.closed = true;
    for (const w of [...this.waiters]) {
      this.waiters.delete(w);
      clearTimeout(w.timer);
      w.reject(new Error(`${this.name}: closed while waiting for ${w.count} call(s) of ${w.method}. Received: ${this.describe()}`));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Injected faults
// ---------------------------------------------------------------------------------------------

interface Rule<F> {
  method: string;
  failure: F;
  remaining: number;
  key?: string;
}

/** `failNext` rules: the next `times` calls of `method` (to `key`, when given) answer `failure`. */
export class FaultRules<F> {
  private readonly rules: Rule<F>[] = [];

  constructor(private readonly sameMethod: (a: string, b: string) => boolean = (a, b) => a === b) {}

  add(method: string, failure: F, opts: { times?: number; key?: string | number } = {}): void {
    this.rules.push({ method, failure, remaining: opts.times ?? 1, ...(opts.key === undefined ? {} : { key: String(opts.key) }) });
  }

  /** The failure for this call, consuming one use of the first matching rule; undefined when none. */
  take(method: string, key?: string | number): F | undefined {
    const k = key === undefined ? undefined : String(key);
    const i = this.rules.findIndex((r) => this.sameMethod(r.method, method) && r.remaining > 0 && (r.key === undefined || r.key === k));
    const rule = this.rules[i];
    if (!rule) return undefined;
    rule.remaining--;
    if (rule.remaining <= 0) this.rules.splice(i, 1);
    return rule.failure;
  }
}

// ---------------------------------------------------------------------------------------------
// Flood control
// ---------------------------------------------------------------------------------------------

/** A FIFO of timestamps with amortised O(1) push and drop-from-the-front. */
export class TimeQueue {
  private items: number[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(t: number): void {
    this.items.push(t);
  }

  /** Drops the timestamps ≤ cutoff (they have left the window). */
  dropUpTo(cutoff: number): void {
    while (this.head < this.items.length && (this.items[this.head] as number) <= cutoff) this.head++;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}

/**
 * Sliding-window limiter over accepted timestamps: a call at t sees the accepted calls in
 * (t - windowMs, t]. O(1) amortised per call. `max` is exact: the busiest window always ends at an
 * accepted call, and right after accepting one the queue holds exactly that window. Limits are per
 * window (per second with the default 1000 ms; DingTalk's group limit is per minute).
 */
export class SlidingWindowLimiter {
  private readonly all = new TimeQueue();
  private readonly byKey = new Map<string, TimeQueue>();
  private last = Number.NEGATIVE_INFINITY;
  max = 0;
  /** The busiest window of any one key. */
  maxPerKey = 0;
  refused = 0;

  constructor(
    private readonly perWindow: number | undefined,
    private readonly perKeyPerWindow: number | undefined,
    private readonly windowMs = 1000,
  ) {
    checkRateLimitOptions({ perWindow, perKeyPerWindow, windowMs });
  }

  /** The (non-decreasing) time the call was accepted at, or undefined when it is refused. */
  tryAccept(key: string | undefined, now: number): number | undefined {
    const t = Math.max(now, this.last);
    this.last = t;
    const cutoff = t - this.windowMs;
    this.all.dropUpTo(cutoff);
    let q: TimeQueue | undefined;
    if (key !== undefined) {
      q = this.byKey.get(key);
      q?.dropUpTo(cutoff);
      if (q && q.size === 0) {
        this.byKey.delete(key); // keeps the map to the keys active in the last window
        q = undefined;
      }
    }
    if (
      (this.perWindow !== undefined && this.all.size >= this.perWindow) ||
      (this.perKeyPerWindow !== undefined && key !== undefined && (q?.size ?? 0) >= this.perKeyPerWindow)
    ) {
      this.refused++;
      return undefined;
    }
    this.all.push(t);
    this.max = Math.max(this.max, this.all.size);
    if (key !== undefined) {
      if (!q) {
        q = new TimeQueue();
        this.byKey.set(key, q);
      }
      q.push(t);
      this.maxPerKey = Math.max(this.maxPerKey, q.size);
    }
    return t;
  }
}

export function checkRateLimitOptions(opts: Record<string, number | undefined>): void {
  for (const [name, value] of Object.entries(opts)) {
    if (value !== undefined && !(typeof value === 'number' && value >= 0 && !Number.isNaN(value))) {
      throw new RangeError(`rateLimit: ${name} must be a number ≥ 0, got ${String(value)}`);
    }
  }
}

/**
 * Access tokens as the platforms hand them out: `issue()` a fresh one valid for `ttlSeconds` on the
 * fake's clock, `valid()` checks one, `invalidateAll()` makes every token issued so far stale (what a
 * long-running process meets when the platform drops its tokens early). The token endpoints' request
 * and answer shapes differ per platform and stay in each fake.
 */
export class TokenIssuer {
  private readonly tokens = new Map<string, number>(); // token → expires at (ms)
  private seq = 0;

  constructor(
    private readonly prefix: string,
    private readonly now: () => number = Date.now,
  ) {}

  issue(ttlSeconds: number): string {
    const token = `${this.prefix}${++this.seq}-${Math.random().toString(36).slice(2, 10)}`;
    this.tokens.set(token, this.now() + ttlSeconds * 1000);
    return token;
  }

  valid(token: string | undefined): boolean {
    const exp = token === undefined ? undefined : this.tokens.get(token);
    return exp !== undefined && exp > this.now();
  }

  invalidateAll(): void {
    this.tokens.clear();
  }
}
