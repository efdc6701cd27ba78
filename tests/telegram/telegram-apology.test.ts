/**
 * The Telegram worker answers like every other channel (src/core/answer-update.ts): a message whose
 * handling fails is retried with back-off, and on the last attempt the person gets the apology in
 * their language, stored and sent like any reply, and the row leaves the inbox as done.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TelegramChannel } from '../../bots/telegram/telegram-channel.js';
import type { Services } from '../../src/app.js';
import { LAST_ATTEMPT } from '../../src/core/answer-update.js';
import { Pipeline } from '../../src/core/pipeline.js';
import { STRINGS } from '../../src/core/strings.js';
import type { InboxStore } from '../../src/services/inbox-store.js';
import { textUpdate } from '../support/fake-telegram.js';
import { startTelegramWorker, type TelegramWorker } from '../support/telegram-worker.js';

let w: TelegramWorker<InboxStore>;
let services: Services;
let ch: TelegramChannel;
let inbox: InboxStore;
const sent = (chat: number) => w.sent(chat);

beforeAll(async () => {
  w = await startTelegramWorker({
    name: 'apology',
    // The real pipeline and stores, with a classifier that always breaks: every plain message fails.
    pipeline: (s, log) =>
      new Pipeline({
        users: s.users, search: s.search, patents: s.store, policies: s.policies, expos: { sample: true, expos: [] }, registrations: s.registrations,
        notifier: s.notifier, staff: s.staff, leads: s.leads, broadcasts: s.broadcasts, log, clock: () => new Date('2026-04-01T02:00:00Z'),
        classify: () => {
          throw new Error('classifier broke');
        },
      }),
  });
  ({ services, ch, inbox } = w);
});
afterAll(async () => w?.stop());

/** An update already tried `attempts` times, its lease run out: the next claim is attempt attempts + 1. */
async function triedBefore(updateId: number, chatId: number, text: string, languageCode: string, attempts: number) {
  await inbox.accept('telegram', String(updateId), String(chatId), textUpdate({ text, userId: chatId, chatId, updateId, languageCode }));
  await services.database.rows(sql`update inbound_updates set attempts = ${attempts}, lease_until = now() - interval '1 second' where update_id = ${String(updateId)} returning 1`);
  ch.kick();
}

async function row(updateId: number) {
  const [r] = await services.database.rows<{ status: string; attempts: number }>(sql`select status, attempts from inbound_updates where platform = 'telegram' and update_id = ${String(updateId)}`);
  return r!;
}

async function until(ok: () => Promise<boolean>, ms = 8000) {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('a message whose handling fails', () => {
  it('gets the English apology on the last attempt, once, and leaves the inbox as done', async () => {
    await triedBefore(7_700_001, 77001, 'what patents do you have on batteries', 'en', LAST_ATTEMPT - 1);
    await until(async () => (await row(7_700_001)).status === 'done');
    expect(sent(77001).map((c) => c.params.text)).toEqual([STRINGS.internalError.en]);
    expect((await row(7_700_001)).attempts).toBe(LAST_ATTEMPT);
  });

  it('gets the Chinese apology for a Chinese message', async () => {
    await triedBefore(7_700_002, 77002, '帮我找锂电池的专利', 'zh-hans', LAST_ATTEMPT - 1);
    await until(async () => (await row(7_700_002)).status === 'done');
    expect(sent(77002).map((c) => c.params.text)).toEqual([STRINGS.internalError.zh]);
  });

  it('gets nothing before the last attempt: the row is given back for a retry', async () => {
    await triedBefore(7_700_003, 77003, 'what patents do you have on batteries', 'en', 1);
    await until(async () => (await row(7_700_003)).attempts === 2);
    await until(async () => (await services.database.rows(sql`select 1 from inbound_updates where update_id = '7700003' and error is not null`)).length === 1);
    expect(sent(77003)).toEqual([]);
    expect((await row(7_700_003)).status).toBe('pending');
  });
});
