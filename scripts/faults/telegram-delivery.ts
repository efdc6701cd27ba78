/**
 * Telegram's side of a webhook, played faithfully enough for fault tests, in front of a
 * round-robin load balancer.
 *
 *  - Telegram POSTs each update as JSON with the secret header; anything but a 2xx (or no answer:
 *    a connection error, a timeout) and it delivers the same update, same update_id, again after
 *    a short delay — here 1 s, at most `maxAttempts` times.
 *  - The load balancer sends each request to the next replica in turn. A replica that refuses the
 *    connection (nothing was sent: ECONNREFUSED) is skipped and the next one tried, as nginx's
 *    proxy_next_upstream does; a request that was sent and then lost (the replica died while
 *    handling it, a reset, a timeout) is not replayed by the balancer (a POST is not idempotent):
 *    Telegram gets a 502/504 and retries it itself.
 */
import { WEBHOOK_SECRET } from './harness.js';

export interface Upstream {
  name: string;
  port: number;
}

/** One answer Telegram saw: the status, which replica (or '-'), and how long it took in ms. */
export type Outcome = { status: number; upstream: string; ms: number; error?: string; at?: number };

export class LoadBalancer {
  private next = 0;
  /** Requests the balancer moved on after a refused connection. */
  refused = 0;

  constructor(private readonly upstreams: Upstream[]) {}

  async post(body: string, timeoutMs: number): Promise<Outcome> {
    const start = this.next++;
    const t = performance.now();
    const ms = () => Math.round(performance.now() - t);
    for (let k = 0; k < this.upstreams.length; k++) {
      const u = this.upstreams[(start + k) % this.upstreams.length]!;
      try {
        const resp = await fetch(`http://127.0.0.1:${u.port}/telegram/webhook`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
        await resp.arrayBuffer();
        return { status: resp.status, upstream: u.name, ms: ms() };
      } catch (err) {
        const e = err as Error & { cause?: { code?: string } };
        if (e.cause?.code === 'ECONNREFUSED') {
          this.refused++;
          continue; // nothing reached the replica: try the next one
        }
        const timeout = e.name === 'TimeoutError';
        return { status: timeout ? 504 : 502, upstream: u.name, ms: ms(), error: `${e.name}: ${e.cause?.code ?? e.message}` };
      }
    }
    return { status: 502, upstream: '-', ms: ms(), error: 'every upstream refused the connection' };
  }
}

export interface Delivery {
  updateId: number;
  chatId: number;
  kind: string;
  /** Every answer Telegram saw, in order; the last is the 200 unless it gave up. */
  answers: Outcome[];
  firstAt: number;
  ackAt?: number;
  gaveUp?: boolean;
}

export class TelegramWebhook {
  readonly deliveries: Delivery[] = [];

  constructor(
    private readonly lb: LoadBalancer,
    private readonly o: { retryDelayMs?: number; maxAttempts?: number; timeoutMs?: number } = {},
  ) {}

  /** Delivers one update until a 2xx (or gives up); resolves with its record. */
  async deliver(update: Record<string, unknown>, chatId: number, kind: string): Promise<Delivery> {
    const d: Delivery = { updateId: Number(update.update_id), chatId, kind, answers: [], firstAt: Date.now() };
    this.deliveries.push(d);
    const body = JSON.stringify(update);
    const max = this.o.maxAttempts ?? 120;
    for (let attempt = 1; ; attempt++) {
      const sentAt = Date.now();
      const out = { ...(await this.lb.post(body, this.o.timeoutMs ?? 15_000)), at: sentAt };
      d.answers.push(out);
      if (out.status >= 200 && out.status < 300) {
        d.ackAt = Date.now();
        return d;
      }
      if (attempt >= max) {
        d.gaveUp = true;
        return d;
      }
      await new Promise((r) => setTimeout(r, this.o.retryDelayMs ?? 1000));
    }
  }

  /** The slowest webhook answer (any status) in ms. */
  slowest(): number {
    return Math.max(0, ...this.deliveries.flatMap((d) => d.answers.map((a) => a.ms)));
  }

  /** Non-2xx answers Telegram received, by status (502/504 include connection errors after sending). */
  failures(): Record<string, number> {
    const by: Record<string, number> = {};
    for (const d of this.deliveries) for (const a of d.answers) if (a.status < 200 || a.status >= 300) by[a.status] = (by[a.status] ?? 0) + 1;
    return by;
  }
}

/** Sends `n` updates at `perSecond`, each through `deliver` (not awaited in between); resolves when all are acknowledged or given up. */
export async function drive(n: number, perSecond: number, send: (i: number) => Promise<unknown>, onTick?: (i: number) => void | Promise<void>): Promise<void> {
  const t0 = performance.now();
  const inFlight: Promise<unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const wait = t0 + (i * 1000) / perSecond - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    await onTick?.(i);
    inFlight.push(send(i));
  }
  await Promise.all(inFlight);
}
