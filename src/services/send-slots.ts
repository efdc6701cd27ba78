/**
 * Books send times so a platform's limits hold for the whole process: at most `perSecond` sends
 * in any second overall, and one send per `perKeyIntervalMs` per chat/channel. Booking is
 * synchronous (one JavaScript turn), so concurrent senders never take the same slot, and a chat
 * that must wait does not hold up other chats.
 */
import type { RateClock } from './rate-clock.js';

export interface SlotOptions {
  perKeyIntervalMs: number;
  perSecond: number;
  /**
   * The overall limit shared with other processes (a database clock under `key`). Without it the
   * overall limit holds for this process only. Per-chat spacing stays in the process: a chat's
   * replies are sent by whichever process handles that chat.
   */
  shared?: { clock: RateClock; key: string };
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export class SendSlots {
  private readonly nextPerKey = new Map<string, number>();
  /** Booked send times within the last second and ahead, ascending. */
  private readonly slots: number[] = [];
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly o: SlotOptions) {
    this.now = o.now ?? Date.now;
    this.sleep = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /**
   * Shared slots are spaced a little wider than 1/perSecond: arrival jitter of a few milliseconds
   * must not put one message too many into a platform's one-second window.
   */
  static readonly SHARED_MARGIN = 1.03;
  /** The same for one chat: "one per second" must not become two within a second on arrival. */
  static readonly KEY_MARGIN_MS = 20;

  /** Waits until a slot for `key` is free and books it. */
  async take(key: string): Promise<void> {
    if (this.o.shared) return this.takeShared(key, this.o.shared);
    const now = this.now();
    while (this.slots.length && this.slots[0]! <= now - 1000) this.slots.shift();
    let at = Math.max(now, this.nextPerKey.get(key) ?? 0);
    for (;;) {
      const inWindow = this.slots.filter((s) => s > at - 1000 && s <= at);
      if (inWindow.length < this.o.perSecond) break;
      at = inWindow[inWindow.length - this.o.perSecond]! + 1000;
    }
    const pos = this.slots.findIndex((s) => s > at);
    this.slots.splice(pos === -1 ? this.slots.length : pos, 0, at);
    this.nextPerKey.set(key, at + this.o.perKeyIntervalMs);
    if (this.nextPerKey.size > 50_000) for (const [k, v] of this.nextPerKey) if (v < now) this.nextPerKey.delete(k);
    if (at > now) await this.sleep(at - now);
  }

  /**
   * Shared mode: sends to one chat queue behind each other, and the chat's next turn counts from
   * when the previous message actually left (after its wait for the shared clock), so "one per
   * interval" holds on arrival however long the shared clock made it wait.
   */
  private readonly chain = new Map<string, Promise<number>>();

  private async takeShared(key: string, shared: NonNullable<SlotOptions['shared']>): Promise<void> {
    const gap = this.o.perKeyIntervalMs ? this.o.perKeyIntervalMs + SendSlots.KEY_MARGIN_MS : 0;
    const prev = this.chain.get(key);
    let release!: (sentAt: number) => void;
    const mine = new Promise<number>((r) => (release = r));
    this.chain.set(key, mine);
    try {
      const prevSentAt = prev ? await prev : -Infinity;
      const earliest = Math.max(prevSentAt + gap, this.nextPerKey.get(key) ?? 0);
      if (earliest > this.now()) await this.sleep(earliest - this.now());
      const wait = await shared.clock.book(shared.key, (1000 / this.o.perSecond) * SendSlots.SHARED_MARGIN);
      if (wait > 0) await this.sleep(wait);
    } finally {
      release(this.now());
      setTimeout(() => this.chain.get(key) === mine && this.chain.delete(key), gap + 10).unref?.();
    }
  }

  /** The platform asked us to wait (429 retry_after / Retry-After) before sending to `key` again. */
  pause(key: string, ms: number): void {
    this.nextPerKey.set(key, Math.max(this.nextPerKey.get(key) ?? 0, this.now() + ms));
  }

  /** The platform throttled us as a whole: every process waits. */
  async pauseAll(ms: number): Promise<void> {
    if (this.o.shared) await this.o.shared.clock.pause(this.o.shared.key, ms);
  }
}
