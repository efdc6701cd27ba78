/**
 * Books send times so a platform's limits hold for the whole process: at most `perSecond` sends
 * in any second overall, and one send per `perKeyIntervalMs` per chat/channel. Booking is
 * synchronous (one JavaScript turn), so concurrent senders never take the same slot, and a chat
 * that must wait does not hold up other chats.
 */
export interface SlotOptions {
  perKeyIntervalMs: number;
  perSecond: number;
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

  /** Waits until a slot for `key` is free and books it. */
  async take(key: string): Promise<void> {
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

  /** The platform asked us to wait (429 retry_after / Retry-After) before sending to `key` again. */
  pause(key: string, ms: number): void {
    this.nextPerKey.set(key, Math.max(this.nextPerKey.get(key) ?? 0, this.now() + ms));
  }
}
