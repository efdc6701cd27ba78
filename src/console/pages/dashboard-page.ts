/**
 * Dashboard (operator only): leads per week by type and by outcome, the median time to claim,
 * registrations per day by role, and the outcomes of recent broadcasts. Every number comes from a
 * SQL aggregate (date_trunc buckets in China time, percentile_cont for the median), so the page
 * reads a few hundred rows whatever the size of the tables; the charts are inline SVG (charts.ts).
 */
import { sql } from 'drizzle-orm';
import { ROLES } from '../../core/actions.js';
import { LEAD_STATUS_LABEL, LEAD_TYPE_LABEL } from '../../core/lead-strings.js';
import { LEAD_TYPES } from '../../core/intents.js';
import { ROLE_LABEL } from '../../core/strings.js';
import type { Locale } from '../../core/types.js';
import type { Database } from '../../db/database.js';
import { allow, respond, type ConsoleApp } from '../console-app.js';
import { barChart } from '../charts.js';
import { ct } from '../console-strings.js';
import { html, raw } from '../html.js';

export interface DashboardPageDeps {
  database: Database;
  clock: () => Date;
}

export const WEEKS = 12;
export const DAYS = 30;
export const RECENT_BROADCASTS = 10;
const CN = 8 * 3600_000;
const DAY = 86_400_000;
export const OUTCOMES = ['won', 'lost', 'open'] as const;
export const DELIVERY = ['sent', 'unreachable', 'failed', 'skipped', 'cancelled', 'pending'] as const;
export type DeliveryOutcome = (typeof DELIVERY)[number];

export interface DashboardData {
  /** Monday of each week (China date), oldest first. */
  weeks: string[];
  /** Lead type → count per week; LEAD_TYPES first, anything else after. */
  leadsByType: Map<string, number[]>;
  leadsByOutcome: Record<(typeof OUTCOMES)[number], number[]>;
  /** Leads of each week that were claimed, and the median hours from creation to claim (null: none). */
  claimed: number[];
  medianClaimHours: (number | null)[];
  /** China dates, oldest first. */
  days: string[];
  /** Role ('' when not given) → count per day. */
  registrationsByRole: Map<string, number[]>;
  broadcasts: { id: number; at: string; total: number; counts: Record<DeliveryOutcome, number> }[];
}

/** China-time date of an instant, YYYY-MM-DD. */
const cnDate = (ms: number) => new Date(ms + CN).toISOString().slice(0, 10);
/** The instant of China midnight starting the China date that contains `ms`. */
const cnMidnight = (ms: number) => Math.floor((ms + CN) / DAY) * DAY - CN;

/** Bucket bounds: 12 Monday-to-Monday weeks ending with the current one, 30 days ending today (China time). */
export function windows(now: Date): { weeks: string[]; w0: Date; wEnd: Date; days: string[]; d0: Date; dEnd: Date } {
  const today = cnMidnight(now.getTime());
  const weekday = (new Date(today + CN).getUTCDay() + 6) % 7; // Monday 0
  const w0 = today - (weekday + (WEEKS - 1) * 7) * DAY;
  const d0 = today - (DAYS - 1) * DAY;
  return {
    weeks: Array.from({ length: WEEKS }, (_, i) => cnDate(w0 + i * 7 * DAY)),
    w0: new Date(w0),
    wEnd: new Date(w0 + WEEKS * 7 * DAY),
    days: Array.from({ length: DAYS }, (_, i) => cnDate(d0 + i * DAY)),
    d0: new Date(d0),
    dEnd: new Date(d0 + DAYS * DAY),
  };
}

const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;

export async function dashboardData(database: Database, now: Date): Promise<DashboardData> {
  const w = windows(now);
  // China has kept UTC+8 all year since 1991: a fixed offset buckets the same as 'Asia/Shanghai' without a zone lookup per row.
  const cn = (col: string) => sql.raw(`(${col} at time zone interval '+08:00')`);
  const inWeeks = sql`created_at >= ${ts(w.w0)} and created_at < ${ts(w.wEnd)}`;
  // Rows are grouped on the truncated timestamp; only the few groups are formatted.
  const [leadRows, claimRows, regRows, bcastRows] = await Promise.all([
    database.rows<{ week: string; type: string; outcome: string; n: number }>(sql`
      select to_char(w, 'YYYY-MM-DD') as week, type, outcome, n from (
        select date_trunc('week', ${cn('created_at')}) as w, type, case when status in ('won', 'lost') then status else 'open' end as outcome, count(*)::int as n
        from leads where ${inWeeks} group by 1, 2, 3) g`),
    database.rows<{ week: string; n: number; median: number | string | null }>(sql`
      select to_char(w, 'YYYY-MM-DD') as week, n, median from (
        select date_trunc('week', ${cn('created_at')}) as w, count(*)::int as n,
               percentile_cont(0.5) within group (order by extract(epoch from claimed_at - created_at)::float8) as median
        from leads where ${inWeeks} and claimed_at is not null group by 1) g`),
    database.rows<{ day: string; role: string; n: number }>(sql`
      select to_char(d, 'YYYY-MM-DD') as day, role, n from (
        select date_trunc('day', ${cn('created_at')}) as d, coalesce(role, '') as role, count(*)::int as n
        from registrations where created_at >= ${ts(w.d0)} and created_at < ${ts(w.dEnd)} group by 1, 2) g`),
    // Per broadcast, its outcome counts from the (broadcast_id, status) index.
    database.rows<{ id: number; at: string; total: number; status: string | null; n: number }>(sql`
      select b.id, to_char(${cn('b.created_at')}, 'YYYY-MM-DD HH24:MI') as at, b.total, d.status, d.n
      from (select id, created_at, total from broadcasts order by id desc limit ${RECENT_BROADCASTS}) b
      left join lateral (select status, count(*)::int as n from broadcast_deliveries where broadcast_id = b.id group by status) d on true
      order by b.id`),
  ]);

  const wi = new Map(w.weeks.map((x, i) => [x, i]));
  const zeros = (n: number) => Array.from({ length: n }, () => 0);
  const leadsByType = new Map<string, number[]>(LEAD_TYPES.map((t) => [t, zeros(WEEKS)]));
  const leadsByOutcome = { won: zeros(WEEKS), lost: zeros(WEEKS), open: zeros(WEEKS) };
  for (const r of leadRows) {
    const i = wi.get(r.week);
    if (i === undefined) continue;
    if (!leadsByType.has(r.type)) leadsByType.set(r.type, zeros(WEEKS));
    leadsByType.get(r.type)![i]! += Number(r.n);
    leadsByOutcome[r.outcome as keyof typeof leadsByOutcome][i]! += Number(r.n);
  }
  const claimed = zeros(WEEKS);
  const medianClaimHours: (number | null)[] = w.weeks.map(() => null);
  for (const r of claimRows) {
    const i = wi.get(r.week);
    if (i === undefined) continue;
    claimed[i] = Number(r.n);
    medianClaimHours[i] = r.median === null ? null : Number(r.median) / 3600;
  }

  const di = new Map(w.days.map((x, i) => [x, i]));
  const registrationsByRole = new Map<string, number[]>(ROLES.map((r) => [r, zeros(DAYS)]));
  for (const r of regRows) {
    const i = di.get(r.day);
    if (i === undefined) continue;
    if (!registrationsByRole.has(r.role)) registrationsByRole.set(r.role, zeros(DAYS));
    registrationsByRole.get(r.role)![i]! += Number(r.n);
  }

  const byId = new Map<number, DashboardData['broadcasts'][number]>();
  for (const r of bcastRows) {
    let b = byId.get(Number(r.id));
    if (!b) byId.set(Number(r.id), (b = { id: Number(r.id), at: r.at, total: Number(r.total), counts: { sent: 0, unreachable: 0, failed: 0, skipped: 0, cancelled: 0, pending: 0 } }));
    if (r.status === null) continue;
    const k: DeliveryOutcome = (DELIVERY as readonly string[]).includes(r.status) ? (r.status as DeliveryOutcome) : 'pending'; // pending and sending
    b.counts[k] += Number(r.n);
  }
  return { weeks: w.weeks, leadsByType, leadsByOutcome, claimed, medianClaimHours, days: w.days, registrationsByRole, broadcasts: [...byId.values()] };
}

const STYLE = raw(`<style>figure.chart{margin:1rem 0;padding:1rem}figure.chart h2{font-size:1.05rem;margin:0 0 .6rem}
table.data{font-size:.85rem;margin-top:.8rem}table.data caption{position:absolute;left:-9999px}table.data th[scope=row]{white-space:nowrap}table.data td,table.data thead th+th{text-align:right;font-variant-numeric:tabular-nums}
table.data tfoot th,table.data tfoot td{font-weight:600;border-top:2px solid #aab6c3}.figures{font-size:1rem}</style>`);

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

export function renderDashboard(d: DashboardData, l: Locale) {
  const weekCats = d.weeks.map((x) => ({ short: x.slice(5), full: x }));
  const lastWeek = d.weeks.at(-1)!;
  const weeksTo = new Date(Date.parse(`${lastWeek}T00:00:00Z`) + 6 * DAY).toISOString().slice(0, 10);
  const types = [...d.leadsByType.keys()];
  const byType = barChart({
    id: 'leads-by-type',
    title: ct(l, 'dashLeadsByType'),
    desc: ct(l, 'dashLeadsByTypeDesc')(sum([...d.leadsByType.values()].map(sum)), d.weeks[0]!, weeksTo),
    categories: weekCats,
    series: types.map((t) => ({ key: t, label: LEAD_TYPE_LABEL[t as keyof typeof LEAD_TYPE_LABEL]?.[l] ?? t })),
    values: d.weeks.map((_, i) => types.map((t) => d.leadsByType.get(t)![i]!)),
    categoryHeader: ct(l, 'dashWeek'),
    totalLabel: ct(l, 'dashTotal'),
  });
  const o = d.leadsByOutcome;
  const byOutcome = barChart({
    id: 'leads-by-outcome',
    title: ct(l, 'dashLeadsByOutcome'),
    desc: ct(l, 'dashLeadsByOutcomeDesc')(sum(o.won), sum(o.lost), sum(o.open)),
    categories: weekCats,
    series: [
      { key: 'won', label: LEAD_STATUS_LABEL.won![l] },
      { key: 'lost', label: LEAD_STATUS_LABEL.lost![l] },
      { key: 'open', label: ct(l, 'dashOpen') },
    ],
    values: d.weeks.map((_, i) => [o.won[i]!, o.lost[i]!, o.open[i]!]),
    categoryHeader: ct(l, 'dashWeek'),
    totalLabel: ct(l, 'dashTotal'),
  });
  const claim = barChart({
    id: 'claim-median',
    title: ct(l, 'dashClaim'),
    desc: ct(l, 'dashClaimDesc')(sum(d.claimed)),
    categories: weekCats,
    series: [{ key: 'median', label: ct(l, 'dashMedianHours') }],
    values: d.medianClaimHours.map((v) => [v]),
    extra: [{ label: ct(l, 'dashClaimed'), values: d.claimed }],
    categoryHeader: ct(l, 'dashWeek'),
    format: (n) => n.toFixed(1),
  });
  const roles = [...d.registrationsByRole.keys()];
  const regs = barChart({
    id: 'registrations-by-role',
    title: ct(l, 'dashRegs'),
    desc: ct(l, 'dashRegsDesc')(sum([...d.registrationsByRole.values()].map(sum)), d.days[0]!, d.days.at(-1)!),
    categories: d.days.map((x) => ({ short: x.slice(5), full: x })),
    series: roles.map((r) => ({ key: r, label: r === '' ? ct(l, 'dashRoleNone') : (ROLE_LABEL[r]?.[l] ?? r) })),
    values: d.days.map((_, i) => roles.map((r) => d.registrationsByRole.get(r)![i]!)),
    categoryHeader: ct(l, 'dashDay'),
    totalLabel: ct(l, 'dashTotal'),
    labelEvery: 3,
  });
  const label: Record<DeliveryOutcome, string> = {
    sent: ct(l, 'dashSent'),
    unreachable: ct(l, 'dashUnreachable'),
    failed: ct(l, 'dashFailed'),
    skipped: ct(l, 'dashSkipped'),
    cancelled: ct(l, 'dashCancelled'),
    pending: ct(l, 'dashPending'),
  };
  const totalOf = (k: DeliveryOutcome) => sum(d.broadcasts.map((b) => b.counts[k]));
  const bcast = d.broadcasts.length
    ? barChart({
        id: 'broadcast-outcomes',
        title: ct(l, 'dashBcast'),
        desc: ct(l, 'dashBcastDesc')(totalOf('sent'), totalOf('unreachable'), totalOf('failed'), totalOf('skipped')),
        categories: d.broadcasts.map((b) => ({ short: `#${b.id}`, full: `#${b.id} · ${b.at}` })),
        series: DELIVERY.map((k) => ({ key: k, label: label[k] })),
        values: d.broadcasts.map((b) => DELIVERY.map((k) => b.counts[k])),
        categoryHeader: ct(l, 'dashBroadcast'),
        totalLabel: ct(l, 'dashTotal'),
      })
    : html`<figure class="chart card"><figcaption><h2>${ct(l, 'dashBcast')}</h2></figcaption><p>${ct(l, 'dashNoBroadcasts')}</p></figure>`;
  return html`${STYLE}<p class="figures" data-test="figures">${ct(l, 'dashFigures')(sum([...d.leadsByType.values()].map(sum)), sum(o.open), sum([...d.registrationsByRole.values()].map(sum)), totalOf('sent'))}</p>
<p class="note">${ct(l, 'dashNote')}</p>${byType}${byOutcome}${claim}${regs}${bcast}`;
}

export function dashboardPage(d: DashboardPageDeps) {
  return (app: ConsoleApp) => {
    app.get('/console/dashboard', async (c) => {
      const denied = allow(c, 'dashboard');
      if (denied) return denied;
      const l = c.get('locale');
      return respond(c, ct(l, 'navDashboard'), renderDashboard(await dashboardData(d.database, d.clock()), l), 'dashboard');
    });
  };
}
