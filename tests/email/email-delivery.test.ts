/**
 * E-mail delivery for web-only subscribers, against a real SMTP server on loopback (smtp-server,
 * mails parsed with mailparser) and the real services: the consent offer after subscribing in the
 * web chat, the address validated and stored, the broadcast preview counting e-mail, a broadcast
 * and a reminder arriving by mail with a working unsubscribe link and List-Unsubscribe headers,
 * SMTP refusals counted until the address is marked bounced (4xx retried, not counted), the
 * per-minute cap on a virtual clock, forget_me deleting the address, and no address in the logs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { recipientsByPlatform } from '../../src/core/platforms.js';
import { createHttpApp } from '../../src/http/http-app.js';
import { emailUnsubscribe } from '../../src/http/email-unsubscribe.js';
import { EmailOutlet, linkSecret } from '../../src/services/email-outlet.js';
import { createLogger } from '../../src/util/log.js';
import { createMetrics } from '../../src/util/metrics.js';
import { PACKAGE_ROOT } from '../../src/util/paths.js';
import { sessionHeader, webUser } from '../support/web-session.js';

let services: Services;
let dir: string;
let smtp: SMTPServer;
let email: EmailOutlet;
let app: ReturnType<typeof createHttpApp>;
const mails: ParsedMail[] = [];
/** Recipients the SMTP server refuses: 550 (permanent) or 450 (try later). */
const refuse = new Map<string, number>();
const logLines: string[] = [];
const metrics = createMetrics();
const now = new Date('2026-11-23T02:00:00Z');
const FROM = 'Alliance <noreply@alliance.example>';

async function say(session: string, body: { text?: string; action?: string }): Promise<string[]> {
  const res = await app.request('/api/chat', { method: 'POST', headers: { 'content-type': 'application/json', ...sessionHeader(session) }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { replies: { text: string }[] }).replies.map((r) => r.text);
}
const mailsTo = (a: string) => mails.filter((m) => (Array.isArray(m.to) ? m.to : [m.to]).some((t) => t?.value.some((v) => v.address?.toLowerCase() === a.toLowerCase())));
async function userIdOf(session: string): Promise<number> {
  return (await services.users.upsert('web', webUser(session), 'zh')).id;
}
async function drainBroadcast(id: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const c = await services.broadcasts.store.counts(id);
    if (c.pending + c.sending === 0) return;
    services.broadcasts.kick();
    await services.broadcasts.idle();
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, cb) {
      const code = refuse.get(address.address);
      if (code) return cb(Object.assign(new Error(code >= 500 ? 'mailbox unavailable' : 'try again later'), { responseCode: code }));
      cb();
    },
    onData(stream, _session, cb) {
      simpleParser(stream).then((m) => (mails.push(m), cb()), cb);
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  const port = (smtp.server.address() as { port: number }).port;
  dir = mkdtempSync(path.join(os.tmpdir(), 'pb-email-'));
  const config = loadConfig({ DATA_DIR: dir, CONTENT_DIR: path.join(PACKAGE_ROOT, 'content'), LOG_LEVEL: 'silent', SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: FROM });
  const log = createLogger('debug', {}, (line) => logLines.push(line));
  services = await createServices(config, log, { loadDemo: false, clock: () => now, metrics });
  const secret = linkSecret({ SMTP_URL: config.SMTP_URL!, MAIL_FROM: config.MAIL_FROM! });
  email = new EmailOutlet({ smtpUrl: config.SMTP_URL!, from: FROM, baseUrl: 'https://bridge.example', secret, store: services.emails!, log, metrics, perMinute: 600 });
  services.notifier.register('web', email.push);
  services.broadcasts.registerOutlet('email', email.outlet);
  app = createHttpApp({ pipeline: services.pipeline, log, clock: () => now, readiness: {}, emailUnsubscribe: emailUnsubscribe(services.emails!, secret) });
});
afterAll(async () => {
  await services?.broadcasts.stop();
  email?.close();
  await new Promise<void>((r) => (smtp ? smtp.close(() => r()) : r()));
  await services?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('e-mail for web subscribers', () => {
  it('asks for consent and an address, counts and sends the broadcast by mail, and the link unsubscribes', async () => {
    const replies = await say('mail-1', { text: 'subscribe' });
    expect(replies[0]).toMatch(/subscribed/i);
    expect(replies[1]).toMatch(/reply with your e-mail address/);
    expect(replies[1]).toMatch(/used only to send these notices/);
    expect((await say('mail-1', { text: 'carol@' })).at(-1)).toMatch(/does not look like an e-mail address/);
    expect((await say('mail-1', { text: 'Carol@Example.COM' })).at(-1)).toBe('Done: announcements and reminders will go to Carol@example.com. Every e-mail has an unsubscribe link.');
    const userId = await userIdOf('mail-1');
    expect(await services.emails!.has(userId)).toBe(true);

    const counts = await services.broadcasts.store.audienceCounts({ kind: 'subscribers' });
    expect(counts.email).toBe(1);
    expect(counts.noPush).toBe(0);
    expect(recipientsByPlatform(counts, 'zh')).toBe('电子邮件 1 人');

    const b = await services.broadcasts.create({ audience: { kind: 'subscribers' }, textZh: '博览会明天开幕', textEn: 'The expo opens tomorrow', linkUrl: 'https://expo.example/2026' });
    await drainBroadcast(b!.id);
    expect(await services.broadcasts.store.counts(b!.id)).toMatchObject({ sent: 1, failed: 0 });
    const [mail] = mailsTo('Carol@example.com');
    expect(mail).toBeDefined();
    expect(mail!.from?.value[0]).toMatchObject({ name: 'Alliance', address: 'noreply@alliance.example' });
    expect(mail!.subject).toBe('Patent Technology Conversion Service Platform');
    expect(mail!.text).toContain('The expo opens tomorrow');
    expect(mail!.text).toContain('https://expo.example/2026');
    expect(mail!.text).not.toContain('send "unsubscribe"');
    const link = /Unsubscribe \(no sign-in needed\): (\S+)/.exec(mail!.text ?? '')?.[1];
    expect(link).toMatch(/^https:\/\/bridge\.example\/email\/unsubscribe\?u=\d+&t=/);
    const header = (k: string) => mail!.headerLines.find((h) => h.key === k)?.line.replace(/\r?\n[ \t]+/g, ' ');
    expect(header('list-unsubscribe')).toBe(`List-Unsubscribe: <${link}>`);
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');

    // A changed token is refused; GET only shows the page; POST (one-click) unsubscribes and deletes the address.
    const path = link!.replace('https://bridge.example', 'http://localhost');
    expect((await app.request(path.replace(/t=[^&]+/, 't=forged'))).status).toBe(400);
    expect((await app.request(path.replace(/u=\d+/, `u=${userId + 1}`))).status).toBe(400);
    const page = await app.request(path);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/退订平台邮件[\s\S]*Unsubscribe from platform e-mails[\s\S]*<form method="post"/);
    expect(await services.emails!.has(userId)).toBe(true);
    const done = await app.request(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('已退订');
    expect(await services.emails!.has(userId)).toBe(false);
    expect((await services.broadcasts.store.audienceCounts({ kind: 'subscribers' })).email).toBe(0);
  });

  it('sends reminders and lead news by mail; without an address they wait for the next chat reply', async () => {
    await say('mail-2', { text: '订阅' });
    await say('mail-2', { text: 'dora@mail.example' });
    const who = await services.users.upsert('web', webUser('mail-2'), 'zh');
    expect(await services.notifier.notify({ userId: who.id, platform: 'web', platformUserId: who.platformUserId, locale: who.locale }, { zh: '提醒：博览会明天 9 点开幕', en: 'Reminder: the expo opens at 9 tomorrow' })).toBe('pushed');
    const [mail] = mailsTo('dora@mail.example');
    expect(mail!.subject).toBe('专利技术转化服务平台通知');
    expect(mail!.text).toContain('提醒：博览会明天 9 点开幕');
    expect(mail!.text).toContain('退订（无需登录）：https://bridge.example/email/unsubscribe?');
    const other = await services.users.upsert('web', webUser('mail-none'), 'zh');
    expect(await services.notifier.notify({ userId: other.id, platform: 'web', platformUserId: other.platformUserId, locale: 'zh' }, { zh: '提醒', en: 'Reminder' })).toBe('queued');
  });

  it('counts SMTP refusals and marks the address bounced after three; a 4xx is retried, not counted', async () => {
    await say('mail-3', { text: 'subscribe' });
    await say('mail-3', { text: 'gone@nowhere.example' });
    const userId = await userIdOf('mail-3');
    const mb = (await services.emails!.mailbox(userId))!;
    refuse.set('gone@nowhere.example', 450);
    await expect(email.deliver(mb, 'x')).rejects.toMatchObject({ name: 'OutletError', permanent: false });
    refuse.set('gone@nowhere.example', 550);
    for (let i = 0; i < 3; i++) expect(await email.deliver(mb, `try ${i}`)).toBe('unreachable');
    expect(await services.emails!.mailbox(userId)).toBeUndefined();
    const results = (await metrics.deliveries.get()).values.filter((v) => v.labels.platform === 'email');
    expect(results.find((v) => v.labels.result === 'permanent_failure')?.value).toBe(2);
    expect(results.find((v) => v.labels.result === 'bounced')?.value).toBe(1);
    expect(results.find((v) => v.labels.result === 'retry')?.value).toBe(1);
    // A bounced address is no e-mail recipient any more.
    expect((await services.broadcasts.store.audienceCounts({ kind: 'subscribers' })).email).toBe(1); // mail-2 only
    expect(mailsTo('gone@nowhere.example')).toHaveLength(0);
  });

  it('forget_me deletes the address', async () => {
    await say('mail-4', { text: 'subscribe' });
    await say('mail-4', { text: 'eve@mail.example' });
    const userId = await userIdOf('mail-4');
    expect(await services.emails!.has(userId)).toBe(true);
    await say('mail-4', { text: 'forget me' });
    await say('mail-4', { action: 'fy' });
    expect(await services.emails!.has(userId)).toBe(false);
  });

  it('keeps the per-minute cap (virtual clock) and writes no address to the log', async () => {
    let t = Date.UTC(2026, 10, 23, 2, 0, 0);
    const capped = new EmailOutlet({ smtpUrl: `smtp://127.0.0.1:${(smtp.server.address() as { port: number }).port}`, from: FROM, baseUrl: 'https://bridge.example', secret: 's'.repeat(16), store: services.emails!, log: createLogger('silent'), perMinute: 2, now: () => t, sleep: async (ms) => void (t += Math.max(0, ms)) });
    const start = t;
    const mb = { userId: 999_999, address: 'cap@mail.example', locale: 'en' as const };
    for (let i = 0; i < 3; i++) expect(await capped.deliver(mb, `capped ${i}`)).toBe('sent');
    capped.close();
    expect(mailsTo('cap@mail.example')).toHaveLength(3);
    expect(t - start).toBeGreaterThanOrEqual(60_000); // three mails at two per minute span a minute
    const logged = logLines.join('\n');
    for (const a of ['carol@example.com', 'dora@mail.example', 'gone@nowhere.example', 'eve@mail.example']) expect(logged.toLowerCase()).not.toContain(a);
    expect(logged).toContain('mail address marked bounced');
  });
});
