/**
 * The HTTP surface: web chat page and API, health and readiness. Built as a Hono app so tests call
 * `app.request()` without a listening socket.
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Hono } from 'hono';
import { BadActionError, chatRequestSchema, renderWeb, toInbound } from '../../bots/web/web-adapter.js';
import { consoleTooLarge, MAX_FORM_BYTES } from '../console/console-app.js';
import { escapeHtml } from '../console/html.js';
import { PipelineError, type Pipeline } from '../core/pipeline.js';
import { RateLimiter } from '../core/rate-limiter.js';
import type { Logger } from '../util/log.js';
import { PACKAGE_ROOT } from '../util/paths.js';
import { HttpError, limitBodies, readJson } from './body-limit.js';
import { addressOf, clientAddressResolver, type AddressEnv, type TrustedProxy } from './client-address.js';
import { securityHeaders } from './security-headers.js';
import { setAnswerHeader } from './answer-header.js';
import { WebSessions } from './web-sessions.js';
import { MAX_BROADCAST_BODY, mountBroadcastAdmin, type BroadcastAdmin } from './admin-broadcasts.js';
import { mountLeadAdmin, type LeadAdmin } from './admin-leads.js';
import { mountInviteAdmin, type InviteAdmin } from './admin-invites.js';
import type { Database } from '../db/database.js';
import type { Locale } from '../core/types.js';

export interface HttpDeps {
  pipeline: Pipeline;
  log: Logger;
  clock: () => Date;
  /** Prometheus registry served at GET /metrics. */
  metrics?: { contentType: string; metrics(): Promise<string> };
  /** Each check throws when its dependency is unreachable. */
  readiness: Record<string, () => Promise<void>>;
  /** The Telegram webhook, when the Telegram channel runs in webhook mode. */
  telegramWebhook?: (req: Request) => Promise<Response>;
  /** Admin API, when ADMIN_TOKEN is set: registrations export by edition; trade leads and their dead-lettered notices; organiser broadcasts; staff and organiser invites. */
  admin?: { token: string; exportCsv: (slug: string, locale: Locale) => Promise<{ csv: string; rows: number } | undefined>; leads?: LeadAdmin; broadcasts?: BroadcastAdmin; invites?: InviteAdmin };
  /** Slack events, interactivity and the slash command, when the Slack channel runs. */
  slackEvents?: (req: Request) => Promise<Response>;
  /** Feishu event callbacks, when the Feishu channel runs in HTTP mode. */
  feishuEvents?: (req: Request) => Promise<Response>;
  /** WeCom callbacks (self-built app and 微信客服): GET URL check and POST messages, when WECOM_CORP_ID is set. */
  wecomCallback?: (req: Request) => Promise<Response>;
  /** The unsubscribe link of every e-mail (GET: a page with a button; POST: unsubscribes), when e-mail delivery is on. */
  emailUnsubscribe?: (req: Request) => Promise<Response>;
  /** The operator console (/console), a Hono app of its own. */
  console?: Hono;
  /** Paths that take a larger body than the default (the console's patent upload); the route must refuse an unauthorised request before it reads the body. */
  bodyLimits?: Record<string, number>;
  /** Reverse proxies whose X-Forwarded-For names the client (TRUSTED_PROXY); none: the socket's address. */
  trustedProxy?: TrustedProxy;
  /** Requests per client address to the web chat API and console sign-in (a token bucket); none: no per-address limit. */
  /** Per client address; in the database when given (server mode: shared by replicas), else in this process. */
  addressLimit?: { burst: number; perMinute: number; database?: Pick<Database, 'rows'> };
  /** Secure web-chat cookies (served over https). */
  secureCookies?: boolean;
  /** The published 微信客服 link (WECOM_KF_URL): the page offers to continue the chat in WeChat. */
  wechatKfUrl?: string;
  /** The operator's ICP filing number, shown in the chat page's footer (linked to the MIIT filing system); unset: no line. */
  icpFiling?: string;
}

/** Any request body, unless its path has its own limit (console forms: MAX_FORM_BYTES). Large enough that a 100 KB message (300 KB of UTF-8 Chinese) gets a polite "too long" reply. */
export const MAX_BODY = 1024 * 1024;
/** Paths the per-address limit covers: the web chat API and the console's sign-in forms. */
const ADDRESS_LIMITED = /^\/(?:api\/|console\/(?:login|link\/))/;

function error(code: string, message: string) {
  return { error: { code, message } };
}

/** The page's `<!--wechat-kf-link-->` becomes a link into the 微信客服 account, when one is published. */
function withKfLink(page: string, kfUrl: string | undefined): string {
  if (!kfUrl) return page;
  const link = `<p class="note" data-test="wechat-kf"><a href="${escapeHtml(kfUrl)}" target="_blank" rel="noopener noreferrer">在微信中咨询 · Chat with us on WeChat</a></p>`;
  return page.replace('<!--wechat-kf-link-->', link);
}

/** The chat page with the operator's ICP filing line in its footer (linked to the MIIT filing system, as the rules ask), or without one. */
function chatPage(html: string, icp: string | undefined): string {
  const text = escapeHtml(icp ?? '');
  const line = icp ? ` · <a class="icp" href="https://beian.miit.gov.cn/" target="_blank" rel="noopener">${text}</a>` : '';
  return html.replace('<!--ICP-->', line);
}

export function createHttpApp(deps: HttpDeps): Hono {
  const page = withKfLink(chatPage(readFileSync(path.join(PACKAGE_ROOT, 'src/web/index.html'), 'utf8'), deps.icpFiling), deps.wechatKfUrl);
  const privacy = readFileSync(path.join(PACKAGE_ROOT, 'src/web/privacy.html'), 'utf8');
  const favicon = readFileSync(path.join(PACKAGE_ROOT, 'src/web/favicon.svg'), 'utf8');
  const app = new Hono<AddressEnv>();
  // Keyed on the request's context: limitBodies may replace c.req.raw.
  const requestIds = new WeakMap<object, string>();
  const resolveAddress = clientAddressResolver(deps.trustedProxy);
  const a = deps.addressLimit;
  const perAddress = a
    ? new RateLimiter({ capacity: a.burst, refillPerSecond: a.perMinute / 60, now: () => deps.clock().getTime(), ...(a.database ? { database: a.database, scope: 'address' } : {}) })
    : undefined;
  const sessions = new WebSessions({ secure: deps.secureCookies ?? false });

  // Every answer carries a request id (the caller's, when it sent a sane one); error logs name it.
  app.use('*', async (c, next) => {
    const given = c.req.header('x-request-id');
    const id = given && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    requestIds.set(c, id);
    c.set('clientAddress', resolveAddress(c));
    await next();
    // Set on the answer itself: a handler that returns its own Response (the platform webhooks) keeps it too.
    setAnswerHeader(c, 'x-request-id', id);
  });
  app.use('*', securityHeaders());
  // A NUL anywhere in the path or query is never meaningful, and Postgres refuses it in text.
  app.use('*', async (c, next) => {
    if (/%00|\u0000/i.test(c.req.url)) return c.json(error('BAD_REQUEST', 'the address contains a NUL character'), 400);
    await next();
  });
  // WeCom's callbacks are small XML documents; anything near 64 KB is not one.
  const limits: Record<string, number> = { '/admin/api/broadcasts': MAX_BROADCAST_BODY, '/wecom/callback': 64 * 1024, ...deps.bodyLimits };
  app.use('*', limitBodies((p) => limits[p] ?? (p.startsWith('/console/') ? MAX_FORM_BYTES : MAX_BODY), consoleTooLarge));
  if (perAddress)
    app.use('*', async (c, next) => {
      if (c.req.method === 'POST' && ADDRESS_LIMITED.test(c.req.path) && !(await perAddress.take(addressOf(c)))) {
        const en = (c.req.header('accept-language') ?? '').toLowerCase().startsWith('en');
        return c.json(error('RATE_LIMITED', en ? 'Too many requests from your address; please wait a minute.' : '来自您所在网络的请求过多，请稍等一分钟再试。'), 429, { 'retry-after': '60' });
      }
      await next();
    });

  app.get('/', (c) => c.html(page, 200, { 'cache-control': 'no-cache' }));
  for (const [file, type] of [['chat.js', 'text/javascript; charset=utf-8'], ['chat.css', 'text/css; charset=utf-8']] as const) {
    const body = readFileSync(path.join(PACKAGE_ROOT, 'src/web', file), 'utf8');
    app.get(`/web/${file}`, (c) => c.body(body, 200, { 'content-type': type, 'cache-control': 'no-cache' }));
  }

  app.get('/privacy', (c) => c.html(privacy, 200, { 'cache-control': 'no-cache' }));
  app.get('/favicon.svg', (c) => c.body(favicon, 200, { 'content-type': 'image/svg+xml', 'cache-control': 'max-age=86400' }));
  app.get('/favicon.ico', (c) => c.redirect('/favicon.svg', 301));

  app.get('/healthz', (c) => c.json({ status: 'ok' }));

  app.get('/metrics', async (c) => {
    if (!deps.metrics) return c.json(error('NOT_FOUND', 'metrics are not enabled'), 404);
    return c.body(await deps.metrics.metrics(), 200, { 'content-type': deps.metrics.contentType });
  });

  app.get('/readyz', async (c) => {
    const results: Record<string, string> = {};
    let ok = true;
    await Promise.all(
      Object.entries(deps.readiness).map(async ([name, check]) => {
        try {
          await check();
          results[name] = 'ok';
        } catch (err) {
          ok = false;
          results[name] = `unreachable: ${(err as Error).message}`.slice(0, 200);
        }
      }),
    );
    return c.json({ status: ok ? 'ready' : 'not ready', checks: results }, ok ? 200 : 503);
  });

  app.post('/api/chat', async (c) => {
    if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('application/json'))
      return c.json(error('UNSUPPORTED_MEDIA_TYPE', 'send JSON with content-type: application/json'), 415);
    const body = await readJson(c);
    // The web user is the server-issued cookie, never an id the client picks (see WebSessions).
    if (body && typeof body === 'object' && 'sessionId' in body)
      return c.json(error('SESSION_NOT_ACCEPTED', 'sessionId is not accepted: the server keeps the web session in an HttpOnly cookie; send the cookie back instead'), 400);
    const parsed = chatRequestSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return c.json(error('BAD_REQUEST', `${issue.path.join('.') || 'body'}: ${issue.message}`), 400);
    }
    let msg;
    try {
      msg = toInbound(parsed.data, sessions.user(c), deps.clock());
    } catch (err) {
      if (err instanceof BadActionError) return c.json(error(err.code, err.message), 400);
      throw err;
    }
    try {
      const res = await deps.pipeline.handle(msg);
      // After "forget me" this browser's session ends too: writing again starts as someone new, and the page clears itself.
      if (res.forgotten) sessions.end(c);
      return c.json({ replies: renderWeb(res.replies), ...(res.duplicate ? { duplicate: true } : {}), ...(res.forgotten ? { forgotten: true } : {}) });
    } catch (err) {
      if (err instanceof PipelineError)
        return c.json(error('INTERNAL', err.locale === 'en' ? 'Something went wrong; please try again.' : '处理消息时出错了，请稍后再试。'), 500);
      throw err;
    }
  });
  if (deps.telegramWebhook) {
    const hook = deps.telegramWebhook;
    app.post('/telegram/webhook', (c) => hook(c.req.raw));
  }

  if (deps.slackEvents) {
    const events = deps.slackEvents;
    app.post('/slack/events', (c) => events(c.req.raw));
  }

  if (deps.feishuEvents) {
    const events = deps.feishuEvents;
    app.post('/feishu/events', (c) => events(c.req.raw));
  }

  if (deps.wecomCallback) {
    const wecom = deps.wecomCallback;
    app.get('/wecom/callback', (c) => wecom(c.req.raw));
    app.post('/wecom/callback', (c) => wecom(c.req.raw));
  }

  if (deps.emailUnsubscribe) {
    const unsubscribe = deps.emailUnsubscribe;
    app.get('/email/unsubscribe', (c) => unsubscribe(c.req.raw));
    app.post('/email/unsubscribe', (c) => unsubscribe(c.req.raw));
  }

  if (deps.admin) {
    const admin = deps.admin;
    const want = Buffer.from(`Bearer ${admin.token}`);
    app.use('/admin/api/*', async (c, next) => {
      const got = Buffer.from(c.req.header('authorization') ?? '');
      if (got.length !== want.length || !timingSafeEqual(got, want)) return c.json(error('UNAUTHORIZED', 'send Authorization: Bearer $ADMIN_TOKEN'), 401);
      await next();
    });
    app.get('/admin/api/expos/:slug/registrations.csv', async (c) => {
      const slug = c.req.param('slug');
      if (!/^[a-z0-9-]{3,40}$/.test(slug)) return c.json(error('BAD_REQUEST', 'edition slug must be 3–40 of a-z 0-9 -'), 400);
      const lang = c.req.query('lang') ?? 'zh';
      if (lang !== 'zh' && lang !== 'en') return c.json(error('BAD_LANG', 'lang must be zh or en (headers, statuses and roles in that language)'), 400);
      const res = await admin.exportCsv(slug, lang);
      if (!res) return c.json(error('NOT_FOUND', `no edition ${slug} in content/expos.yaml`), 404);
      return c.body(res.csv, 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${slug}-registrations.csv"` });
    });
    if (admin.leads) mountLeadAdmin(app as unknown as Hono, admin.leads, deps.log);
    if (admin.broadcasts) mountBroadcastAdmin(app as unknown as Hono, admin.broadcasts, deps.log);
    if (admin.invites) mountInviteAdmin(app as unknown as Hono, admin.invites, deps.log);
  }

  if (deps.console) app.route('/', deps.console);

  app.notFound((c) => c.json(error('NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`), 404));
  app.onError((err, c) => {
    if (err instanceof HttpError) return c.json(error(err.code, err.message), err.status);
    deps.log.error('unhandled http error', { path: c.req.path, requestId: requestIds.get(c), err });
    return c.json(error('INTERNAL', 'internal error'), 500);
  });
  return app as unknown as Hono;
}
