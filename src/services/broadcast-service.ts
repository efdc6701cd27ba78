/**
 * Broadcast delivery: one pump per platform takes due rows (any broadcast, any replica's), keeps up
 * to `concurrency` sends in flight through the channel's outlet — whose sender holds the
 * platform's limits through the shared send clock — and records each outcome. A timer refreshes the
 * organiser's progress message in place and sends the summary when nothing is left.
 *
 * Crash safety: a row is leased while in flight; after a crash its lease expires and it is sent
 * again. So at most `concurrency` recipients per platform and process can get a message twice.
 */
import { bt } from '../core/broadcast-strings.js';
import type { Locale, Reply } from '../core/types.js';
import type { Logger } from '../util/log.js';
import type { Metrics } from '../util/metrics.js';
import type { AudienceCounts, Broadcast, BroadcastStore, DueDelivery } from './broadcast-store.js';
import type { Outlet } from './outlet.js';
import { PUSH_PLATFORMS } from '../core/platforms.js';

/** What a recipient sees: their language (else the other), how to stop, the link if any. */
export function renderBroadcast(b: Pick<DueDelivery, 'textZh' | 'textEn' | 'linkUrl'>, locale: string): Reply {
  const lang: Locale = locale === 'en' ? (b.textEn ? 'en' : 'zh') : b.textZh ? 'zh' : 'en';
  const text = (lang === 'en' ? b.textEn : b.textZh) ?? '';
  return {
    text: `${text}\n\n${bt(lang, 'footer')}`,
    buttons: [[{ label: bt(lang, 'btnUnsubscribe'), action: { type: 'unsubscribe' } }]],
    ...(b.linkUrl ? { link: { label: bt(lang, 'linkLabel'), url: b.linkUrl } } : {}),
  };
}

export interface BroadcastServiceOptions {
  store: BroadcastStore;
  log: Logger;
  metrics?: Metrics;
  /** Sends in flight per platform and process (the bound on duplicates after a crash). */
  concurrency?: number;
  maxAttempts?: number;
  progressEveryMs?: number;
  pollMs?: number;
}

export class BroadcastService {
  private readonly outlets: Partial<Record<string, Outlet>> = {};
  private readonly pumping = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;
  private stopping = false;

  constructor(private readonly o: BroadcastServiceOptions) {}

  get store(): BroadcastStore {
    return this.o.store;
  }

  registerOutlet(platform: string, outlet: Outlet): void {
    this.outlets[platform] = outlet;
  }

  start(): void {
    this.stopping = false;
    const loop = () => {
      this.kick();
      this.ticking ??= this.tick()
        .catch((err) => this.o.log.error('broadcast progress failed', { err }))
        .finally(() => (this.ticking = undefined));
      this.timer = setTimeout(loop, this.o.pollMs ?? 1000);
      this.timer.unref();
    };
    loop();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.all([...this.pumping.values(), this.ticking]);
  }

  /** Resolves when no pump is running (tests). */
  async idle(): Promise<void> {
    while (this.pumping.size) await Promise.all(this.pumping.values());
  }

  kick(): void {
    for (const platform of Object.keys(this.outlets)) {
      if (this.pumping.has(platform)) {
        this.again.add(platform);
        continue;
      }
      const p = this.pump(platform)
        .catch((err) => this.o.log.error('broadcast pump failed', { platform, err }))
        .finally(() => {
          this.pumping.delete(platform);
          if (this.again.delete(platform) && !this.stopping) this.kick();
        });
      this.pumping.set(platform, p);
    }
  }

  private async pump(platform: string): Promise<void> {
    const limit = this.o.concurrency ?? 8;
    const inFlight = new Set<Promise<void>>();
    while (!this.stopping) {
      if (inFlight.size < limit) {
        const rows = await this.o.store.claimDue(platform, limit - inFlight.size);
        for (const row of rows) {
          const p: Promise<void> = this.sendOne(platform, row).finally(() => inFlight.delete(p));
          inFlight.add(p);
        }
        if (!rows.length && inFlight.size === 0) return;
        if (rows.length && inFlight.size < limit) continue;
      }
      await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  }

  private async sendOne(platform: string, row: DueDelivery): Promise<void> {
    const { store, metrics } = this.o;
    if (row.unsubscribed) {
      await store.finish(row.id, 'skipped');
      metrics?.broadcastDeliveries.inc({ platform, result: 'skipped' });
      return;
    }
    try {
      const result = await this.outlets[platform]!.post(row.chatId, renderBroadcast(row, row.locale));
      const status = result === 'sent' ? 'sent' : result === 'unreachable' ? 'unreachable' : 'failed';
      await store.finish(row.id, status, result === 'rejected' ? 'rejected by the platform' : undefined);
      metrics?.broadcastDeliveries.inc({ platform, result: status });
    } catch (err) {
      const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      if (row.attempts >= (this.o.maxAttempts ?? 5)) {
        await store.finish(row.id, 'failed', reason);
        metrics?.broadcastDeliveries.inc({ platform, result: 'failed' });
      } else {
        await store.retryLater(row.id, reason, Math.min(60_000, 2000 * 2 ** (row.attempts - 1)));
        metrics?.broadcastDeliveries.inc({ platform, result: 'retry' });
      }
    }
  }

  /** Progress of every running broadcast whose organiser this process can reach; completion and summary. */
  async tick(): Promise<void> {
    for (const b of await this.o.store.active()) {
      const outlet = b.progressPlatform ? this.outlets[b.progressPlatform] : undefined;
      if (b.progressPlatform && !outlet) continue; // another process reports it
      // Nothing about a broadcast reaches the organiser before its confirmation reply has.
      if (!b.progressMessageId && (await this.o.store.confirmationPending(b))) continue;
      const done = await this.o.store.finishIfDone(b.id);
      if (!done && !(await this.o.store.takeProgressTurn(b.id, this.o.progressEveryMs ?? 2000))) continue;
      if (outlet) await this.report(outlet, b, done);
      if (done) this.o.log.info('broadcast finished', { id: b.id, total: b.total });
    }
  }

  private async report(outlet: Outlet, b: Broadcast, final: boolean): Promise<void> {
    const l: Locale = b.progressLocale === 'en' ? 'en' : 'zh';
    const c = await this.o.store.counts(b.id);
    const doneCount = c.sent + c.unreachable + c.failed + c.skipped + c.cancelled;
    const progress: Reply = {
      text: bt(l, 'progress')(b.id, doneCount, b.total, c.sent, c.unreachable, c.failed, c.skipped),
      ...(final ? {} : { buttons: [[{ label: bt(l, 'btnStop'), action: { type: 'broadcast_cancel', id: b.id } }]] }),
    };
    try {
      if (b.progressMessageId) await outlet.edit(b.progressChat!, b.progressMessageId, progress);
      else await this.o.store.setProgressMessage(b.id, await outlet.send(b.progressChat!, progress));
    } catch (err) {
      // "message is not modified" and the like: progress is informational, the counts are in the database.
      this.o.log.warn('broadcast progress not shown', { id: b.id, err });
    }
    if (!final) return;
    const ms = Date.now() - new Date(b.createdAt).getTime();
    await outlet
      .send(b.progressChat!, { text: bt(l, 'summary')(b.id, c.sent, c.unreachable, c.failed, c.skipped, c.cancelled, ms) })
      .catch((err) => this.o.log.error('broadcast summary not delivered', { id: b.id, err }));
  }

  /** Creates a confirmed broadcast and starts sending; undefined when nobody in the audience can be reached. */
  async create(input: Parameters<BroadcastStore['create']>[0]): Promise<Broadcast | undefined> {
    const c = await this.o.store.audienceCounts(input.audience);
    if (!anyoneToPush(c)) return undefined;
    const b = await this.o.store.create(input);
    this.kick();
    return b;
  }

  /** Stops a broadcast; the organiser's progress turns into the summary. */
  async cancel(id: number): Promise<boolean> {
    if (!(await this.o.store.cancel(id))) return false;
    const b = await this.o.store.get(id);
    const outlet = b?.progressPlatform ? this.outlets[b.progressPlatform] : undefined;
    if (b && outlet) await this.report(outlet, b, true);
    return true;
  }
}

/** Someone in the audience is on a platform we push to (unsubscribed ones count: they are recorded as skipped). */
export function anyoneToPush(c: AudienceCounts): boolean {
  return c.unsubscribed + PUSH_PLATFORMS.reduce((sum, p) => sum + c[p], 0) > 0;
}
