/**
 * The composition root: the one place that opens the database and the search engine and wires
 * every service. Nothing is started on import; `createServices` does it and `close` undoes it.
 */
import { EmailStore } from './services/email-store.js';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createMeiliClient } from '../search/client.js';
import { startEmbeddedMeilisearch, type EmbeddedMeilisearch } from '../search/embedded-meilisearch.js';
import { loadGlossary } from '../search/glossary.js';
import { semanticFromConfig } from '../search/semantic.js';
import { PatentIndex } from '../search/patent-index.js';
import { PatentSearch } from '../search/patent-search.js';
import { PolicyIndex } from '../search/policy-index.js';
import { calendarCovers, oncePerYear } from './domain/china-calendar.js';
import { chinaDay, type ExpoCalendar } from './domain/expo.js';
import { chinaOfficeHours } from './domain/working-hours.js';
import { loadFaq } from './domain/faq.js';
import { loadContent, type Content } from './domain/policy.js';
import { PolicyService } from './services/policy-service.js';
import { Notifier } from './services/notifier.js';
import { RegistrationStore } from './services/registration-store.js';
import { LeadStore } from './services/lead-store.js';
import { agencyName, LeadService } from './services/lead-service.js';
import { StaffStore } from './services/staff-store.js';
import { BroadcastStore } from './services/broadcast-store.js';
import { BroadcastService } from './services/broadcast-service.js';
import { lt } from './core/lead-strings.js';
import { LlmBudget } from './llm/llm-budget.js';
import { ConsoleAuth } from './console/console-auth.js';
import { LlmClient } from './llm/llm-client.js';
import { HybridNlu } from './llm/hybrid-nlu.js';
import type { LlmDeadline } from './llm/llm-deadline.js';
import type { Config } from './config/config.js';
import { Pipeline } from './core/pipeline.js';
import { openDatabase, type Database } from './db/database.js';
import { classify } from './nlu/classify.js';
import { sql } from 'drizzle-orm';
import { RateLimiter } from './core/rate-limiter.js';
import type { NluResult } from './core/intents.js';
import { importPatents, syncIndex, type ImportReport } from './services/patent-importer.js';
import { PatentStore } from './services/patent-store.js';
import { UserStore } from './services/user-store.js';
import { lockDataDir } from './util/dir-lock.js';
import type { Logger } from './util/log.js';
import { createMetrics, type Metrics } from './util/metrics.js';

export interface Services {
  config: Config;
  log: Logger;
  database: Database;
  index: PatentIndex;
  store: PatentStore;
  users: UserStore;
  search: PatentSearch;
  pipeline: Pipeline;
  /** The per-person message limit, in the database (shared by replicas). */
  rateLimiter: RateLimiter;
  policies: PolicyService;
  registrations: RegistrationStore;
  expos: ExpoCalendar;
  notifier: Notifier;
  /** Web users' e-mail addresses, when SMTP_URL turns e-mail delivery on (the sending lives in serve). */
  emails?: EmailStore;
  staff: StaffStore;
  leads: LeadService;
  broadcasts: BroadcastService;
  consoleAuth: ConsoleAuth;
  content: Content;
  metrics: Metrics;
  meiliHealth(): Promise<void>;
  close(): Promise<void>;
}

export interface ServiceOptions {
  /** Load content/demo-patents.jsonl when the patent store is empty (embedded mode default). */
  loadDemo?: boolean;
  clock?: () => Date;
  metrics?: Metrics;
}

export async function createServices(config: Config, log: Logger, opts: ServiceOptions = {}): Promise<Services> {
  const cleanups: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const c of cleanups.reverse()) await c().catch((err) => log.warn('shutdown step failed', { err }));
  };
  try {
    if (config.embeddedDb || config.embeddedSearch) {
      const unlock = lockDataDir(config.dataDir);
      cleanups.push(async () => unlock());
    }
    const database = await openDatabase(config.DATABASE_URL ? { url: config.DATABASE_URL } : { pgliteDir: path.join(config.dataDir, 'pg') });
    cleanups.push(() => database.close());
    await database.migrate();

    let meili: EmbeddedMeilisearch | undefined;
    if (config.embeddedSearch) {
      meili = await startEmbeddedMeilisearch({ dir: path.join(config.dataDir, 'meili') });
      cleanups.push(() => meili!.stop());
    }
    const url = meili?.url ?? config.MEILI_URL!;
    const client = createMeiliClient(url, meili?.masterKey ?? config.MEILI_MASTER_KEY!);
    const semantic = semanticFromConfig(config);
    const index = new PatentIndex(client, semantic);
    const store = new PatentStore(database.db);
    await index.ensureSettings();
    // Rows written to Postgres but not confirmed by Meilisearch (a crash mid-import) are indexed now.
    const pending = await syncIndex({ store, index }, 'pending');
    if (pending) log.info('indexed pending patents', { count: pending });

    const demoFile = path.join(config.contentDir, 'demo-patents.jsonl');
    if ((opts.loadDemo ?? config.embeddedDb) && existsSync(demoFile) && (await store.count()) === 0) {
      const report: ImportReport = await importPatents(demoFile, { store, index });
      log.info('loaded demo patents', { inserted: report.inserted, rejected: report.rejected.length });
    }

    // Content is checked before anything is served: a malformed policy file stops the start with the list of problems.
    const content: Content = existsSync(config.contentDir) ? loadContent(config.contentDir) : { policies: [], agencies: { sample: true, agencies: [] }, expos: { sample: true, expos: [] } };
    const policyIndex = new PolicyIndex(client);
    await policyIndex.rebuild(content.policies);
    const policies = new PolicyService(content.policies, content.agencies, policyIndex);
    const faq = loadFaq(config.contentDir);

    const users = new UserStore(database.db, database.rows);
    const search = new PatentSearch(client, loadGlossary(), semantic);
    const clock = opts.clock ?? (() => new Date());
    const registrations = new RegistrationStore(database.db);
    const notifier = new Notifier(database.db);
    const emails = config.SMTP_URL ? new EmailStore(database.db) : undefined;
    const metrics = opts.metrics ?? createMetrics();
    metrics.setQueueSource(async () => {
      const ours = await database.rows<{ queue: string; state: string; n: number }>(sql`
        select 'inbox:' || platform as queue, status as state, count(*)::int as n from inbound_updates group by 1, 2
        union all select 'lead-notices', status, count(*)::int from lead_offers group by 2
        union all select 'broadcasts', status, count(*)::int from broadcast_deliveries group by 2`);
      // pg-boss's schema exists once `serve` has started the job queue.
      const boss = await database.rows<{ queue: string; state: string; n: number }>(sql`select 'pgboss:' || name as queue, state, count(*)::int as n from pgboss.job group by 1, 2`).catch(() => []);
      return [...ours, ...boss];
    });
    const staff = new StaffStore(database.db);
    // Claim deadlines skip China's holidays as far as the installed chinese-days knows them.
    const uncoveredYear = oncePerYear((year) =>
      log.warn('China working calendar has no data for this year: claim deadlines count Monday to Friday; update the chinese-days package', { year }),
    );
    const thisYear = Number(chinaDay(clock()).slice(0, 4));
    if (!calendarCovers(thisYear)) uncoveredYear(thisYear);
    const leadStore = new LeadStore(database.db, {
      agencies: content.agencies.agencies,
      dailyLimit: config.LEAD_DAILY_LIMIT,
      claimedNotice: (lead, slug) => ({
        zh: lt('zh', 'claimedNotice')(lead.ref, agencyName(content.agencies, slug, 'zh')),
        en: lt('en', 'claimedNotice')(lead.ref, agencyName(content.agencies, slug, 'en')),
      }),
    });
    const leads = new LeadService({
      store: leadStore,
      staff,
      patents: store,
      agencies: content.agencies,
      notifier,
      log: log.child({ component: 'leads' }),
      metrics,
      clock,
      claimHours: config.LEAD_CLAIM_HOURS,
      workingHours: chinaOfficeHours(uncoveredYear),
      maxAttempts: config.LEAD_NOTICE_ATTEMPTS,
    });
    const broadcasts = new BroadcastService({ store: new BroadcastStore(database, clock), log: log.child({ component: 'broadcasts' }), metrics, concurrency: config.BROADCAST_CONCURRENCY });
    // The model is optional and never required: without OPENAI_API_KEY / OPENAI_BASE_URL everything is offline.
    const llmClient =
      config.OPENAI_API_KEY || config.OPENAI_BASE_URL
        ? new LlmClient({
            ...(config.OPENAI_API_KEY ? { apiKey: config.OPENAI_API_KEY } : {}),
            ...(config.OPENAI_BASE_URL ? { baseURL: config.OPENAI_BASE_URL } : {}),
            model: config.OPENAI_MODEL ?? 'gpt-4o-mini',
            timeoutMs: config.LLM_TIMEOUT_MS,
            maxRetries: config.LLM_MAX_RETRIES,
            log: log.child({ component: 'llm' }),
            metrics,
          })
        : undefined;
    const llm = llmClient ? { client: llmClient, budget: new LlmBudget(database, config.LLM_DAILY_CALLS), messageBudgetMs: config.LLM_MESSAGE_BUDGET_MS } : undefined;
    const hybrid = llm ? new HybridNlu({ llm: llm.client, budget: llm.budget, threshold: config.LLM_CONFIDENCE, clock }) : undefined;
    const consoleAuth = new ConsoleAuth(database.db, config.ADMIN_TOKEN, clock);
    const consoleBase = config.PUBLIC_URL ?? `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${config.PORT}`;
    // Per-person buckets in the database hold across replicas; the embedded database has no replicas,
    // so its buckets stay in memory (like the send clock and the address limit): a PGlite statement
    // less per message, CPU on the event loop everything else waits behind. Real time, as the
    // database's clock was: an injected test clock that stands still would never refill them.
    const rateLimiter = new RateLimiter({ capacity: config.RATE_LIMIT_BURST, refillPerSecond: config.RATE_LIMIT_PER_MINUTE / 60, ...(config.embeddedDb ? {} : { database }), scope: 'user' });
    const pipeline = new Pipeline({
      users,
      search,
      patents: store,
      policies,
      expos: content.expos,
      registrations,
      notifier,
      staff,
      leads,
      broadcasts,
      faq,
      privacyUrl: new URL('/privacy', consoleBase).toString(),
      metrics,
      log,
      clock,
      classify,
      consoleLink: async (staffId: number) => new URL(`/console/link/${await consoleAuth.createLink(staffId)}`, consoleBase).toString(),
      rateLimiter,
      ...(emails ? { emails } : {}),
      ...(llm ? { llm } : {}),
      ...(hybrid ? { understand: (text: string, offline: NluResult, userId: number, deadline?: LlmDeadline) => hybrid.understand(text, offline, userId, deadline) } : {}),
    });
    return {
      config,
      log,
      database,
      index,
      store,
      users,
      search,
      pipeline,
      rateLimiter,
      policies,
      registrations,
      expos: content.expos,
      notifier,
      ...(emails ? { emails } : {}),
      staff,
      leads,
      broadcasts,
      consoleAuth,
      content,
      metrics,
      meiliHealth: async () => {
        await client.health();
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
