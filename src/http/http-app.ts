/**
 * The HTTP surface: web chat page and API, health and readiness. Built as a Hono app so tests call
 * `app.request()` without a listening socket.
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { BadActionError, chatRequestSchema, renderWeb, toInbound } from '../../bots/web/web-adapter.js';
import { PipelineError, type Pipeline } from '../core/pipeline.js';
import type { Logger } from '../util/log.js';
import { PACKAGE_ROOT } from '../util/paths.js';
import { mountBroadcastAdmin, type BroadcastAdmin } from './admin-broadcasts.js';
import { mountLeadAdmin, type LeadAdmin } from './admin-leads.js';

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
  /** Admin API, when ADMIN_TOKEN is set: registrations export by edition; trade leads and their dead-lettered notices; organiser broadcasts. */
  admin?: { token: string; exportCsv: (slug: string) => Promise<{ csv: string; rows: number } | undefined>; leads?: LeadAdmin; broadcasts?: BroadcastAdmin };
  /** Slack events, interactivity and the slash command, when the Slack channel runs. */
  slackEvents?: (req: Request) => Promise<Response>;
  /** WeCom callbacks (self-built app and 微信客服): GET URL check and POST messages, when WECOM_CORP_ID is set. */
  wecomCallback?: (req: Request) => Promise<Response>;
  /** The operator console (/console), a Hono app of its own. */
  console?: Hono;
}

/** Large enough that a 100 KB message (300 KB of UTF-8 Chinese) gets a polite "too long" reply. */
const MAX_BODY = 1024 * 1024;

function error(code: string, message: string) {
  return { error: { code, message } };
}

export function createHttpApp(deps: HttpDeps): Hono {
  const page = readFileSync(path.join(PACKAGE_ROOT, 'src/web/index.html'), 'utf8');
  const app = new Hono();
  const requestIds = new WeakMap<Request, string>();

  // Every answer carries a request id (the caller's, when it sent a sane one); error logs name it.
  app.use('*', async (c, next) => {
    const given = c.req.header('x-request-id');
    const id = given && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    requestIds.set(c.req.raw, id);
    c.header('x-request-id', id);
    await next();
  });

  app.get('/', (c) => c.html(page, 200, { 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' }));

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

  app.post(
    '/api/chat',
    bodyLimit({ maxSize: MAX_BODY, onError: (c) => c.json(error('PAYLOAD_TOO_LARGE', `request body is larger than ${MAX_BODY} bytes`), 413) }),
    async (c) => {
      if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('application/json'))
        return c.json(error('UNSUPPORTED_MEDIA_TYPE', 'send JSON with content-type: application/json'), 415);
      let body: unknown;
      try {
        body = await c.req.json();
      } catch {
        return c.json(error('BAD_JSON', 'request body is not valid JSON'), 400);
      }
      const parsed = chatRequestSchema.safeParse(body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        return c.json(error('BAD_REQUEST', `${issue.path.join('.') || 'body'}: ${issue.message}`), 400);
      }
      let msg;
      try {
        msg = toInbound(parsed.data, deps.clock());
      } catch (err) {
        if (err instanceof BadActionError) return c.json(error(err.code, err.message), 400);
        throw err;
      }
      try {
        const res = await deps.pipeline.handle(msg);
        return c.json({ sessionId: msg.userId, replies: renderWeb(res.replies), ...(res.duplicate ? { duplicate: true } : {}) });
      } catch (err) {
        if (err instanceof PipelineError)
          return c.json(error('INTERNAL', err.locale === 'en' ? 'Something went wrong; please try again.' : '处理消息时出错了，请稍后再试。'), 500);
        throw err;
      }
    },
  );

  if (deps.telegramWebhook) {
    const hook = deps.telegramWebhook;
    app.post('/telegram/webhook', bodyLimit({ maxSize: MAX_BODY, onError: (c) => c.json(error('PAYLOAD_TOO_LARGE', 'update is too large'), 413) }), (c) => hook(c.req.raw));
  }

  if (deps.slackEvents) {
    const events = deps.slackEvents;
    app.post('/slack/events', bodyLimit({ maxSize: MAX_BODY, onError: (c) => c.json(error('PAYLOAD_TOO_LARGE', 'payload is too large'), 413) }), (c) => events(c.req.raw));
  }

  if (deps.wecomCallback) {
    const wecom = deps.wecomCallback;
    app.get('/wecom/callback', (c) => wecom(c.req.raw));
    // WeCom's callbacks are small XML documents; anything near this is not one.
    app.post('/wecom/callback', bodyLimit({ maxSize: 64 * 1024, onError: (c) => c.json(error('PAYLOAD_TOO_LARGE', 'callback is too large'), 413) }), (c) => wecom(c.req.raw));
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
      const res = await admin.exportCsv(slug);
      if (!res) return c.json(error('NOT_FOUND', `no edition ${slug} in content/expos.yaml`), 404);
      return c.body(res.csv, 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${slug}-registrations.csv"` });
    });
    if (admin.leads) mountLeadAdmin(app, admin.leads, deps.log);
    if (admin.broadcasts) mountBroadcastAdmin(app, admin.broadcasts, deps.log);
  }

  if (deps.console) app.route('/', deps.console);

  app.notFound((c) => c.json(error('NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`), 404));
  app.onError((err, c) => {
    deps.log.error('unhandled http error', { path: c.req.path, requestId: requestIds.get(c.req.raw), err });
    return c.json(error('INTERNAL', 'internal error'), 500);
  });
  return app;
}
