/**
 * Issue 15 against a real listening server (@hono/node-server on loopback; real services on
 * PGlite and Meilisearch): body limits enforced before a body is read, clear 4xx for malformed
 * input instead of 500s, a 413 that says it closes the connection, per-address limits behind a
 * trusted proxy, server-issued web sessions, slowed-down console sign-in, and browser headers.
 * The memory side of body limits is tests/integration/body-memory.test.ts (a child process).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { createConsole } from '../../src/console/console-app.js';
import { leadsPage } from '../../src/console/pages/leads-page.js';
import { PATENT_UPLOADS, patentsPage } from '../../src/console/pages/patents-page.js';
import { registrationsPage } from '../../src/console/pages/registrations-page.js';
import { FREE_FAILURES, SignInThrottle } from '../../src/console/sign-in-throttle.js';
import { broadcastAdmin } from '../../src/http/admin-broadcasts.js';
import { leadAdmin } from '../../src/http/admin-leads.js';
import { createHttpApp } from '../../src/http/http-app.js';
import { PAGE_CSP } from '../../src/http/security-headers.js';
import { WEB_COOKIE } from '../../src/http/web-sessions.js';
import { createLogger } from '../../src/util/log.js';
import { PACKAGE_ROOT } from '../../src/util/paths.js';
import { openConnection } from '../support/raw-http.js';

const ADMIN = 'admin-token-for-http-hardening';
let services: Services;
let dir: string;
let now = new Date('2026-11-23T02:00:00Z');
const servers: ServerType[] = [];
let base: string;
let port: number;

async function listen(app: { fetch: (r: Request, env?: unknown) => Response | Promise<Response> }): Promise<number> {
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  servers.push(server);
  await new Promise<void>((r) => server.once('listening', () => r()));
  return (server.address() as AddressInfo).port;
}

function build(opts: Partial<Parameters<typeof createHttpApp>[0]> = {}, throttle = new SignInThrottle(() => now)) {
  const log = createLogger('silent');
  return createHttpApp({
    pipeline: services.pipeline,
    log,
    clock: () => now,
    readiness: {},
    console: createConsole({
      auth: services.consoleAuth,
      log,
      secure: false,
      throttle,
      pages: [
        leadsPage({ leads: services.leads, staff: services.staff, agencies: services.content.agencies, clock: () => now }),
        registrationsPage({ registrations: services.registrations, expos: services.expos, db: services.database.db, clock: () => now }),
        patentsPage({ store: services.store, index: services.index, log, clock: () => now }),
      ],
    }),
    bodyLimits: PATENT_UPLOADS,
    admin: { token: ADMIN, exportCsv: async () => undefined, leads: leadAdmin(services.leads, () => now), broadcasts: broadcastAdmin(services.broadcasts) },
    ...opts,
  });
}

/** The console's session cookie and a CSRF token, signed in as the operator over HTTP. */
async function operator(p = port): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(`http://127.0.0.1:${p}/console/login`, { method: 'POST', body: new URLSearchParams({ token: ADMIN }), redirect: 'manual' });
  expect(res.status).toBe(303);
  const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
  const page = await (await fetch(`http://127.0.0.1:${p}/console/leads`, { headers: { cookie } })).text();
  return { cookie, csrf: /name="_csrf" value="([^"]+)"/.exec(page)![1]! };
}

const json = async (res: Response) => (await res.json()) as { error?: { code: string; message: string }; replies?: { text: string }[] };

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pb-http-hardening-'));
  services = await createServices(loadConfig({ DATA_DIR: dir, CONTENT_DIR: path.join(PACKAGE_ROOT, 'content'), LOG_LEVEL: 'silent', ADMIN_TOKEN: ADMIN }), createLogger('silent'), { loadDemo: false, clock: () => now });
  port = await listen(build());
  base = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  for (const s of servers) s.close();
  await services?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('body limits before the body is read', () => {
  it('refuses an upload without a session before reading its body, and an oversized one with a session as it streams', async () => {
    // The body is never finished: only an answer given without waiting for it can arrive.
    const conn = await openConnection(port);
    await conn.write('POST /console/patents/imports HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=x\r\nTransfer-Encoding: chunked\r\n\r\n');
    await conn.write(`10000\r\n${'x'.repeat(0x10000)}\r\n`);
    const anon = await conn.next();
    expect(anon?.status).toBe(401);
    expect(anon?.headers.connection).toBe('close');
    conn.socket.destroy();

    const { cookie } = await operator();
    const big = await openConnection(port);
    await big.write(`POST /console/patents/imports HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${cookie}\r\nContent-Type: multipart/form-data; boundary=x\r\nTransfer-Encoding: chunked\r\n\r\n`);
    const chunk = `100000\r\n${'y'.repeat(0x100000)}\r\n`;
    let answer: Promise<unknown> | undefined;
    const got = big.next();
    void got.then((r) => (answer = Promise.resolve(r)));
    for (let i = 0; i < 60 && !answer; i++) await big.write(chunk); // 60 MB at most, over the 50 MB limit
    const res = await got;
    expect(res?.status).toBe(413);
    big.socket.destroy();
  });

  it('holds every other route to 1 MB (256 KB for console forms), by declared length or while streaming', async () => {
    const chat = await fetch(`${base}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'x'.repeat(1_100_000) }) });
    expect(chat.status).toBe(413);
    expect((await json(chat)).error?.code).toBe('PAYLOAD_TOO_LARGE');
    // Streamed with no length: the parser is cut off at the limit and the answer is still 413, not "bad JSON".
    const streamed = await fetch(`${base}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode(`{"text":"${'x'.repeat(1_100_000)}"}`)), c.close()) }),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    const login = await fetch(`${base}/console/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${'a'.repeat(300 * 1024)}` });
    expect(login.status).toBe(413);
    const notFound = await fetch(`${base}/no/such/route`, { method: 'POST', body: 'x'.repeat(1_100_000) });
    expect(notFound.status).toBe(413);
  });
});

describe('a 413 and the connection it came on', () => {
  it('says Connection: close when it answers before the body has been read, and then closes', async () => {
    for (const head of [
      'POST /api/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\n\r\n',
      'POST /api/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
    ]) {
      const conn = await openConnection(port);
      await conn.write(head);
      const chunked = head.includes('chunked');
      const got = conn.next();
      let done = false;
      void got.then(() => (done = true));
      for (let i = 0; i < 40 && !done; i++) await conn.write(chunked ? `10000\r\n${'x'.repeat(0x10000)}\r\n` : 'x'.repeat(0x10000));
      const res = await got;
      expect(res?.status).toBe(413);
      if (res?.headers.connection?.toLowerCase() === 'close') {
        await conn.closed;
      } else {
        // Kept open: then a second request on it must be answered.
        await conn.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
        expect((await conn.next())?.status).toBe(200);
      }
      conn.socket.destroy();
    }
  });

  it('keeps the connection for the next request after an answer that read the whole body', async () => {
    const conn = await openConnection(port);
    const body = JSON.stringify({ text: 5 });
    await conn.write(`POST /api/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    const first = await conn.next();
    expect(first?.status).toBe(400);
    expect(first?.headers.connection).not.toBe('close');
    await conn.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    expect((await conn.next())?.status).toBe(200);
    conn.socket.destroy();
  });
});

describe('malformed requests get a clear 4xx', () => {
  const brokenMultipart = { 'content-type': 'multipart/form-data; boundary=----x' };
  const broken = '------x\r\nContent-Disposition: form-data; name="token"\r\n\r\nabc'; // no closing boundary

  it('a broken multipart body, on sign-in and on the signed-in forms', async () => {
    const login = await fetch(`${base}/console/login`, { method: 'POST', headers: brokenMultipart, body: broken });
    expect(login.status).toBe(400);
    expect(await login.text()).toMatch(/无法读取|could not be read/);
    const { cookie } = await operator();
    for (const p of ['/console/lang', '/console/logout', '/console/patents/imports', '/console/leads/L-AAAAAA/claim']) {
      const res = await fetch(`${base}${p}`, { method: 'POST', headers: { ...brokenMultipart, cookie }, body: broken, redirect: 'manual' });
      expect(res.status, p).toBe(400);
    }
  });

  it('Origin: null or an unparsable Origin on console POSTs', async () => {
    const { cookie, csrf } = await operator();
    for (const origin of ['null', 'http://[', '::::']) {
      const lang = await fetch(`${base}/console/lang`, { method: 'POST', headers: { origin, cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ lang: 'en', _csrf: csrf }), redirect: 'manual' });
      expect(lang.status, origin).toBe(403);
      const login = await fetch(`${base}/console/login`, { method: 'POST', headers: { origin, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: ADMIN }), redirect: 'manual' });
      expect(login.status, origin).toBe(403);
    }
  });

  it('a NUL in the path, the query or a form field', async () => {
    const { cookie, csrf } = await operator();
    const cases: [string, RequestInit][] = [
      ['/admin/api/leads/L-AAAAAA%00', { headers: { authorization: `Bearer ${ADMIN}` } }],
      ['/admin/api/leads?status=open%00', { headers: { authorization: `Bearer ${ADMIN}` } }],
      ['/console/leads/L-AAAAAA%00', { headers: { cookie } }],
      ['/console/registrations?q=%00', { headers: { cookie } }],
      ['/console/registrations?q=a%00b', { headers: { cookie } }],
      ['/console/leads/L-AAAAAA/claim', { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: csrf, offer: '1\u0000' }) }],
      ['/console/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: 'a\u0000b' }) }],
    ];
    for (const [p, init] of cases) {
      const res = await fetch(`${base}${p}`, { ...init, redirect: 'manual' });
      expect(res.status, p).toBe(400);
    }
    // JSON text that would reach Postgres.
    const broadcast = await fetch(`${base}/admin/api/broadcasts`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify({ audience: { kind: 'subscribers' }, textZh: 'a\u0000b' }) });
    expect(broadcast.status).toBe(400);
    expect((await json(broadcast)).error?.message).toMatch(/NUL/);
    const nulPath = await json(await fetch(`${base}/admin/api/leads/L-AAAAAA%00`, { headers: { authorization: `Bearer ${ADMIN}` } }));
    expect(nulPath.error?.code).toBe('BAD_REQUEST');
  });
});

describe('limits a client cannot sidestep', () => {
  const say = (p: number, text: string, headers: Record<string, string> = {}) =>
    fetch(`http://127.0.0.1:${p}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ text }) });

  it('limits requests per address, whatever session they claim; X-Forwarded-For counts only behind a trusted proxy', async () => {
    const direct = await listen(build({ addressLimit: { burst: 5, perMinute: 1 } }));
    const statuses: number[] = [];
    // Each request without a cookie is a new session, and each claims another forwarded address.
    for (let i = 0; i < 8; i++) statuses.push((await say(direct, 'hello', { 'x-forwarded-for': `203.0.113.${i}` })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    const limited = await say(direct, 'hello', { 'accept-language': 'en' });
    expect(limited.headers.get('retry-after')).toBe('60');
    expect((await json(limited)).error?.code).toBe('RATE_LIMITED');
    // Console sign-in shares the per-address budget.
    expect((await fetch(`http://127.0.0.1:${direct}/console/login`, { method: 'POST', body: new URLSearchParams({ token: 'x' }) })).status).toBe(429);

    const proxied = await listen(build({ addressLimit: { burst: 5, perMinute: 1 }, trustedProxy: { hops: 1 } }));
    const byClient: number[] = [];
    for (let i = 0; i < 8; i++) byClient.push((await say(proxied, 'hello', { 'x-forwarded-for': `198.51.100.7, 203.0.113.${i}` })).status);
    expect(byClient).toEqual([200, 200, 200, 200, 200, 200, 200, 200]);
    const listed = await listen(build({ addressLimit: { burst: 2, perMinute: 1 }, trustedProxy: { list: ['127.0.0.1', '10.0.0.0/8'] } }));
    const chain = (client: string) => ({ 'x-forwarded-for': `${client}, 10.1.2.3` });
    expect([(await say(listed, 'hi', chain('203.0.113.9'))).status, (await say(listed, 'hi', chain('203.0.113.9'))).status, (await say(listed, 'hi', chain('203.0.113.9'))).status]).toEqual([200, 200, 429]);
    expect((await say(listed, 'hi', chain('203.0.113.10'))).status).toBe(200);
  });

  it('issues the web session as an HttpOnly SameSite=Strict cookie and refuses a client-chosen session id', async () => {
    const first = await say(port, 'subscribe me to announcements');
    const set = first.headers.get('set-cookie') ?? '';
    expect(set).toMatch(new RegExp(`^${WEB_COOKIE}=[A-Za-z0-9_-]{43};`));
    expect(set).toMatch(/HttpOnly/);
    expect(set).toMatch(/SameSite=Strict/);
    expect(set).toMatch(/Path=\/api\/chat/);
    expect(JSON.stringify(await first.json())).not.toContain(set.split(';')[0]!.split('=')[1]!);
    const cookie = set.split(';')[0]!;
    // The same cookie is the same person; no cookie is someone new.
    expect((await json(await say(port, 'subscribe', { cookie }))).replies![0]!.text).toMatch(/already/i);
    expect((await json(await say(port, 'subscribe'))).replies![0]!.text).not.toMatch(/already/i);
    const chosen = await fetch(`${base}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sessionId: 'victim-session-1', text: 'forget me' }) });
    expect(chosen.status).toBe(400);
    expect((await json(chosen)).error?.code).toBe('SESSION_NOT_ACCEPTED');
    // There is no way to end a session by hand: "New chat" keeps the person (forget me ends it; tests/integration/talk.test.ts).
    expect((await fetch(`${base}/api/chat/session`, { method: 'DELETE', headers: { cookie } })).status).toBe(404);
    const web = await services.database.rows<{ n: number }>(sql`select count(*)::int as n from users where platform = 'web' and platform_user_id like 'w-%'`);
    expect(web[0]!.n).toBeGreaterThanOrEqual(2);
  });

  it('slows down repeated failed console sign-ins from one address: 429 with Retry-After, doubling', async () => {
    const throttle = new SignInThrottle(() => now);
    const p = await listen(build({}, throttle));
    const attempt = (token: string) => fetch(`http://127.0.0.1:${p}/console/login`, { method: 'POST', body: new URLSearchParams({ token }), redirect: 'manual' });
    const statuses: number[] = [];
    for (let i = 0; i < FREE_FAILURES + 1; i++) statuses.push((await attempt(`wrong-${i}`)).status);
    expect(statuses).toEqual(Array(FREE_FAILURES + 1).fill(401));
    // Locked out now: even the right token is not checked.
    const locked = await attempt(ADMIN);
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBe('1');
    expect(await locked.text()).toMatch(/登录失败次数过多|Too many failed sign-ins/);
    now = new Date(now.getTime() + 1000);
    expect((await attempt('wrong-again')).status).toBe(401);
    expect((await attempt(ADMIN)).headers.get('retry-after')).toBe('2');
    now = new Date(now.getTime() + 2000);
    // A success clears the address.
    expect((await attempt(ADMIN)).status).toBe(303);
    expect((await attempt('wrong-after-success')).status).toBe(401);
    expect((await attempt('wrong-after-success-2')).status).toBe(401);
  });
});

describe('browser hardening headers', () => {
  it('the chat page loads no inline script or style and may not be framed; the console likewise', async () => {
    const page = await fetch(`${base}/`);
    expect(page.headers.get('content-security-policy')).toBe(PAGE_CSP);
    expect(PAGE_CSP).toMatch(/script-src 'self'/);
    expect(PAGE_CSP).not.toMatch(/unsafe-inline/);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const htmlText = await page.text();
    expect(htmlText).not.toMatch(/<script>|<style>|style="/);
    expect(htmlText).toContain('<script src="/web/chat.js"></script>');
    const js = await fetch(`${base}/web/chat.js`);
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await js.text()).not.toMatch(/localStorage\.setItem/);
    expect((await fetch(`${base}/web/chat.css`)).headers.get('content-type')).toMatch(/^text\/css/);
    for (const p of ['/console/login', '/api/chat', '/healthz']) {
      const res = await fetch(`${base}${p}`);
      expect(res.headers.get('content-security-policy'), p).toMatch(/frame-ancestors 'none'/);
      expect(res.headers.get('content-security-policy'), p).toMatch(/script-src 'none'/);
      expect(res.headers.get('x-frame-options'), p).toBe('DENY');
      expect(res.headers.get('x-content-type-options'), p).toBe('nosniff');
    }
  });
});
