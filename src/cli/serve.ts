/** `patent-bridge serve`: HTTP server and adapters until SIGTERM/SIGINT, then a clean drain. */
import { serve as serveHttp } from '@hono/node-server';
import { SlackChannel } from '../../bots/slack/slack-channel.js';
import { TelegramChannel } from '../../bots/telegram/telegram-channel.js';
import { createWecom } from '../../bots/wecom/wecom-setup.js';
import { createServices } from '../app.js';
import { createMetrics } from '../util/metrics.js';
import { InboxStore } from '../services/inbox-store.js';
import { DbRateClock } from '../services/rate-clock.js';
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
import type { Logger } from '../util/log.js';

export async function serve(config: Config, log: Logger): Promise<void> {
  const services = await createServices(config, log, { metrics: createMetrics({ defaults: true }) });
  const inbox = new InboxStore(services.database);
  // One send clock per platform in the database, so the platform's overall limit holds across replicas;
  // with the embedded database only this process can run, and the in-memory pacing is enough.
  const rateClock = config.embeddedDb ? undefined : new DbRateClock(services.database);
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
        sender: { globalPerSecond: config.TELEGRAM_MAX_PER_SECOND, perChatIntervalMs: config.TELEGRAM_CHAT_INTERVAL_MS, ...(rateClock ? { shared: { clock: rateClock, key: 'telegram' } } : {}) },
      })
    : undefined;
  const slack =
    config.SLACK_BOT_TOKEN && config.SLACK_SIGNING_SECRET
      ? new SlackChannel({
          token: config.SLACK_BOT_TOKEN,
          signingSecret: config.SLACK_SIGNING_SECRET,
          apiUrl: config.SLACK_API_URL,
          pipeline: services.pipeline,
          inbox,
          log: log.child({ channel: 'slack' }),
          metrics: services.metrics,
          sender: { perSecond: config.SLACK_MAX_PER_SECOND, perChannelIntervalMs: config.SLACK_CHANNEL_INTERVAL_MS, ...(rateClock ? { shared: { clock: rateClock, key: 'slack' } } : {}) },
        })
      : undefined;
  const wecom = createWecom(config, { pipeline: services.pipeline, database: services.database, inbox, log, metrics: services.metrics, ...(rateClock ? { rateClock } : {}) });
  const app = createHttpApp({
    pipeline: services.pipeline,
    log,
    clock: () => new Date(),
    readiness: { postgres: () => services.database.ping(), meilisearch: () => services.meiliHealth() },
    metrics: services.metrics.registry,
    ...(telegram?.mode === 'webhook' ? { telegramWebhook: (req: Request) => telegram.handleWebhook(req) } : {}),
    ...(slack ? { slackEvents: (req: Request) => slack.handleRequest(req) } : {}),
    ...(wecom ? { wecomCallback: (req: Request) => wecom.channel.handleRequest(req) } : {}),
    console: createConsole({
      auth: services.consoleAuth,
      log: log.child({ component: 'console' }),
      secure: (config.PUBLIC_URL ?? '').startsWith('https:'),
      pages: [
        dashboardPage({ database: services.database, clock: () => new Date() }),
        leadsPage({ leads: services.leads, staff: services.staff, agencies: services.content.agencies, clock: () => new Date() }),
        registrationsPage({ registrations: services.registrations, expos: services.expos, db: services.database.db, clock: () => new Date() }),
        broadcastsPage({ broadcasts: services.broadcasts, expos: services.expos, log: log.child({ component: 'console' }) }),
        patentsPage({ store: services.store, index: services.index, log: log.child({ component: 'console' }), clock: () => new Date() }),
      ],
      uploads: PATENT_UPLOADS,
    }),
    ...(config.ADMIN_TOKEN
      ? {
          admin: {
            token: config.ADMIN_TOKEN,
            exportCsv: async (slug: string) => {
              const { exportRegistrationsCsv } = await import('../services/registration-export.js');
              return services.expos.expos.some((e) => e.slug === slug) ? exportRegistrationsCsv(services.database.db, slug) : undefined;
            },
            leads: leadAdmin(services.leads),
            broadcasts: (await import('../http/admin-broadcasts.js')).broadcastAdmin(services.broadcasts),
          },
        }
      : {}),
  });
  const server = serveHttp({ fetch: app.fetch, port: config.PORT, hostname: config.HOST });
  const jobs = new Jobs(services.database, log.child({ component: 'jobs' }));
  // Anything that fails during start-up undoes what was started, in reverse, and says what failed.
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', (err) => reject(new Error(`cannot listen on ${config.HOST}:${config.PORT}: ${err.message}`)));
    });
    await slack?.start().catch((err: Error) => Promise.reject(new Error(`Slack did not answer at SLACK_API_URL (check SLACK_BOT_TOKEN): ${err.message}`)));
    await telegram?.start().catch((err: Error) => Promise.reject(new Error(`Telegram did not answer at TELEGRAM_API_ROOT (check TELEGRAM_BOT_TOKEN): ${err.message}`)));
    // WeCom: the app's worker, and 微信客服 reads what arrived while we were down (a WeCom error is logged, not fatal).
    wecom?.channel.start();
    await wecom?.kf?.start();
    if (wecom?.app) {
      services.notifier.register('wecom', (id, text) => wecom.channel.push(id, text));
      services.leads.registerOutlet('wecom', wecom.channel.outlet);
      services.broadcasts.registerOutlet('wecom', wecom.channel.outlet);
    }
    if (wecom?.kf) {
      const kf = wecom.kf;
      services.notifier.register('wechat', (id, text) => kf.push(id, text));
      services.broadcasts.registerOutlet('wechat', kf.outlet);
    }
    // Durable jobs: expo reminders, pushed through Telegram/Slack where the person is, else kept as a notice.
    if (telegram) services.notifier.register('telegram', (id, text) => telegram.push(id, text));
    if (slack) services.notifier.register('slack', (id, text) => slack.push(id, text));
    // Lead notices: pending ones (a crash, a restart, an outage) go out now, then as they arrive.
    if (telegram) services.leads.registerOutlet('telegram', telegram.outlet);
    if (slack) services.leads.registerOutlet('slack', slack.outlet);
    services.leads.start();
    // Broadcasts: rows left by a crash or another replica are picked up here too.
    if (telegram) services.broadcasts.registerOutlet('telegram', telegram.outlet);
    if (slack) services.broadcasts.registerOutlet('slack', slack.outlet);
    services.broadcasts.start();
    await jobs.start();
    const queued = await jobs.scheduleReminders(services.expos, new Date());
    if (queued) log.info('expo reminders scheduled', { count: queued });
    await jobs.workReminders((slug) => sendExpoReminders(services.database.db, services.expos, services.notifier, slug));
  } catch (err) {
    await services.broadcasts.stop();
    await services.leads.stop();
    await jobs.stop().catch(() => {});
    await telegram?.stop();
    await slack?.stop();
    await wecom?.kf?.stop();
    await wecom?.channel.stop();
    server.close();
    await services.close();
    throw err;
  }

  log.info('patent-bridge ready', { url: `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${config.PORT}`, database: services.database.kind });
  process.stderr.write(`\npatent-bridge: web chat at http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${config.PORT}\n\n`);

  const prune = setInterval(() => {
    services.users.pruneUpdates().catch((err) => log.warn('pruning processed updates failed', { err }));
    inbox.prune().catch((err) => log.warn('pruning the inbox failed', { err }));
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
  await telegram?.stop();
  await slack?.stop();
  await wecom?.kf?.stop();
  await wecom?.channel.stop();
  await services.close();
  log.info('stopped');
}
