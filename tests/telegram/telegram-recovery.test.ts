/**
 * An update is answered exactly once even when the database or the process fails half-way: when
 * the replies (stored in the inbox row with the state, one statement) could not be stored, the retry
 * answers it (not lost), a failed "sent" mark is retried on the spot (not sent twice), and a row a
 * dead worker left behind is handled again by the next.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TelegramChannel } from '../../bots/telegram/telegram-channel.js';
import type { Services } from '../../src/app.js';
import { InboxStore, type InboxRow } from '../../src/services/inbox-store.js';
import { textUpdate, type FakeTelegram } from '../support/fake-telegram.js';
import { startTelegramWorker, type TelegramWorker } from '../support/telegram-worker.js';

/** The real inbox, with a database that fails the first N writes of one kind. */
class FlakyInbox extends InboxStore {
  failSave = 0;
  failSent = 0;
  override async saveReplies(...a: Parameters<InboxStore['saveReplies']>): ReturnType<InboxStore['saveReplies']> {
    if (this.failSave-- > 0) throw new Error('connection terminated (saveReplies)');
    return super.saveReplies(...a);
  }
  override async markSent(r: InboxRow, sent: number): Promise<void> {
    return this.failingWrites(() => super.markSent(r, sent));
  }
  /** After the last reply the done mark is its "sent" mark: the same retries guard it. */
  override async markDone(r: InboxRow): Promise<void> {
    return this.failingWrites(() => super.markDone(r));
  }
  private async failingWrites(write: () => Promise<void>): Promise<void> {
    // The retries inside the mark are what is tested: fail the underlying write, not the method.
    const db = (this as unknown as { db: { update: (...a: unknown[]) => unknown } }).db;
    const original = db.update.bind(db);
    let left = this.failSent;
    const failing = { set: () => ({ where: () => Promise.reject(new Error('connection terminated (sent mark)')) }) };
    db.update = (...a: unknown[]) => (left-- > 0 ? failing : original(...a));
    try {
      return await write();
    } finally {
      db.update = original;
      this.failSent = 0;
    }
  }
}

let w: TelegramWorker<FlakyInbox>;
let services: Services;
let fake: FakeTelegram;
let ch: TelegramChannel;
let inbox: FlakyInbox;
const sent = (chat: number) => w.sent(chat);

beforeAll(async () => {
  w = await startTelegramWorker({ name: 'recovery', inbox: (db) => new FlakyInbox(db) });
  ({ services, fake, ch, inbox } = w);
});
afterAll(async () => w?.stop());

async function settle(ms = 4000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const [row] = await services.database.rows<{ n: number }>(sql`select count(*)::int as n from inbound_updates where status <> 'done'`);
    if (row!.n === 0) return;
    ch.kick();
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('answered exactly once through failures', () => {
  it('replies survive a failure to store them in the inbox: the retry sends them, once', async () => {
    inbox.failSave = 1;
    fake.pushUpdate(textUpdate({ text: '/help', userId: 61001, chatId: 61001 }));
    await fake.waitFor('sendMessage', 1, 10_000);
    await settle();
    expect(sent(61001)).toHaveLength(1);
    expect(String(sent(61001)[0]!.params.text)).toMatch(/我可以/);
  });

  it('a "sent" (or done) mark that fails briefly is retried, so the message is not sent again', async () => {
    const before = fake.callsTo('sendMessage').length;
    inbox.failSent = 2;
    fake.pushUpdate(textUpdate({ text: '/help', userId: 61002, chatId: 61002 }));
    await fake.waitFor('sendMessage', before + 1, 10_000);
    await settle();
    await new Promise((r) => setTimeout(r, 500));
    expect(sent(61002)).toHaveLength(1);
  });

  it('a row whose worker died mid-way (claimed, nothing stored) is handled by the next worker', async () => {
    const update = textUpdate({ text: '/help', userId: 61003, chatId: 61003, updateId: 9_900_001 });
    // What a killed worker leaves: the inbox row leased (now expired), no replies stored.
    await inbox.accept('telegram', '9900001', '61003', update);
    await services.database.rows(sql`update inbound_updates set attempts = 1, lease_until = now() - interval '1 second' where update_id = '9900001' returning 1`);
    ch.kick();
    await settle();
    expect(sent(61003)).toHaveLength(1);
    expect(String(sent(61003)[0]!.params.text)).toMatch(/我可以/);
  });
});
