/**
 * `npm run bench:telegram [count] [rate]`: latency from a webhook POST to the bot's sendMessage at a
 * loopback Bot API, through the real HTTP server, inbox, pipeline, search and sender (PGlite,
 * Meilisearch, demo content). Each update comes from its own chat at `rate` updates per second, so
 * the per-chat limit does not dominate; the global 30 msg/s limit still applies.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { TelegramChannel } from '../bots/telegram/telegram-channel.js';
import { createServices } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import { createHttpApp } from '../src/http/http-app.js';
import { InboxStore } from '../src/services/inbox-store.js';
import { createLogger } from '../src/util/log.js';
import { PACKAGE_ROOT } from '../src/util/paths.js';
import { startFakeTelegram, textUpdate } from '../tests/support/fake-telegram.js';

const count = Number(process.argv[2] ?? 500);
const rate = Number(process.argv[3] ?? 20);
const TEXTS = ['/help', '湖北 锂电池 专利', 'lithium battery patents in Hubei', '你好', '江西 稀土 永磁', 'CN116746558A', '订阅'];
const log = createLogger('warn');
const dir = mkdtempSync(path.join(os.tmpdir(), 'pb-bench-tg-'));
const fake = await startFakeTelegram();
const services = await createServices(loadConfig({ DATA_DIR: dir, CONTENT_DIR: path.join(PACKAGE_ROOT, 'content'), LOG_LEVEL: 'warn' }), log, { loadDemo: true });
const channel = new TelegramChannel({
  token: fake.token,
  apiRoot: fake.url,
  publicUrl: 'https://bot.example.org',
  webhookSecret: 'bench_secret',
  pipeline: services.pipeline,
  inbox: new InboxStore(services.database),
  users: services.users,
  log,
});
const app = createHttpApp({ pipeline: services.pipeline, log, clock: () => new Date(), readiness: {}, telegramWebhook: (r) => channel.handleWebhook(r) });
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
await new Promise((r) => server.once('listening', r));
const port = (server.address() as { port: number }).port;
await channel.start();
try {
  const started = new Map<number, number>();
  const ackMs: number[] = [];
  const t0 = performance.now();
  const posts: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const chatId = 100_000 + i;
    const body = JSON.stringify(textUpdate({ text: TEXTS[i % TEXTS.length]!, chatId, userId: chatId, updateId: 1_000_000 + i }));
    started.set(chatId, Date.now());
    const sentAt = performance.now();
    posts.push(
      fetch(`http://127.0.0.1:${port}/telegram/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'bench_secret' }, body }).then(async (r) => {
        await r.arrayBuffer();
        if (r.status !== 200) throw new Error(`webhook answered ${r.status}`);
        ackMs.push(performance.now() - sentAt);
      }),
    );
  }
  await Promise.all(posts);
  await fake.waitFor('sendMessage', count, 120_000);
  const first = new Map<number, number>();
  for (const c of fake.callsTo('sendMessage')) {
    const chat = Number(c.params.chat_id);
    if (!first.has(chat) && !c.failed) first.set(chat, c.at);
  }
  const lat = [...started].map(([chat, at]) => (first.get(chat) ?? NaN) - at).filter(Number.isFinite).sort((a, b) => a - b);
  const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
  ackMs.sort((a, b) => a - b);
  console.log(`${count} updates at ${rate}/s, each from its own chat; ${lat.length} answered`);
  console.log(`webhook POST → first sendMessage: median ${pct(lat, 50).toFixed(0)} ms, p95 ${pct(lat, 95).toFixed(0)} ms, max ${lat.at(-1)!.toFixed(0)} ms`);
  console.log(`webhook acknowledgement: median ${pct(ackMs, 50).toFixed(1)} ms, p95 ${pct(ackMs, 95).toFixed(1)} ms`);
} finally {
  await channel.stop();
  server.close();
  await services.close();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
}
