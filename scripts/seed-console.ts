/**
 * `npm run seed:console [-- --leads N --registrations N --broadcasts N]`: fills the database of
 * DATABASE_URL (or the PGlite database in DATA_DIR, default ./data, while no service runs on it)
 * with console data — 10,000 leads by default over the last 12 weeks (mixed types, provinces and
 * statuses, with claims, offers and their audit trail in lead_events), 20,000 registrations over the
 * last 30 days (mixed roles and statuses, one person each), and a few finished broadcasts with one
 * delivery row per recipient. Everything is a handful of INSERT … SELECT over generate_series, so
 * it takes seconds. Every run adds new rows under its own tag (names `seed-<tag>-…`), never
 * touching existing ones; seeded offers and deliveries are all final or sent without a deadline, so
 * a running service has nothing to send for them.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { ROLES } from '../src/core/actions.js';
import { LEAD_TYPES, PROVINCES } from '../src/core/intents.js';
import { loadConfig } from '../src/config/config.js';
import { openDatabase, type Database } from '../src/db/database.js';
import { loadContent } from '../src/domain/policy.js';
import { lockDataDir } from '../src/util/dir-lock.js';
import { PACKAGE_ROOT } from '../src/util/paths.js';

export interface SeedOptions {
  leads?: number;
  registrations?: number;
  broadcasts?: number;
  /** Agency slugs leads are claimed by; expo slugs registrations are for (the first gets 80 %). */
  agencies?: string[];
  expos?: string[];
  now?: Date;
}

export interface SeedResult {
  tag: string;
  leads: number;
  leadEvents: number;
  registrations: number;
  broadcasts: number;
  deliveries: number;
  ms: number;
}

const arr = (xs: readonly string[]) => sql.raw(`array[${xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(', ')}]::text[]`);
const pick = (xs: readonly string[]) => sql`(${arr(xs)})[1 + floor(random() * ${xs.length})::int]`;

/** Slugs from content/ (or CONTENT_DIR), for callers that do not pass their own. */
export function contentSlugs(contentDir = path.join(PACKAGE_ROOT, 'content')): { agencies: string[]; expos: string[] } {
  const c = loadContent(contentDir);
  return { agencies: c.agencies.agencies.map((a) => a.slug), expos: c.expos.expos.map((e) => e.slug) };
}

export async function seedConsole(database: Database, o: SeedOptions = {}): Promise<SeedResult> {
  const t0 = performance.now();
  const nLeads = o.leads ?? 10_000;
  const nRegs = o.registrations ?? 20_000;
  const nBcasts = o.broadcasts ?? 6;
  const slugs = o.agencies && o.expos ? { agencies: o.agencies, expos: o.expos } : contentSlugs();
  const agencies = o.agencies ?? slugs.agencies;
  const expos = o.expos ?? slugs.expos;
  const now = sql`${(o.now ?? new Date()).toISOString()}::timestamptz`;
  const tag = randomBytes(3).toString('hex');
  const like = `seed-${tag}-%`;
  const nUsers = Math.max(nRegs, 2000);

  // People: one per registration (at most one active registration per person and edition), at least 2,000 lead authors.
  await database.rows(sql`
    insert into users (platform, platform_user_id, locale, subscribed, created_at, updated_at)
    select 'telegram', 'seed-' || ${tag} || '-' || g, case when g % 4 = 0 then 'en' else 'zh' end, g % 3 = 0, ${now} - interval '40 days', ${now} - interval '40 days'
    from generate_series(1, ${nUsers}) g`);
  // One staff member per agency (claims) and one organiser (broadcasts).
  await database.rows(sql`
    with a as (select slug, ord from unnest(${arr(agencies)}) with ordinality as a(slug, ord)),
    u as (insert into users (platform, platform_user_id) select 'telegram', 'seed-' || ${tag} || '-staff-' || a.ord from a returning id, platform_user_id)
    insert into staff (user_id, role, scope, display_name)
    select u.id, 'staff', a.slug, '示例工作人员 ' || a.ord from u join a on u.platform_user_id = 'seed-' || ${tag} || '-staff-' || a.ord`);
  const [org] = await database.rows<{ id: number }>(sql`
    with u as (insert into users (platform, platform_user_id) values ('telegram', 'seed-' || ${tag} || '-organiser') returning id)
    insert into staff (user_id, role, scope, display_name) select id, 'organiser', ${expos[0] ?? 'expo-2026-wuhan'}, '示例组织者' from u returning id`);

  // Leads over 12 weeks: status new 5 %, notified 12 %, claimed 13 %, contacted 15 %, won 25 %, lost 30 %.
  await database.rows(sql`
    with u as (select id, row_number() over (order by id) as n from users where platform_user_id like ${like} and platform_user_id not like '%-staff-%' and platform_user_id not like '%-organiser'),
    s as (select st.id, st.scope from staff st join users su on su.id = st.user_id where su.platform_user_id like ${like} and st.role = 'staff'),
    g as (select g, random() as r, ${now} - random() * interval '84 days' as at, ${pick(agencies)} as agency from generate_series(1, ${nLeads}) g),
    l as (select g.*, case when r < .05 then 'new' when r < .17 then 'notified' when r < .30 then 'claimed' when r < .45 then 'contacted' when r < .70 then 'won' else 'lost' end as status,
                 interval '1 minute' * (5 + 4320 * random() ^ 3) as wait from g)
    insert into leads (ref, user_id, type, need, province, phone, locale, consent_at, status, agency_slug, claimed_by, claimed_at, created_at, updated_at)
    select 'L-S' || upper(${tag} || lpad(to_hex(l.g), 5, '0')), u.id, ${pick(LEAD_TYPES)}, '示例需求 ' || l.g,
           case when random() < .1 then null else ${pick(PROVINCES)} end, '138' || lpad((l.g % 100000000)::text, 8, '0'),
           case when l.g % 4 = 0 then 'en' else 'zh' end, l.at, l.status,
           case when l.status = 'new' then null else l.agency end,
           case when l.status in ('new', 'notified') then null else s.id end,
           case when l.status in ('new', 'notified') then null else least(l.at + l.wait, ${now}) end,
           l.at, least(l.at + l.wait, ${now})
    from l join u on u.n = 1 + (l.g % ${nUsers}) left join s on s.scope = l.agency`);
  const leadsOf = sql`select * from leads where ref like ${`L-S${tag.toUpperCase()}%`}`;
  // Offers: the current one of each routed lead (sent without a deadline, or claimed).
  await database.rows(sql`
    insert into lead_offers (lead_id, agency_slug, platform, chat_id, status, sent_at, created_at, updated_at)
    select id, agency_slug, 'telegram', '-100' || abs(hashtext(agency_slug)), case when status = 'notified' then 'sent' else 'claimed' end, created_at + interval '1 minute', created_at, coalesce(claimed_at, created_at)
    from (${leadsOf}) l where status <> 'new'`);
  // The audit trail, as the services write it: created, offered, notified, claimed, status changes.
  const [ev] = await database.rows<{ n: number }>(sql`
    with l as (${leadsOf}),
    e as (
      select id, 'user:' || user_id as actor, 'created' as action, null as f, 'new' as t, null as agency, created_at as at from l
      union all select id, 'system', 'offered', 'new', 'new', agency_slug, created_at + interval '1 minute' from l where status <> 'new'
      union all select id, 'system', 'notified', 'new', 'notified', agency_slug, created_at + interval '2 minutes' from l where status <> 'new'
      union all select id, 'staff:' || claimed_by, 'claimed', 'notified', 'claimed', agency_slug, claimed_at from l where claimed_at is not null
      union all select id, 'staff:' || claimed_by, 'status', 'claimed', 'contacted', agency_slug, least(claimed_at + interval '2 hours', ${now}) from l where status in ('contacted', 'won', 'lost')
      union all select id, 'staff:' || claimed_by, 'status', 'contacted', status, agency_slug, least(claimed_at + interval '3 days', ${now}) from l where status in ('won', 'lost')),
    ins as (insert into lead_events (lead_id, actor, action, from_status, to_status, agency_slug, at) select * from e returning 1)
    select count(*)::int as n from ins`);

  // Registrations over 30 days: 80 % for the first edition; confirmed 65 %, waitlisted 20 %, cancelled 15 %.
  await database.rows(sql`
    with u as (select id, row_number() over (order by id) as n from users where platform_user_id like ${like} and platform_user_id not like '%-staff-%' and platform_user_id not like '%-organiser'),
    g as (select u.id, u.n, random() as r, ${now} - random() * interval '30 days' as at from u where u.n <= ${nRegs})
    insert into registrations (expo_slug, user_id, name, organisation, role, phone, email, consent_at, status, code, created_at, updated_at, cancelled_at)
    select case when g.n % 5 = 0 then ${expos[1] ?? expos[0] ?? 'expo-2026-wuhan'} else ${expos[0] ?? 'expo-2026-wuhan'} end, g.id,
           '示例报名人 ' || g.n, ${pick(['武汉示例科技有限公司', '长沙示例新材料有限公司', '示例大学技术转移中心', 'Example Robotics Ltd', '合肥示例投资有限公司'])},
           case when random() < .04 then null else ${pick(ROLES)} end, '139' || lpad(g.n::text, 8, '0'), case when g.n % 3 = 0 then 'seed' || g.n || '@example.com' end, g.at,
           case when g.r < .65 then 'confirmed' when g.r < .85 then 'waitlisted' else 'cancelled' end,
           'S' || upper(${tag} || lpad(to_hex(g.n::int), 5, '0')), g.at, g.at, case when g.r >= .85 then least(g.at + interval '1 day', ${now}) end
    from g`);

  // Finished broadcasts to confirmed registrants: delivered 85 %, unreachable 6 %, failed 3 %, unsubscribed-skipped 6 %; the last one stopped half-way.
  let deliveries = 0;
  for (let b = 0; b < nBcasts; b++) {
    const stopped = b === nBcasts - 1 && nBcasts > 1;
    const daysAgo = Math.round(((nBcasts - b) * 28) / Math.max(1, nBcasts));
    const size = 1500 + 600 * b;
    const [row] = await database.rows<{ id: number }>(sql`
      insert into broadcasts (audience, text_zh, text_en, created_by, status, total, created_at, finished_at)
      values (${JSON.stringify({ kind: 'registrants', expo: expos[0] ?? 'expo-2026-wuhan', status: 'confirmed' })}::jsonb, ${`示例群发 ${b + 1}：展会日程更新`}, ${`Sample broadcast ${b + 1}: programme update`},
              ${org!.id}, ${stopped ? 'cancelled' : 'done'}, 0, ${now} - ${`${daysAgo} days`}::interval, ${now} - ${`${daysAgo} days`}::interval + interval '12 minutes')
      returning id`);
    const [c] = await database.rows<{ n: number }>(sql`
      with r as (
        select u.id, u.platform_user_id as chat, random() as x, row_number() over (order by g.id) as k
        from registrations g join users u on u.id = g.user_id
        where u.platform_user_id like ${like} and g.status = 'confirmed' and g.expo_slug = ${expos[0] ?? 'expo-2026-wuhan'}
        order by g.id limit ${size}),
      ins as (
        insert into broadcast_deliveries (broadcast_id, user_id, platform, chat_id, status, attempts, error, sent_at, next_attempt_at)
        select ${row!.id}, r.id, 'telegram', r.chat,
               case when ${sql.raw(String(stopped))} and r.k > ${Math.floor(size / 2)} then 'cancelled' when x < .85 then 'sent' when x < .91 then 'unreachable' when x < .94 then 'failed' else 'skipped' end,
               case when x < .91 then 1 when x < .94 then 5 else 0 end,
               case when x >= .85 and x < .91 then '403: Forbidden: bot was blocked by the user' when x >= .91 and x < .94 then '502: Bad Gateway' end,
               case when x < .85 then ${now} - ${`${daysAgo} days`}::interval + interval '5 minutes' end, ${now}
        from r returning 1)
      select count(*)::int as n from ins`);
    await database.rows(sql`update broadcasts set total = ${c!.n} where id = ${row!.id}`);
    deliveries += c!.n;
  }
  return { tag, leads: nLeads, leadEvents: ev!.n, registrations: nRegs, broadcasts: nBcasts, deliveries, ms: Math.round(performance.now() - t0) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { leads: { type: 'string' }, registrations: { type: 'string' }, broadcasts: { type: 'string' } } });
  const num = (v: string | undefined, d: number) => (v === undefined ? d : Number.isInteger(Number(v)) && Number(v) >= 0 ? Number(v) : (() => { throw new Error(`not a count: ${v}`); })());
  const config = loadConfig(process.env);
  const unlock = config.DATABASE_URL ? () => {} : lockDataDir(config.dataDir);
  const database = await openDatabase(config.DATABASE_URL ? { url: config.DATABASE_URL } : { pgliteDir: path.join(config.dataDir, 'pg') });
  try {
    await database.migrate();
    const { agencies, expos } = contentSlugs(config.contentDir);
    const r = await seedConsole(database, { leads: num(values.leads, 10_000), registrations: num(values.registrations, 20_000), broadcasts: num(values.broadcasts, 6), agencies, expos });
    console.log(`seeded (tag ${r.tag}) into ${database.kind === 'postgres' ? 'DATABASE_URL' : path.join(config.dataDir, 'pg')}: ${r.leads} leads with ${r.leadEvents} audit events, ${r.registrations} registrations, ${r.broadcasts} broadcasts with ${r.deliveries} deliveries in ${(r.ms / 1000).toFixed(1)} s`);
  } finally {
    await database.close();
    unlock();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((err) => {
    console.error(`seed:console: ${(err as Error).message}`);
    process.exit(1);
  });
}
