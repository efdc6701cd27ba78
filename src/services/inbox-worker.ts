/**
 * Drains one platform's inbox: claims rows (leased, so replicas share the work safely) as room
 * frees up, serves up to `concurrency` chats at once and one chat's updates strictly in order, and
 * retries on a timer so back-offs and rows left by a crashed process are picked up. A slow chat
 * does not hold up the others: new rows are claimed while earlier ones are still being handled.
 * Held rows (queued or being handled) have their leases renewed every LEASE_SECONDS / 3, so a
 * live worker keeps them and a dead one's are taken over within LEASE_SECONDS plus a poll.
 * The platform supplies `handle`.
 *
 * A channel that records an update can make the insert this worker's claim (InboxStore.acceptHeld):
 * it asks `reserve()` for room first and hands the held row to `adopt()`, so the row needs no claim
 * statement and waits for no claim. A claim runs only when rows may wait unheld in the database
 * (start, the timer, a kick: an update recorded without a hold, a back-off, another replica's).
 */
import type { Logger } from '../util/log.js';
import { LEASE_SECONDS, type InboxRow, type InboxStore } from './inbox-store.js';

/** How long a busy worker gathers kicks before its next claim. */
const CLAIM_WINDOW_MS = 20;
/**
 * How long stop() waits for the rows being handled. Each send has its own timeout, so a handle
 * outliving this is stuck; everything it did is in the database, and its rows' leases lapse (they
 * stop being renewed) so the next start or another replica takes them over. A shutdown must not
 * hang on one stuck row.
 */
export const STOP_WAIT_MS = 20_000;

export class InboxWorker {
  private working?: Promise<void>;
  /** Rows may wait unheld in the database: the next pass claims. */
  private claimWanted = false;
  /**
   * This process recorded rows unheld because it was full (reserve refused): until a claim that
   * started after the last of them was written finds nothing more, new rows go unheld too (they
   * are newer than those, and one chat's rows go in order). `unheldWriting`: refused, not yet written.
   */
  private overflow = false;
  private unheldWriting = 0;
  /** Bumped when an unheld row is written; a claim that started at this value covers it. */
  private unheldSeq = 0;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private heartbeat?: NodeJS.Timeout;
  /** Update ids of the rows claimed and not finished (queued or running). */
  private readonly mine = new Set<string>();
  /** Rows claimed and not finished, per chat, in arrival order (a running chat's array grows in place). */
  private readonly queues = new Map<string, InboxRow[]>();
  private readonly running = new Set<string>();
  private held = 0;
  private wake?: () => void;
  /** A signal that came while drain was not waiting (during a claim): its next wait returns at once. */
  private woken = false;

  constructor(
    private readonly inbox: InboxStore,
    private readonly platform: string,
    private readonly handle: (row: InboxRow) => Promise<void>,
    private readonly log: Logger,
    private readonly concurrency = 16,
  ) {}

  /** Claimed rows wait in memory under their lease; keep that backlog short. */
  private get maxHeld(): number {
    return this.concurrency * 4;
  }

  start(intervalMs = 1000): void {
    this.timer = setInterval(() => this.kick(), intervalMs);
    this.timer.unref();
    this.heartbeat = setInterval(() => void this.renew(), (LEASE_SECONDS * 1000) / 3);
    this.heartbeat.unref();
    this.kick();
  }

  /** A failed renewal is retried at the next beat; two in a row and the rows may be taken over (then answered once: the pipeline dedupes). */
  private async renew(): Promise<void> {
    if (!this.mine.size) return;
    await this.inbox.renew(this.platform, [...this.mine]).catch((err) => this.log.warn('inbox lease renewal failed', { platform: this.platform, err }));
  }

  async stop(waitMs = STOP_WAIT_MS): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearInterval(this.heartbeat);
    this.signal();
    if (!this.working) return;
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      this.working.then(() => 'drained' as const),
      new Promise<'stuck'>((resolve) => (timer = setTimeout(() => resolve('stuck'), waitMs))),
    ]);
    clearTimeout(timer);
    // Update ids only: they name no person.
    if (outcome === 'stuck') this.log.warn('inbox worker stopped with rows still being handled; their leases lapse', { platform: this.platform, updateIds: [...this.mine].slice(0, 20), waitedMs: waitMs });
  }

  /** Starts a pass, or tells the running one to claim again. */
  kick(): void {
    if (this.stopped) return;
    this.claimWanted = true;
    if (this.working) this.signal();
    else this.pass();
  }

  /**
   * Room for one row recorded held (InboxStore.acceptHeld), counted as held from now: true, then
   * `adopt` the row or `release` the room. False when stopping, full, or while rows this process
   * recorded unheld may still wait (they are older, and one chat's rows go in order): then record
   * it unheld and call `unheld()` once it is written (or not).
   */
  reserve(): boolean {
    if (this.stopped) return false;
    if (this.overflow || this.held >= this.maxHeld) {
      this.overflow = true;
      this.unheldWriting++;
      return false;
    }
    this.held++;
    return true;
  }

  /** After a refused reserve: the row is written unheld (or was a duplicate, or failed); a claim follows. */
  unheld(): void {
    this.unheldWriting--;
    this.unheldSeq++;
    this.kick();
  }

  /** Gives back a reservation that brought no row (a duplicate, a rejected update, a failed insert). */
  release(): void {
    this.held--;
    this.signal();
  }

  /** A row this worker holds by its insert (after `reserve`): queued behind its chat's rows, renewed like a claimed one. */
  adopt(row: InboxRow): void {
    this.mine.add(row.updateId);
    const key = row.chatId ?? row.updateId;
    const q = this.queues.get(key);
    if (q) q.push(row);
    else this.queues.set(key, [row]);
    if (this.stopped) return; // its lease lapses; the next start or another replica takes it
    if (this.working) this.startChats();
    else this.pass();
  }

  private pass(): void {
    this.working = this.drain().finally(() => {
      this.working = undefined;
      // Work that came while this pass was ending: a kick, or a row adopted after its last look.
      if (!this.stopped && (this.claimWanted || this.queues.size)) this.pass();
    });
  }

  private signal(): void {
    const w = this.wake;
    this.wake = undefined;
    if (w) w();
    else this.woken = true;
  }

  /**
   * Resolves at the next signal, or at once when one came since the last wait: a kick or a stop
   * that lands during a claim is not lost (a lost stop left drain waiting for ever, so stop() hung).
   */
  private nextSignal(): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => (this.wake = resolve));
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (this.stopped) break;
      const room = this.maxHeld - this.held;
      let rows: InboxRow[] = [];
      if (room > 0 && this.claimWanted) {
        this.claimWanted = false;
        this.woken = false; // the claim below sees everything signalled so far
        const limit = Math.min(100, room);
        const covers = this.unheldWriting === 0 ? this.unheldSeq : -1;
        let failed = false;
        rows = await this.inbox.claim(this.platform, limit).catch((err) => {
          this.log.error('inbox unavailable', { platform: this.platform, err });
          failed = true;
          return [] as InboxRow[];
        });
        if (rows.length === limit) this.claimWanted = true; // there may be more
        // Every row recorded unheld so far is claimed (by this worker or another): hold again.
        else if (!failed && covers === this.unheldSeq) this.overflow = false;
      }
      for (const r of rows) {
        const key = r.chatId ?? r.updateId;
        const q = this.queues.get(key);
        if (q) q.push(r);
        else this.queues.set(key, [r]);
        this.held++;
        this.mine.add(r.updateId);
      }
      this.startChats();
      if (this.claimWanted && this.maxHeld - this.held > 0) continue;
      if (this.running.size === 0) return;
      // Wait for a chat to finish a row or for a kick, then claim again if one is wanted.
      await this.nextSignal();
      // Every slot busy and rows queued: claiming sooner starts nothing sooner, so the kicks (one per
      // webhook) and finished rows of CLAIM_WINDOW_MS share one claim statement instead of one each
      // (PGlite runs statements one at a time).
      if (this.claimWanted && this.held > this.concurrency && !this.stopped) await new Promise((r) => setTimeout(r, CLAIM_WINDOW_MS));
    }
    while (this.running.size) await this.nextSignal();
  }

  private startChats(): void {
    for (const [key, queue] of this.queues) {
      if (this.running.size >= this.concurrency) return;
      if (this.running.has(key)) continue;
      this.running.add(key);
      void this.runChat(key, queue);
    }
  }

  /** One chat's rows, one after the other (including rows claimed while it runs). */
  private async runChat(key: string, queue: InboxRow[]): Promise<void> {
    while (queue.length && !this.stopped) {
      const row = queue.shift()!;
      try {
        await this.handle(row);
      } catch (err) {
        this.log.error('inbox row failed', { platform: this.platform, updateId: row.updateId, err });
      } finally {
        this.held--;
        this.mine.delete(row.updateId);
        this.signal();
      }
    }
    // Rows left when stopping keep their lease and are taken over after it.
    if (queue.length) this.held -= queue.length;
    for (const r of queue) this.mine.delete(r.updateId);
    this.queues.delete(key);
    this.running.delete(key);
    this.startChats();
    this.signal();
  }
}
