/**
 * The durable floor for `npm run bench:e2e`: the least a durable search bot must do per update —
 * a telegraf webhook bot that inserts the update into a dedupe table (a redelivery stops there),
 * runs one raw Meilisearch query on the `patents` index, replies with the top titles and marks the
 * row done: one insert, one search, one sendMessage, one update. Run as a child of the bench (plain
 * node, no tsx) against the same fake Bot API, the same Meilisearch and the same database server
 * as ours: FLOOR_TOKEN, FLOOR_API_ROOT, FLOOR_SECRET, FLOOR_PATH, MEILI_URL, MEILI_MASTER_KEY and
 * DATABASE_URL (a Postgres server) or FLOOR_PGLITE_DIR (embedded PGlite); prints "listening <port>".
 */
import { createServer } from 'node:http';
import { Telegraf } from 'telegraf';

const { FLOOR_TOKEN, FLOOR_API_ROOT, FLOOR_SECRET, FLOOR_PATH = '/telegram/webhook', MEILI_URL, MEILI_MASTER_KEY, DATABASE_URL, FLOOR_PGLITE_DIR } = process.env;

/** `query(text, params)` → rows, on either driver. */
let query;
let close;
if (DATABASE_URL) {
  const { default: postgres } = await import('postgres');
  const sql = postgres(DATABASE_URL, { max: 10, onnotice: () => {} });
  query = (text, params) => sql.unsafe(text, params);
  close = () => sql.end({ timeout: 1 });
} else {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create(FLOOR_PGLITE_DIR ?? 'memory://');
  query = async (text, params) => (await db.query(text, params)).rows;
  close = () => db.close();
}
await query(
  `create table if not exists floor_updates (update_id bigint primary key, chat_id bigint not null, payload jsonb not null,
   status text not null default 'pending', received_at timestamptz not null default now(), updated_at timestamptz not null default now())`,
  [],
);

const bot = new Telegraf(FLOOR_TOKEN, { telegram: { apiRoot: FLOOR_API_ROOT, webhookReply: false } });
bot.on('text', async (ctx) => {
  const u = ctx.update;
  const fresh = await query('insert into floor_updates (update_id, chat_id, payload) values ($1, $2, $3) on conflict do nothing returning update_id', [u.update_id, ctx.chat.id, JSON.stringify(u)]);
  if (!fresh.length) return;
  const res = await fetch(`${MEILI_URL}/indexes/patents/search`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${MEILI_MASTER_KEY}` },
    body: JSON.stringify({ q: ctx.message.text, limit: 5, attributesToRetrieve: ['id', 'title'] }),
  });
  const { hits = [] } = await res.json();
  await ctx.reply(hits.length ? hits.map((h, i) => `${i + 1}. ${h.title} (${h.id})`).join('\n') : 'nothing found');
  await query(`update floor_updates set status = 'done', payload = '{}', updated_at = now() where update_id = $1`, [u.update_id]);
});
bot.botInfo = await bot.telegram.getMe();
const server = createServer(bot.webhookCallback(FLOOR_PATH, { secretToken: FLOOR_SECRET }));
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
process.once('SIGTERM', () => server.close(async () => {
  await close();
  process.exit(0);
}));
