/**
 * `npm run bench:feishu [count] [rate]`: latency from a Feishu HTTP event callback (encrypted and
 * signed, as Feishu posts it) to the bot's im/v1/messages call at a loopback Feishu Open Platform,
 * through the real HTTP server, signature check, decryption, inbox, pipeline, search, card rendering
 * and sender (PGlite, Meilisearch, demo content). Each event comes from its own direct chat at `rate`
 * events per second, so the 5/s per-chat limit does not dominate; the 50/s app limit still applies.
 * Prints the acknowledgement time too: Feishu re-pushes what is not answered within 3 s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { FeishuChannel } from '../bots/feishu/feishu-channel.js';
import { createServices } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import { createHttpApp } from '../src/http/http-app.js';
import { InboxStore } from '../src/services/inbox-store.js';
import { createLogger } from '../src/util/log.js';
import { PACKAGE_ROOT } from '../src/util/paths.js';
import { APP_ID, APP_SECRET, ENCRYPT_KEY, messageEvent, signedEventRequest, startFakeFeishu, VERIFICATION_TOKEN } from '../tests/support/fake-feishu.js';

const count = Number(process.argv[2] ?? 300);
const rate = Number(process.argv[3] ?? 20);
const TEXTS = ['/help', '湖北 锂电池 专利', 'lithium battery patents in Hubei', '你好', '江西 稀土 永磁', 'CN116746558A', '订阅'];
const log = createLogger('warn');
const dir = mkdtempSync(path.join(os.tmpdir(), 'pb-bench-fs-'));
const fake = await startFakeFeishu();
const services = await createServices(loadConfig({ DATA_DIR: dir, CONTENT_DIR: path.join(PACKAGE_ROOT, 'content'), LOG_LEVEL: 'warn' }), log, { loadDemo: true });
const channel = new FeishuChannel({
  appId: APP_ID,
  appSecret: APP_SECRET,
  domain: fake.url,
  mode: 'http',
  encryptKey: ENCRYPT_KEY,
  verificationToken: VERIFICATION_TOKEN,
  pipeline: services.pipeline,
  inbox: new InboxStore(services.database),
  log,
});
const app = createHttpApp({ pipeline: services.pipeline, log, clock: () => new Date(), readiness: {}, feishuEvents: (r) => channel.handleRequest(r) });
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
await new Promise((r) => server.once('listening', r));
const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/feishu/events`;
await channel.start();
try {
  const started = new Map<string, number>();
  const ackMs: number[] = [];
  const t0 = performance.now();
  const posts: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const chatId = `oc_bench_${i}`;
    const req = signedEventRequest(url, messageEvent({ text: TEXTS[i % TEXTS.length]!, chatId, openId: `ou_bench_${i}`, messageId: `om_bench_${i}` }));
    started.set(chatId, Date.now());
    const sentAt = performance.now();
    posts.push(
      fetch(req).then(async (r) => {
        await r.arrayBuffer();
        if (r.status !== 200) throw new Error(`event callback answered ${r.status}`);
        ackMs.push(performance.now() - sentAt);
      }),
    );
  }
  await Promise.all(posts);
  await fake.waitFor('message.create', count, 120_000);
  const first = new Map<string, number>();
  for (const c of fake.callsTo('message.create')) {
    const chat = String(c.body.receive_id);
    if (!first.has(chat) && c.status === 200) first.set(chat, c.at);
  }
  const lat = [...started].map(([chat, at]) => (first.get(chat) ?? NaN) - at).filter(Number.isFinite).sort((a, b) => a - b);
  const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
  ackMs.sort((a, b) => a - b);
  console.log(`${count} Feishu events at ${rate}/s, each from its own chat; ${lat.length} answered`);
  console.log(`event POST → first im/v1/messages: median ${pct(lat, 50).toFixed(0)} ms, p95 ${pct(lat, 95).toFixed(0)} ms, max ${lat.at(-1)!.toFixed(0)} ms`);
  console.log(`event acknowledgement: median ${pct(ackMs, 50).toFixed(1)} ms, p95 ${pct(ackMs, 95).toFixed(1)} ms`);
} finally {
  await channel.stop();
  server.close();
  await services.close();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
}
