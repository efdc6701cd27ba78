/**
 * A replica's inbox worker as a child process (for inbox-takeover.test.ts): claims the Telegram
 * inbox rows on DATABASE_URL and holds each one without finishing (a handler stuck on a slow
 * model call), printing `holding <update id>`. Its heartbeat keeps the leases until it is killed.
 */
import { openDatabase } from '../../src/db/database.js';
import { InboxStore } from '../../src/services/inbox-store.js';
import { InboxWorker } from '../../src/services/inbox-worker.js';
import { createLogger } from '../../src/util/log.js';

const database = await openDatabase({ url: process.env.DATABASE_URL!, maxConnections: 2 });
const worker = new InboxWorker(new InboxStore(database), 'telegram', async (row) => {
  process.stdout.write(`holding ${row.updateId}\n`);
  await new Promise(() => {});
}, createLogger('silent'));
worker.start(100);
