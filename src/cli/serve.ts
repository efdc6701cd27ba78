/** `patent-bridge serve`: HTTP server and adapters until SIGTERM/SIGINT, then a clean drain. */
import { emailUnsubscribe } from '../http/email-unsubscribe.js';
import { EmailOutlet, linkSecret } from '../services/email-outlet.js';
import { serve as serveHttp } from '@hono/node-server';
import { DingTalkChannel } from '../../bots/dingtalk/dingtalk-channel.js';
import { FeishuChannel } from '../../bots/feishu/feishu-channel.js';
import { SlackChannel } from '../../bots/slack/slack-channel.js';
import { TelegramChannel } from '../../bots/telegram/telegram-channel.js';
import { createWecom } from '../../bots/wecom/wecom-setup.js';
import { createServices } from '../app.js';
import { createMetrics } from '../util/metrics.js';
import { InboxStore } from '../services/inbox-store.js';
import { DbRateClock, MemoryRateClock } from '../services/rate-clock.js';
import { Jobs } from '../services/jobs.js';
import { sendExpoReminders } from '../services/reminders.js';
import type { Config } from '../config/config.js';
import { createHttpApp } from '../http/http-app.js';
import { createConsole } from '../console/console-app.js';
import { dashboardPage } from '../console/pages/dashboard-page.js';
import { leadsPage } from '../console/pages/leads-page.js';
import { registrationsPage } from '../console/pages/registrations-page.js';
import { broadcastsPage } from '../console/pages/broadcasts-page.js';
import { PATENT_UPLOADS, patentsPage } from '../console/pages/patents-page.js';
import { leadAdmin } from '../http/admin-leads.js';
import { inviteAdmin } from '../http/admin-invites.js';
import type { Logger } from '../util/log.js';
import type { PushPlatform } from '../core/platforms.js';
import type { Outlet } from '../services/outlet.js';

/** What serve needs of a channel adapter once it is built. */
interface RunningChannel {
  start(): Promise<void> | void;
  stop(): Promise<void>;
  /** A notice to a person (a reminder); false when it could not be delivered. */
  push(id: string, text: string): Promise<boolean>;
  outlet: Outlet;
}

export async function serve(config: Config, log: Logger): Promise<void> {
  const services = await createServices(config, log, { metrics: createMetrics({ defaults: true }) });
  const inbox = new InboxStore(services.database, services.metrics);
  // Send pacing (overall spacing and per chat) on the database's clock, so it holds across replicas.
  // With the embedded database only this process can run: the same booking in memory, which spares a
  // PGlite statement per send (they queue on its one connection and hold the event loop, which
  // bunches sends: 23 in a second at a cap of 20 under load, against ≤ 20 in memory).
  const dbClock = config.embeddedDb ? undefined : new DbRateClock(services.database);
  const rateClock = dbClock ?? new MemoryRateClock();
  const telegram = config.TELEGRAM_BOT_TOKEN
    ? new TelegramChannel({
        token: config.TELEGRAM_BOT_TOKEN,
        apiRoot: config.TELEGRAM_API_ROOT,
        ...(config.PUBLIC_URL ? { publicUrl: config.PUBLIC_URL } : {}),
        ...(config.TELEGRAM_WEBHOOK_SECRET ? { webhookSecret: config.TELEGRAM_WEBHOOK_SECRET } : {}),
        pipeline: services.pipeline,
        inbox,
        users: services.users,
        log: log.child({ channel: 'telegram' }),
        metrics: services.metrics,
        sender: { globalPerSecond: config.TELEGRAM_MAX_PER_SECOND, perChatIntervalMs: config.TELEGRAM_CHAT_INTERVAL_MS, shared: { clock: rateClock, key: 'telegram' } },
      })
    : undefined;
  const slack =
    config.SLACK_BOT_TOKEN && (config.SLACK_SIGNING_SECRET || config.SLACK_APP_TOKEN)
      ? new SlackChannel({
          token: config.SLACK_BOT_TOKEN,
          ...(config.SLACK_SIGNING_SECRET ? { signingSecret: config.SLACK_SIGNING_SECRET } : {}),
          ...(config.SLACK_APP_TOKEN ? { appToken: config.SLACK_APP_TOKEN } : {}),
          apiUrl: config.SLACK_API_URL,
          pipeline: services.pipeline,
          inbox,
          log: log.child({ channel: 'slack' }),
          metrics: services.metrics,
          sender: { perSecond: config.SLACK_MAX_PER_SECOND, perChannelIntervalMs: config.SLACK_CHANNEL_INTERVAL_MS, shared: { clock: rateClock, key: 'slack' } },
        })
      : undefined;
  const wecom = createWecom(config, { pipeline: services.pipeline, database: services.database, inbox, log, metrics: services.metrics, rateClock });
  if (wecom?.kf) services.users.onForget('wechat', (id) => wecom.kf!.forget(id));
  const dingtalk =
    config.DINGTALK_CLIENT_ID && config.DINGTALK_CLIENT_SECRET
      ? new DingTalkChannel({
          clientId: config.DINGTALK_CLIENT_ID,
          clientSecret: config.DINGTALK_CLIENT_SECRET,
          robotCode: config.DINGTALK_ROBOT_CODE ?? config.DINGTALK_CLIENT_ID,
          apiUrl: config.DINGTALK_API_URL.replace(/\/+$/, ''),
          pipeline: services.pipeline,
          inbox,
          log: log.child({ channel: 'dingtalk' }),
          metrics: services.metrics,
          sender: { groupPerMinute: config.DINGTALK_GROUP_PER_MINUTE, perSecond: config.DINGTALK_MAX_PER_SECOND, shared: { clock: rateClock, key: 'dingtalk' } },
        })
      : undefined;
  const feishu =
    config.FEISHU_APP_ID && config.FEISHU_APP_SECRET
      ? new FeishuChannel({
          appId: config.FEISHU_APP_ID,
          appSecret: config.FEISHU_APP_SECRET,
          domain: config.FEISHU_DOMAIN,
          mode: config.PUBLIC_URL ? 'http' : 'ws',
          ...(config.FEISHU_ENCRYPT_KEY ? { encryptKey: config.FEISHU_ENCRYPT_KEY } : {}),
          ...(config.FEISHU_VERIFICATION_TOKEN ? { verificationToken: config.FEISHU_VERIFICATION_TOKEN } : {}),
          pipeline: services.pipeline,
          inbox,
          log: log.child({ channel: 'feishu' }),
          metrics: services.metrics,
          sender: { perSecond: config.FEISHU_MAX_PER_SECOND, perChatPerSecond: config.FEISHU_CHAT_PER_SECOND, shared: { clock: rateClock, key: 'feishu' } },
        })
      : undefined;
  // E-mail for web-only subscribers: an outlet and a push, not a chat channel.
  const mail = services.emails && config.SMTP_URL && config.MAIL_FROM ? { store: services.emails, secret: linkSecret({ ...config, SMTP_URL: config.SMTP_URL, MAIL_FROM: config.MAIL_FROM }) } : undefined;
  const email = mail
    ? new EmailOutlet({
        smtpUrl: config.SMTP_URL!,
        from: config.MAIL_FROM!,
        baseUrl: config.PUBLIC_URL ?? `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${config.PORT}`,
        secret: mail.secret,
        store: mail.store,
        log: log.child({ channel: 'email' }),
        metrics: services.metrics,
        perMinute: config.MAIL_PER_MINUTE,
        shared: { clock: rateClock, key: 'email' },
      })
    : undefined;
  // The channels that run, each with the words start-up uses when it cannot reach its platform.
  const channels: { platform: PushPlatform; channel: RunningChannel; failure: string; pushes?: boolean; leadInbox?: boolean }[] = [
    ...(slack ? [{ platform: 'slack' as const, channel: slack, failure: `Slack did not answer at SLACK_API_URL (check SLACK_BOT_TOKEN${config.SLACK_APP_TOKEN ? ' and SLACK_APP_TOKEN' : ''})` }] : []),
    ...(telegram ? [{ platform: 'telegram' as const, channel: telegram, failure: 'Telegram did not answer at TELEGRAM_API_ROOT (check TELEGRAM_BOT_TOKEN)' }] : []),
    ...(dingtalk ? [{ platform: 'dingtalk' as const, channel: dingtalk, failure: 'DingTalk Stream did not connect at DINGTALK_API_URL (check DINGTALK_CLIENT_ID/SECRET)' }] : []),
    ...(feishu ? [{ platform: 'feishu' as const, channel: feishu, failure: 'Feishu did not answer at FEISHU_DOMAIN (check FEISHU_APP_ID/FEISHU_APP_SECRET)' }] : []),
    // The WeCom callback always runs with WeCom; it pushes only when the self-built app is configured.
    ...(wecom ? [{ platform: 'wecom' as const, channel: wecom.channel, failure: 'WeCom did not start', pushes: wecom.app }] : []),
    // 微信客服 reads what arrived while we were down (a WeCom error is logged, not fatal); no lead inboxes there.
    ...(wecom?.kf ? [{ platform: 'wechat' as const, channel: wecom.kf, failure: '微信客服 did not start', leadInbox: false }] : []),
  ];
  const app = createHttpApp({
    pipeline: services.pipeline,
    log,
    clock: () => new Date(),
    readiness: { postgres: () => services.database.ping(), meilisearch: () => services.meiliHealth() },
    metrics: services.metrics.registry,
    ...(telegram?.mode === 'webhook' ? { telegramWebhook: (req: Request) => telegram.handleWebhook(req) } : {}),
    ...(slack && config.SLACK_SIGNING_SECRET ? { slackEvents: (req: Request) => slack.handleRequest(req) } : {}),
    ...(feishu?.mode === 'http' ? { feishuEvents: (req: Request) => feishu.handleRequest(req) } : {}),
    ...(wecom ? { wecomCallback: (req: Request) => wecom.channel.handleRequest(req) } : {}),
    ...(mail ? { emailUnsubscribe: emailUnsubscribe(mail.store, mail.secret) } : {}),
    console: createConsole({
      auth: services.consoleAuth,
      log: log.child({ component: 'console' }),
      secure: (config.PUBLIC_URL ?? '').startsWith('https:'),
      pages: [
        dashboardPage({ database: services.database, clock: () => new Date() }),
        leadsPage({ leads: services.leads, staff: services.staff, agencies: services.content.agencies, clock: () => new Date() }),
        registrationsPage({ registrations: services.registrations, expos: services.expos, db: services.database.db, clock: () => new Date() }),
        broadcastsPage({ broadcasts: services.broadcasts, expos: services.expos, log: log.child({ component: 'console' }) }),
        patentsPage({ store: services.store, index: services.index, search: services.search, log: log.child({ component: 'console' }), clock: () => new Date() }),
      ],
    }),
    bodyLimits: PATENT_UPLOADS,
    ...(config.TRUSTED_PROXY ? { trustedProxy: config.TRUSTED_PROXY } : {}),
    addressLimit: { burst: config.ADDRESS_RATE_LIMIT_BURST, perMinute: config.ADDRESS_RATE_LIMIT_PER_MINUTE, ...(config.embeddedDb ? {} : { database: services.database }) },
    secureCookies: (config.PUBLIC_URL ?? '').startsWith('https:'),
    ...(config.WECOM_KF_URL ? { wechatKfUrl: config.WECOM_KF_URL } : {}),
    ...(config.ICP_FILING ? { icpFiling: config.ICP_FILING } : {}),
    ...(config.ADMIN_TOKEN
      ? {
          admin: {
            token: config.ADMIN_TOKEN,
            exportCsv: async (slug: string, locale: 'zh' | 'en') => {
              const { exportRegistrationsCsv } = await import('../services/registration-export.js');
              return services.expos.expos.some((e) => e.slug === slug) ? exportRegistrationsCsv(services.database.db, slug, locale) : undefined;
            },
            leads: leadAdmin(services.leads),
            broadcasts: (await import('../http/admin-broadcasts.js')).broadcastAdmin(services.broadcasts),
            invites: inviteAdmin(services.staff, services.content.agencies, services.expos),
          },
        }
      : {}),
  });
  const server = serveHttp({ fetch: app.fetch, port: config.PORT, hostname: config.HOST });
  const jobs = new Jobs(services.database, log.child({ component: 'jobs' }), () => new Date());
  // Anything that fails during start-up undoes what was started, in reverse, and says what failed.
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', (err) => reject(new Error(`cannot listen on ${config.HOST}:${config.PORT}: ${err.message}`)));
    });
    // Each running channel starts, then receives what the product pushes through it: reminders,
    // lead notices (pending ones from a crash or an outage go out at once) and broadcasts.
    for (const c of channels) {
      await Promise.resolve(c.channel.start()).catch((err: Error) => Promise.reject(new Error(`${c.failure}: ${err.message}`)));
      if (c.pushes === false) continue;
      services.notifier.register(c.platform, (id, text) => c.channel.push(id, text));
      if (c.leadInbox !== false) services.leads.registerOutlet(c.platform, c.channel.outlet);
      services.broadcasts.registerOutlet(c.platform, c.channel.outlet);
    }
    if (email) {
      // Web users are reached by mail when they gave an address; reminders and lead news address them by web id.
      services.notifier.register('web', email.push);
      services.broadcasts.registerOutlet('email', email.outlet);
    }
    services.leads.start();
    services.broadcasts.start();
    await jobs.start();
    const queued = await jobs.scheduleReminders(services.expos);
    if (queued) log.info('expo reminders scheduled', { count: queued });
    await jobs.workReminders((slug) => sendExpoReminders(services.database.db, services.expos, services.notifier, slug));
  } catch (err) {
    await services.broadcasts.stop();
    await services.leads.stop();
    await jobs.stop().catch(() => {});
    for (const c of [...channels].reverse()) await c.channel.stop();
    email?.close();
    server.close();
    await services.close();
    throw err;
  }

  log.info('patent-bridge ready', { url: `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${config.PORT}`, database: services.database.kind });
  process.stderr.write(`\npatent-bridge: web chat at http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${config.PORT}\n\n`);

  const prune = setInterval(() => {
    services.users.pruneUpdates().catch((err) => log.warn('pruning processed updates failed', { err }));
    inbox.prune().catch((err) => log.warn('pruning the inbox failed', { err }));
    dbClock?.prune().catch((err) => log.warn('pruning the send clock failed', { err }));
    services.rateLimiter.prune().catch((err) => log.warn('pruning rate-limit buckets failed', { err }));
  }, 3_600_000);
  prune.unref();

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        // A second signal: the operator does not want to wait for the drain.
        log.warn('second signal; exiting without draining', { signal });
        process.exit(130);
      }
      stopping = true;
      log.info('shutting down', { signal });
      // Stop accepting, let in-flight requests finish, then close stores.
      server.close(() => resolve());
      // Keep-alive connections with nothing in flight would hold the close open until they time out.
      (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      setTimeout(() => resolve(), 10_000).unref();
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  });
  clearInterval(prune);
  await services.broadcasts.stop();
  await services.leads.stop();
  await jobs.stop();
  for (const c of [...channels].reverse()) await c.channel.stop();
  email?.close();
  await services.close();
  log.info('stopped');
}
