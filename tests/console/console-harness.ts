/**
 * The console with real services (PGlite, embedded Meilisearch) for page tests: sign-in helpers,
 * staff/organiser members and a tiny cookie-keeping browser that follows no redirects; the admin
 * API (Bearer ADMIN) on the same app.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { createServices, type Services } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { createConsole, type ConsoleApp } from '../../src/console/console-app.js';
import { inviteAdmin } from '../../src/http/admin-invites.js';
import { leadAdmin } from '../../src/http/admin-leads.js';
import { createHttpApp } from '../../src/http/http-app.js';
import { exportRegistrationsCsv } from '../../src/services/registration-export.js';
import { createLogger } from '../../src/util/log.js';
import { PACKAGE_ROOT } from '../../src/util/paths.js';

export const ADMIN = 'admin-token-for-console-page-tests';

export interface Harness {
  services: Services;
  app: ReturnType<typeof createHttpApp>;
  browser(): Browser;
  operator(): Promise<Browser>;
  /** A browser signed in through a chat link as a new staff member (`staff`) or organiser. */
  member(role: 'staff' | 'organiser', scope: string): Promise<Browser & { staffId: number }>;
  close(): Promise<void>;
}

export interface Browser {
  req(p: string, init?: RequestInit): Promise<Response>;
  text(p: string): Promise<string>;
  post(p: string, form: Record<string, string>): Promise<Response>;
  upload(p: string, form: FormData): Promise<Response>;
  csrf(p: string): Promise<string>;
}

export async function openHarness(opts: { pages: (s: Services) => ((app: ConsoleApp) => void)[]; uploads?: Record<string, number>; clock?: () => Date }): Promise<Harness> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pb-console-pages-'));
  const services = await createServices(
    loadConfig({ DATA_DIR: dir, CONTENT_DIR: path.join(PACKAGE_ROOT, 'content'), LOG_LEVEL: 'silent', ADMIN_TOKEN: ADMIN }),
    createLogger('silent'),
    { loadDemo: false, ...(opts.clock ? { clock: opts.clock } : {}) },
  );
  const consoleApp = createConsole({ auth: services.consoleAuth, log: createLogger('silent'), secure: false, pages: opts.pages(services) });
  const clock = opts.clock ?? (() => new Date());
  // The admin API as serve.ts builds it, for the tests of the routes that mirror the CLI.
  const admin = {
    token: ADMIN,
    exportCsv: async (slug: string, locale: 'zh' | 'en') => (services.expos.expos.some((e) => e.slug === slug) ? exportRegistrationsCsv(services.database.db, slug, locale) : undefined),
    leads: leadAdmin(services.leads, clock),
    invites: inviteAdmin(services.staff, services.content.agencies, services.expos),
  };
  const app = createHttpApp({ pipeline: services.pipeline, log: createLogger('silent'), clock, readiness: {}, console: consoleApp, admin, ...(opts.uploads ? { bodyLimits: opts.uploads } : {}) });
  let n = 0;

  const browser = (): Browser => {
    let cookie = '';
    const req = async (p: string, init: RequestInit = {}) => {
      const res = await app.request(p, { ...init, headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}), host: 'localhost' } });
      const set = res.headers.get('set-cookie');
      if (set) cookie = set.split(';')[0]!.endsWith('=') ? '' : set.split(';')[0]!;
      return res;
    };
    return {
      req,
      text: async (p) => (await req(p)).text(),
      post: (p, form) => req(p, { method: 'POST', body: new URLSearchParams(form), headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost' } }),
      upload: (p, form) => req(p, { method: 'POST', body: form, headers: { origin: 'http://localhost' } }),
      csrf: async (p) => {
        const token = /name="_csrf" value="([^"]+)"/.exec(await (await req(p)).text())?.[1];
        if (!token) throw new Error(`no CSRF token on ${p}`);
        return token;
      },
    };
  };

  return {
    services,
    app,
    browser,
    async operator() {
      const b = browser();
      const res = await b.post('/console/login', { token: ADMIN });
      if (res.status !== 303) throw new Error(`operator sign-in failed: ${res.status}`);
      return b;
    },
    async member(role, scope) {
      const [u] = await services.database.rows<{ id: number }>(sql`insert into users (platform, platform_user_id) values ('telegram', ${`member-${role}-${scope}-${++n}`}) returning id`);
      const [m] = await services.database.rows<{ id: number }>(sql`insert into staff (user_id, role, scope, display_name) values (${u!.id}, ${role}, ${scope}, ${`${role} ${n}`}) returning id`);
      const b = browser();
      const res = await b.req(`/console/link/${await services.consoleAuth.createLink(m!.id)}`, { method: 'POST' });
      if (res.status !== 303) throw new Error(`member sign-in failed: ${res.status}`);
      return Object.assign(b, { staffId: m!.id });
    },
    async close() {
      await services.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Every hidden input of the form with this data-test attribute (values HTML-unescaped). */
export function hiddenFields(page: string, dataTest: string): Record<string, string> {
  const form = new RegExp(`<form[^>]*data-test="${dataTest}"[^>]*>([\\s\\S]*?)</form>`).exec(page)?.[1];
  if (!form) throw new Error(`no form ${dataTest}`);
  const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return Object.fromEntries([...form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, unescape(m[2]!)]));
}
