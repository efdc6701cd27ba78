/**
 * Durable jobs on pg-boss (in the same Postgres, PGlite included). Expo reminders: one job per
 * edition, due at 09:00 China time the day before it starts, keyed by a deterministic id so every
 * start and every replica schedules it once. The job reminds each confirmed registrant through
 * their own channel. Which editions are queued is decided by the injected clock; when a queued job
 * runs is decided by pg-boss against the database's clock (`startAfter`).
 */
import { createHash } from 'node:crypto';
import PgBoss from 'pg-boss';
import type { Database } from '../db/database.js';
import type { ExpoCalendar } from '../domain/expo.js';
import type { Logger } from '../util/log.js';

export const REMINDER_QUEUE = 'expo-reminder';

/** A uuid derived from a name, so the same job is never queued twice. */
export function jobId(name: string): string {
  const h = createHash('sha1').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** 09:00 in China (UTC+8) on the day before `starts` (YYYY-MM-DD). */
export function reminderTime(starts: string): Date {
  const d = new Date(`${starts}T01:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d;
}

export class Jobs {
  readonly boss: PgBoss;

  constructor(
    database: Database,
    private readonly log: Logger,
    private readonly clock: () => Date,
  ) {
    this.boss = new PgBoss({ ...database.jobQueueOptions(), schema: 'pgboss', supervise: true, schedule: false });
    this.boss.on('error', (err) => log.error('job queue error', { err }));
  }

  async start(): Promise<void> {
    await this.boss.start();
    // Replicas starting together race in pg-boss's create_queue (a deadlock or a duplicate key):
    // the loser finds the queue made by the winner on a retry.
    for (let attempt = 1; !(await this.boss.getQueue(REMINDER_QUEUE)); attempt++) {
      try {
        await this.boss.createQueue(REMINDER_QUEUE);
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (attempt >= 5 || (code !== '40P01' && code !== '23505')) throw err;
        await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    }
  }

  async stop(): Promise<void> {
    await this.boss.stop({ graceful: true, wait: true, timeout: 10_000 });
  }

  /** Queues the reminder of every edition that has not started yet; an already queued one is left alone. */
  async scheduleReminders(cal: ExpoCalendar): Promise<number> {
    const now = this.clock();
    let queued = 0;
    for (const e of cal.expos) {
      const at = reminderTime(e.starts);
      if (at.getTime() + 24 * 3600_000 < now.getTime()) continue; // the edition has started
      const id = await this.boss.send(REMINDER_QUEUE, { slug: e.slug }, { id: jobId(`reminder:${e.slug}:${e.starts}`), startAfter: at, retryLimit: 3, retryDelay: 60 });
      if (id) queued++;
    }
    return queued;
  }

  async workReminders(handle: (slug: string) => Promise<number>, pollingIntervalSeconds = 2): Promise<void> {
    await this.boss.work<{ slug: string }>(REMINDER_QUEUE, { pollingIntervalSeconds }, async (jobs) => {
      for (const job of jobs) {
        const sent = await handle(job.data.slug);
        this.log.info('expo reminders sent', { slug: job.data.slug, sent });
      }
    });
  }
}
