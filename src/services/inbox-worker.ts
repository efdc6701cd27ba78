/**
 * Drains one platform's inbox: claims rows (leased, so replicas share the work safely), serves up to
 * `concurrency` chats at once and one chat's updates strictly in order, and retries on a timer so
 * back-offs and rows left by a crashed process are picked up. The platform supplies `handle`.
 */
import type { Logger } from '../util/log.js';
import type { InboxRow, InboxStore } from './inbox-store.js';

export class InboxWorker {
  private working?: Promise<void>;
  private again = false;
  private stopped = false;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly inbox: InboxStore,
    private readonly platform: string,
    private readonly handle: (row: InboxRow) => Promise<void>,
    private readonly log: Logger,
    private readonly concurrency = 8,
  ) {}

  start(intervalMs = 1000): void {
    this.timer = setInterval(() => this.kick(), intervalMs);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.working;
  }

  /** Starts a pass, or asks the running one to look again when it ends. */
  kick(): void {
    if (this.stopped) return;
    if (this.working) {
      this.again = true;
      return;
    }
    this.working = this.drain().finally(() => {
      this.working = undefined;
      if (this.again && !this.stopped) {
        this.again = false;
        this.kick();
      }
    });
  }

  private async drain(): Promise<void> {
    for (;;) {
      const rows = await this.inbox.claim(this.platform, 100).catch((err) => {
        this.log.error('inbox unavailable', { platform: this.platform, err });
        return [] as InboxRow[];
      });
      if (rows.length === 0 || this.stopped) return;
      const byChat = new Map<string, InboxRow[]>();
      for (const r of rows) {
        const key = r.chatId ?? r.updateId;
        byChat.set(key, [...(byChat.get(key) ?? []), r]);
      }
      const chains = [...byChat.values()];
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(this.concurrency, chains.length) }, async () => {
          while (next < chains.length) {
            const chain = chains[next++]!;
            for (const row of chain) await this.handle(row);
          }
        }),
      );
    }
  }
}
