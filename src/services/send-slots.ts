/**
 * Books send times so a platform's limits hold: sends spaced at least 1/perSecond apart overall
 * (a little wider, see SHARED_MARGIN) and one send per `perKeyIntervalMs` per chat/channel. The
 * clock decides how far that holds: the database clock for every process on the database
 * (replicas included), the memory clock for this process. A chat that must wait does not hold up
 * other chats, and one chat's sends leave in the order they asked.
 */
import { MemoryRateClock, type Booking, type BookingStatement, type RateClock } from './rate-clock.js';

/** A slot booked ahead (SendSlots.prebook), for the one send it was booked for: hand it to `take`. */
export interface Prebooked {
  wait: number;
  /** When the booking was read (this process's clock): the wait counts from there. */
  readAt: number;
}

export interface SlotOptions {
  perKeyIntervalMs: number;
  perSecond: number;
  /** Where slots are booked (the clock) and under which overall key (the platform). Default: a memory clock. */
  shared?: { clock: RateClock; key: string };
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export class SendSlots {
  /** The last send asked for per chat in this process: the next one queues behind it. */
  private readonly chain = new Map<string, Promise<void>>();
  private readonly clock: RateClock;
  private readonly scope: string;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly o: SlotOptions) {
    this.now = o.now ?? Date.now;
    this.sleep = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.clock = o.shared?.clock ?? new MemoryRateClock(this.now);
    this.scope = o.shared?.key ?? 'local';
  }

  /**
   * Slots are spaced a little wider than 1/perSecond: arrival jitter of a few milliseconds must
   * not put one message too many into a platform's one-second window.
   */
  static readonly SHARED_MARGIN = 1.03;
  /** The same for one chat: "one per second" must not become two within a second on arrival. */
  static readonly KEY_MARGIN_MS = 20;
  /**
   * The overall limit is also held on actual departures: a send whose slot came late (a held-up
   * event loop wakes several timers at once) waits until fewer than perSecond sends of this process
   * left in the last second plus this margin (arrival jitter), instead of going out in a bunch.
   * Booking a fresh slot instead would spend one slot per miss and, under load, cut the rate to a
   * fraction of the cap (bench:telegram at 20/s: median 6 s) — exactly when the queue is longest.
   */
  static readonly WINDOW_MARGIN_MS = 20;
  /** This process's departures within the last window, ascending. */
  private readonly departures: number[] = [];

  private chatKey(key: string): string {
    return `${this.scope}:${key}`;
  }

  /**
   * With a database clock: the booking of `key`'s next slot as parts of a statement the caller runs
   * anyway on that database (InboxStore.saveReplies), so the send needs no booking statement of its
   * own. `read` gives the slot to hand to `take` for that one send, or undefined when the chat was
   * not free (the send then books as usual). Undefined with a memory clock. The slot is used only
   * if no other send of this process to the chat asked for its turn (take) before this send's
   * take: that one leaves first, and this send then books afresh behind it.
   */
  prebook(key: string): (Omit<BookingStatement, 'read'> & { read(row: Record<string, unknown>): Prebooked | undefined }) | undefined {
    if (!this.clock.statement) return undefined;
    const st = this.clock.statement(this.scope, this.interval(), this.chatKey(key), this.gap());
    return {
      ctes: st.ctes,
      columns: st.columns,
      read: (row) => {
        const b = st.read(row);
        return 'wait' in b ? { wait: b.wait, readAt: this.now() } : undefined;
      },
    };
  }

  private gap(): number {
    return this.o.perKeyIntervalMs ? this.o.perKeyIntervalMs + SendSlots.KEY_MARGIN_MS : 0;
  }

  private interval(): number {
    return (1000 / this.o.perSecond) * SendSlots.SHARED_MARGIN;
  }

  /** Waits until a slot for `key` is free and books it (`booked`: the slot prebook gave for this send). */
  async take(key: string, booked?: Prebooked): Promise<void> {
    const prev = this.chain.get(key);
    let done!: () => void;
    const mine = new Promise<void>((r) => (done = r));
    this.chain.set(key, mine);
    try {
      await prev;
      const gap = this.gap();
      const interval = this.interval();
      let slot: number;
      // A send of this process to the chat that queued ahead of this one booked after the prebook
      // (the chat was free then) and left first: the prebooked slot has passed under it, and using
      // it would put two messages into the chat within milliseconds. Book afresh behind that send.
      const fresh = booked && !prev;
      let pre: Booking | undefined = fresh ? { wait: booked.wait - (this.now() - booked.readAt) } : undefined;
      for (;;) {
        const b = pre ?? (await this.clock.book(this.scope, interval, this.chatKey(key), gap));
        pre = undefined;
        if ('busy' in b) {
          await this.sleep(b.busy);
          continue;
        }
        slot = this.now() + b.wait;
        if (b.wait > 0) await this.sleep(b.wait);
        break;
      }
      const window = 1000 + SendSlots.WINDOW_MARGIN_MS;
      for (;;) {
        const now = this.now();
        while (this.departures.length && this.departures[0]! <= now - window) this.departures.shift();
        if (this.departures.length < this.o.perSecond) {
          this.departures.push(now);
          // Leaving later than booked: the chat's next turn counts from now, not from the slot.
          if (gap && now - slot > SendSlots.WINDOW_MARGIN_MS) await this.clock.pause(this.chatKey(key), gap);
          return;
        }
        await this.sleep(this.departures[0]! + window - now + 1);
      }
    } finally {
      done();
      if (this.chain.get(key) === mine) this.chain.delete(key);
    }
  }

  /** The platform asked us to wait (429 retry_after / Retry-After) before sending to `key` again. */
  async pause(key: string, ms: number): Promise<void> {
    await this.clock.pause(this.chatKey(key), ms);
  }

  /** The platform throttled us as a whole: every process on the clock waits. */
  async pauseAll(ms: number): Promise<void> {
    await this.clock.pause(this.scope, ms);
  }
}
