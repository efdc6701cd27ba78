/**
 * A Telegram channel on the real services (PGlite, no demo content) and the fake Bot API, long
 * polling with no send pacing: the setup of the worker's failure tests (apology, recovery).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TelegramChannel } from '../../bots/telegram/telegram-channel.js';
import { createServices, type Services } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import type { Pipeline } from '../../src/core/pipeline.js';
import type { Database } from '../../src/db/database.js';
import { InboxStore } from '../../src/services/inbox-store.js';
import { createLogger, type Logger } from '../../src/util/log.js';
import { PACKAGE_ROOT } from '../../src/util/paths.js';
import { startFakeTelegram, type FakeTelegram } from './fake-telegram.js';

export interface TelegramWorker<I extends InboxStore> {
  services: Services;
  fake: FakeTelegram;
  ch: TelegramChannel;
  inbox: I;
  /** The messages sent to `chat` that Telegram took. */
  sent(chat: number): ReturnType<FakeTelegram['callsTo']>;
  stop(): Promise<void>;
}

export async function startTelegramWorker<I extends InboxStore = InboxStore>(o: {
  name: string;
  inbox?: (database: Database) => I;
  pipeline?: (services: Services, log: Logger) => Pipeline;
}): Promise<TelegramWorker<I>> {
  const log = createLogger('silent');
  const dir = mkdtempSync(path.join(os.tmpdir(), `pb-tg-${o.name}-`));
  const services = await createServices(loadConfig({ DATA_DIR: dir, CONTENT_DIR: path.join(PACKAGE_ROOT, 'content'), LOG_LEVEL: 'silent' }), log, { loadDemo: false });
  const fake = await startFakeTelegram();
  const inbox = o.inbox ? o.inbox(services.database) : (new InboxStore(services.database) as I);
  const pipeline = o.pipeline ? o.pipeline(services, log) : services.pipeline;
  const ch = new TelegramChannel({ token: fake.token, apiRoot: fake.url, pipeline, inbox, users: services.users, log, pollTimeoutSeconds: 1, sender: { perChatIntervalMs: 0 } });
  await ch.start();
  return {
    services,
    fake,
    ch,
    inbox,
    sent: (chat) => fake.callsTo('sendMessage').filter((c) => !c.failed && String(c.params.chat_id) === String(chat)),
    async stop() {
      await ch.stop();
      await fake.close();
      await services.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
