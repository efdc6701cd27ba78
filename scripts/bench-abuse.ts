/**
 * `npm run bench:abuse`: a small hostile sweep against the service on loopback. It starts
 * `patent-bridge serve` as a child process (PGlite, embedded Meilisearch, ADMIN_TOKEN set, the fake
 * Telegram and Slack of tests/support as their APIs, Telegram in webhook mode, LOG_LEVEL=debug with
 * the whole stderr captured), sends a bounded number of hostile requests per category and prints,
 * per category: the attempts, the answers by status (ERR: the connection failed), the child's peak
 * RSS during the category (VmHWM, reset before each) and how many of the personal data and secret
 * strings planted by that category appear in the captured logs (must be 0).
 *
 * It reports, it does not assert. Every request has a timeout; oversized bodies are a few 30 MB
 * streams; the whole run stays well under two minutes.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { eventBody, signedSlackRequest, startFakeSlack, VERIFICATION_TOKEN } from '../tests/support/fake-slack.js';
import { callbackUpdate, startFakeTelegram, textUpdate } from '../tests/support/fake-telegram.js';
import { sleep, startServe } from '../tests/support/serve-child.js';

const ADMIN = randomBytes(24).toString('base64url');
const TG_SECRET = `tg-${randomBytes(12).toString('hex')}`;
const SLACK_SECRET = `slack-${randomBytes(12).toString('hex')}`;
const MB = 1024 * 1024;

// ---- planted personal data: unique per category, valid in form (ID check digit, Luhn) ----
function idNumber(n: number): string {
  const body = `11010519900101${String(n % 1000).padStart(3, '0')}`;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((s, d, i) => s + Number(d) * w[i]!, 0);
  return body + '10X98765432'[sum % 11]!;
}
function cardNumber(n: number): string {
  const body = `622202${String(n).padStart(9, '0')}`;
  for (let c = 0; c < 10; c++) {
    const digits = body + c;
    let sum = 0;
    for (let i = 0; i < digits.length; i++) {
      let d = Number(digits[digits.length - 1 - i]);
      if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      sum += d;
    }
    if (sum % 10 === 0) return digits;
  }
  throw new Error('unreachable');
}
interface Pii { first: string; last: string; username: string; id: string; card: string; phone: string; email: string }
const pii = (n: number): Pii => ({
  first: `Plantfirst${n}x`,
  last: `Plantlast${n}x`,
  username: `plant_user_${n}x`,
  id: idNumber(n),
  card: cardNumber(n),
  phone: `139${String(10_000_000 + n * 7919).slice(-8)}`,
  email: `plant${n}@example.cn`,
});
const piiText = (p: Pii) => `我叫${p.first} 身份证 ${p.id} 银行卡 ${p.card} 电话 ${p.phone} 邮箱 ${p.email}`;

// ---- the service ----
const t0 = performance.now();
const [tg, slack] = await Promise.all([startFakeTelegram(), startFakeSlack()]);
let log = '';
const child = await startServe({
  env: {
    ADMIN_TOKEN: ADMIN,
    LOG_LEVEL: 'debug',
    TELEGRAM_BOT_TOKEN: tg.token,
    TELEGRAM_API_ROOT: tg.url,
    TELEGRAM_WEBHOOK_SECRET: TG_SECRET,
    PUBLIC_URL: 'https://bot.example.org',
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: SLACK_SECRET,
    SLACK_API_URL: `${slack.url}/api/`,
  },
  onStderr: (s) => void (log += s),
});
const base = child.url;
const pid = child.proc.pid!;
const resetPeak = () => {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5'); // resets VmHWM to the current RSS
  } catch {
    /* not Linux, or not allowed: the peak is then since start */
  }
};
const peakMb = () => {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
};

type Send = () => Promise<Response>;
interface Row { name: string; attempts: number; statuses: Map<string, number>; peak: number; planted: string[]; ms: number }
const rows: Row[] = [];

async function hit(send: Send): Promise<string> {
  try {
    const res = await send();
    await res.arrayBuffer().catch(() => {});
    return String(res.status);
  } catch {
    return 'ERR';
  }
}

async function category(name: string, sends: Send[], planted: string[] = [], parallel = 1): Promise<void> {
  resetPeak();
  const t0 = performance.now();
  const statuses = new Map<string, number>();
  const queue = [...sends];
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      for (let s = queue.shift(); s; s = queue.shift()) {
        const k = await hit(s);
        statuses.set(k, (statuses.get(k) ?? 0) + 1);
      }
    }),
  );
  rows.push({ name, attempts: sends.length, statuses, peak: peakMb(), planted, ms: performance.now() - t0 });
}

const T = () => AbortSignal.timeout(20_000);
const post = (p: string, body: RequestInit['body'], headers: Record<string, string> = {}) => () => fetch(base + p, { method: 'POST', body, headers, redirect: 'manual', signal: T() });
const get = (p: string, headers: Record<string, string> = {}) => () => fetch(base + p, { headers, redirect: 'manual', signal: T() });
const tgPost = (u: unknown, secret = TG_SECRET) => post('/telegram/webhook', JSON.stringify(u), { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret });
const slackPost = (body: string, opts: Parameters<typeof signedSlackRequest>[3] = {}, secret = SLACK_SECRET) => () => {
  const r = signedSlackRequest(`${base}/slack/events`, body, secret, opts);
  return fetch(r.url, { method: 'POST', headers: r.headers, body, signal: T() });
};
/** A body of `bytes` streamed in 64 kB chunks, without a length. */
const stream = (bytes: number, head = 'token=') => {
  let sent = 0;
  const chunk = new Uint8Array(64 * 1024).fill(0x61);
  return new ReadableStream<Uint8Array>({
    pull(c) {
      if (sent === 0) c.enqueue(new TextEncoder().encode(head));
      if (sent >= bytes) return c.close();
      sent += chunk.length;
      c.enqueue(chunk);
    },
  });
};
const streamed = (p: string, bytes: number, contentType: string, extra: Record<string, string> = {}) => () =>
  fetch(base + p, { method: 'POST', body: stream(bytes), headers: { 'content-type': contentType, ...extra }, duplex: 'half', signal: T() } as RequestInit);

// A console session for the authenticated routes.
const login = await fetch(`${base}/console/login`, { method: 'POST', body: new URLSearchParams({ token: ADMIN }), redirect: 'manual' });
const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';
const dash = await (await fetch(`${base}/console/dashboard`, { headers: { cookie } })).text();
const csrf = /name="_csrf" value="([^"]+)"/.exec(dash)?.[1] ?? '';
const started = performance.now();
const startMs = started - t0;

// ---- categories ----
await category('oversized bodies (6 × 30 MB streamed)', [
  streamed('/console/login', 30 * MB, 'application/x-www-form-urlencoded'),
  streamed('/console/login', 30 * MB, 'multipart/form-data; boundary=x'),
  streamed('/api/chat', 30 * MB, 'application/json'),
  streamed('/telegram/webhook', 30 * MB, 'application/json', { 'x-telegram-bot-api-secret-token': TG_SECRET }),
  streamed('/slack/events', 30 * MB, 'application/json'),
  streamed('/console/leads', 30 * MB, 'application/x-www-form-urlencoded', { cookie }),
]);

const fp = pii(1);
const fbody = eventBody({ type: 'message', text: piiText(fp), channel: 'D9001', channelType: 'im', user: 'U9001' });
const now = Math.floor(Date.now() / 1000);
await category(
  'forged webhooks (secret, signature, time, JSON)',
  [
    ...Array.from({ length: 10 }, (_, i) => tgPost(textUpdate({ text: piiText(fp), updateId: 700_000 + i }), 'wrong-secret')),
    ...Array.from({ length: 5 }, () => post('/telegram/webhook', '{"update_id":1', { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TG_SECRET })),
    ...Array.from({ length: 10 }, () => slackPost(fbody, {}, 'not-the-secret')),
    ...Array.from({ length: 5 }, () => slackPost(fbody, { timestamp: now - 6 * 60 })),
    ...Array.from({ length: 5 }, () => slackPost(fbody, { timestamp: now + 6 * 60 })),
    slackPost('null', { contentType: 'application/json' }),
    slackPost('[]', { contentType: 'application/json' }),
  ],
  [...Object.values(fp), VERIFICATION_TOKEN],
);

const pp = pii(2);
const withNames = (u: Record<string, unknown>, p: Pii) => {
  const from = ((u.message ?? u.callback_query) as { from?: Record<string, unknown> }).from;
  if (from) Object.assign(from, { first_name: p.first, last_name: p.last, username: p.username });
  return u;
};
const noFrom = () => {
  const u = callbackUpdate({ data: 'l:en', chatId: 9102, userId: 9102 }) as { callback_query: Record<string, unknown>; update_id?: number };
  delete u.callback_query.from;
  return u;
};
let uid = 800_000;
await category(
  'poison messages (NUL, no chat, no from)',
  [
    ...Array.from({ length: 10 }, () => tgPost(withNames(textUpdate({ text: `${piiText(pp)}\u0000`, chatId: 9101, userId: 9101, updateId: ++uid }), pp))),
    ...Array.from({ length: 5 }, () => tgPost({ update_id: ++uid, message: { message_id: 1, date: 1, text: piiText(pp), from: { id: 9103, is_bot: false, first_name: pp.first } } })),
    ...Array.from({ length: 5 }, () => tgPost({ ...noFrom(), update_id: ++uid })),
    ...Array.from({ length: 10 }, () => slackPost(eventBody({ type: 'message', text: `${piiText(pp)}\u0000`, channel: 'D9104', channelType: 'im', user: 'U9104' }))),
  ],
  [...Object.values(pp), VERIFICATION_TOKEN],
);

await category('NUL in paths and queries', [
  get('/admin/api/leads/L-AAAAAA%00', { authorization: `Bearer ${ADMIN}` }),
  get('/console/leads/L-AAAAAA%00', { cookie }),
  get('/console/registrations?q=%00', { cookie }),
  get('/console/leads?status=%00', { cookie }),
  get('/%00'),
  get('/api/chat%00'),
  get('/admin/api/leads?q=%00', { authorization: `Bearer ${ADMIN}` }),
  get('/console/patents?q=%00', { cookie }),
]);

const broken = '--x\r\nContent-Disposition: form-data; name="token"\r\n\r\nabc'; // never closed
await category('broken multipart (console login and POSTs)', [
  ...Array.from({ length: 5 }, () => post('/console/login', broken, { 'content-type': 'multipart/form-data; boundary=x' })),
  ...Array.from({ length: 3 }, () => post('/console/login', 'garbage', { 'content-type': 'multipart/form-data' })),
  ...['/console/leads', '/console/broadcasts', '/console/patents', '/console/lang'].map((p) => post(p, broken, { 'content-type': 'multipart/form-data; boundary=x', cookie })),
]);

const form = new URLSearchParams({ _csrf: csrf, lang: 'en' }).toString();
await category(
  'bad Origin on console POSTs',
  ['null', 'not a url', 'http://evil.example', 'https://bot.example.org:99999'].flatMap((origin) =>
    ['/console/lang', '/console/logout', '/console/broadcasts/preview'].map((p) => post(p, form, { 'content-type': 'application/x-www-form-urlencoded', cookie, origin })),
  ),
);

await category(
  'wrong console sign-ins (40, 4 at once)',
  Array.from({ length: 40 }, (_, i) => post('/console/login', new URLSearchParams({ token: `wrong-${i}-${'x'.repeat(20)}` }).toString(), { 'content-type': 'application/x-www-form-urlencoded' })),
  [],
  4,
);

await category(
  'web chat, 150 session ids (8 at once)',
  Array.from({ length: 150 }, (_, i) => post('/api/chat', JSON.stringify({ sessionId: `bench-abuse-${i}-${randomBytes(4).toString('hex')}`, text: '/help' }), { 'content-type': 'application/json' })),
  [],
  8,
);

const mp = pii(3);
const ms = pii(4);
const mw = pii(5);
await category(
  'personal data in messages (Telegram, Slack, web)',
  [
    ...Array.from({ length: 8 }, (_, i) => tgPost(withNames(textUpdate({ text: i % 2 ? piiText(mp) : `/search ${piiText(mp)}`, chatId: 9201 + i, userId: 9201 + i, updateId: ++uid }), mp))),
    ...Array.from({ length: 8 }, (_, i) => slackPost(eventBody({ type: 'message', text: piiText(ms), channel: `D93${i}`, channelType: 'im', user: `U93${i}` }))),
    ...Array.from({ length: 8 }, (_, i) => post('/api/chat', JSON.stringify({ sessionId: `bench-pii-${i}-sess`, text: piiText(mw) }), { 'content-type': 'application/json' })),
  ],
  [...Object.values(mp), ...Object.values(ms), ...Object.values(mw), VERIFICATION_TOKEN],
);

// Let the inbox workers answer what was accepted (their log lines count too), then stop.
await sleep(4000);
const sweepMs = performance.now() - started;
await child.stop();
await Promise.all([tg.close(), slack.close()]);

// ---- report ----
const lines = log.split('\n').filter(Boolean);
const secrets = [ADMIN, TG_SECRET, SLACK_SECRET];
console.log(`bench:abuse — ${base}: service ready in ${(startMs / 1000).toFixed(1)} s, sweep ${(sweepMs / 1000).toFixed(1)} s, ${lines.length} log lines captured\n`);
const pad = (s: string, n: number) => s.padEnd(n);
console.log(`${pad('category', 52)}${pad('attempts', 10)}${pad('answers by status', 34)}${pad('peak RSS', 10)}${pad('ms', 8)}planted PII in logs`);
for (const r of rows) {
  const answers = [...r.statuses].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}×${v}`).join(' ');
  const found = r.planted.filter((s) => log.includes(s));
  console.log(`${pad(r.name, 52)}${pad(String(r.attempts), 10)}${pad(answers, 34)}${pad(`${r.peak} MB`, 10)}${pad(String(Math.round(r.ms)), 8)}${found.length}${found.length ? ` (${found.map((s) => s.slice(0, 6) + '…').join(', ')})` : ''}`);
}
const leaked = secrets.filter((s) => log.includes(s)).length;
console.log(`\nservice secrets (admin token, webhook secret, signing secret) in logs: ${leaked}`);
const errors = new Map<string, number>();
for (const l of lines.filter((x) => /"level":"(error|fatal)"/.test(x))) {
  const msg = /"msg":"((?:[^"\\]|\\.){0,80})/.exec(l)?.[1] ?? l.slice(0, 80);
  errors.set(msg, (errors.get(msg) ?? 0) + 1);
}
console.log(`error-level log lines: ${[...errors.values()].reduce((a, b) => a + b, 0)}${[...errors].map(([m, n]) => `\n  ${n} × ${m}`).join('')}`);
