/** The batch commands: import, reindex, search, classify, export-registrations, invite, leads, broadcasts. */
import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { createServices, type Services } from '../app.js';
import type { Config } from '../config/config.js';
import { COORDINATOR } from '../domain/lead-routing.js';
import { loadContent } from '../domain/policy.js';
import type { Audience } from '../services/broadcast-store.js';
import type { LeadStatus } from '../services/lead-store.js';
import type { StaffRole } from '../services/staff-store.js';
import { classify } from '../nlu/classify.js';
import { importPatents, syncIndex, type ImportProgress } from '../services/patent-importer.js';
import type { Logger } from '../util/log.js';

function progressPrinter(): (p: ImportProgress) => void {
  const tty = process.stderr.isTTY;
  let lastPct = -1;
  return (p) => {
    const pct = p.bytesTotal ? Math.floor((p.bytesRead / p.bytesTotal) * 100) : 0;
    const line = `importing… ${pct}%  ${p.lines} lines read, ${p.written} written, ${p.rejected} rejected`;
    if (tty) process.stderr.write(`\r${line}`);
    else if (pct >= lastPct + 10 || pct === 100) {
      process.stderr.write(line + '\n');
      lastPct = pct;
    }
  };
}

export async function runImport(config: Config, log: Logger, file: string, format?: 'jsonl' | 'csv'): Promise<number> {
  try {
    accessSync(file, constants.R_OK);
  } catch {
    process.stderr.write(`patent-bridge: import: cannot read ${file}\n`);
    return 1;
  }
  const s = await createServices(config, log, { loadDemo: false });
  try {
    const report = await importPatents(file, { store: s.store, index: s.index }, { ...(format ? { format } : {}), onProgress: progressPrinter() });
    if (process.stderr.isTTY) process.stderr.write('\n');
    const out = process.stdout;
    out.write(
      `imported ${file}: ${report.lines} records read, ${report.inserted} inserted, ${report.updated} updated, ${report.unchanged} unchanged, ` +
        `${report.duplicates} duplicates within the file, ${report.rejected.length} rejected in ${(report.ms / 1000).toFixed(1)} s\n`,
    );
    for (const r of report.rejected.slice(0, 100)) out.write(`  line ${r.line}: ${r.reason}\n`);
    if (report.rejected.length > 100) out.write(`  … and ${report.rejected.length - 100} more\n`);
    return 0;
  } finally {
    await s.close();
  }
}

export async function runReindex(config: Config, log: Logger, mode: 'full' | 'pending'): Promise<number> {
  const s = await createServices(config, log, { loadDemo: false });
  try {
    const t = performance.now();
    const n = await syncIndex({ store: s.store, index: s.index }, mode);
    process.stdout.write(`reindexed ${n} patents (${mode}) in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
    return 0;
  } finally {
    await s.close();
  }
}

/**
 * What to run before the index can answer, in one line; undefined when it holds patents. The
 * embedded mode loads the demo records by itself when CONTENT_DIR has them (createServices).
 */
export async function emptyIndexHint(s: Pick<Services, 'store' | 'index' | 'config'>): Promise<string | undefined> {
  const rows = await s.store.count();
  if (rows === 0) {
    const demo = path.join(s.config.contentDir, 'demo-patents.jsonl');
    const why = s.config.embeddedDb && !existsSync(demo) ? ` (the demo records load by themselves from ${demo}, which does not exist: set CONTENT_DIR)` : '';
    return `no patents are loaded yet: run \`patent-bridge import <file.jsonl|file.csv>\` first${why}`;
  }
  if ((await s.index.count()) === 0) return `the search index is empty while the database holds ${rows} patents: run \`patent-bridge reindex\` first`;
  return undefined;
}

export async function runSearch(config: Config, log: Logger, text: string | undefined, opts: { json: boolean; limit: number }): Promise<number> {
  const s = await createServices(config, log);
  try {
    const hint = await emptyIndexHint(s);
    if (hint) {
      process.stderr.write(`patent-bridge: search: ${hint}\n`);
      return 1;
    }
    const one = async (q: string) => {
      const res = await s.search.search(q, { pageSize: opts.limit });
      if (opts.json || text === undefined) {
        const hits = res.hits.map((h) => ({ id: h.id, title: h.title, applicants: h.applicants, province: h.province, provinceRaw: h.provinceRaw, patentType: h.patentType, year: h.year }));
        process.stdout.write(JSON.stringify({ query: q, hits, filters: res.query.filters, total: res.total, matched: res.matched, closeMatch: res.closeMatch, quality: Number(res.quality.toFixed(2)) }) + '\n');
      } else {
        process.stdout.write(res.closeMatch ? `${res.matched} results for "${q}"\n` : `nothing close to "${q}" (match quality ${res.quality.toFixed(2)}); related:\n`);
        for (const h of res.hits) process.stdout.write(`  ${h.id}  ${h.title}  (${h.applicants.slice(0, 2).join('; ')}; ${h.province ?? h.provinceRaw ?? '-'}; ${h.year ?? '-'})\n`);
      }
    };
    if (text !== undefined) await one(text);
    else for await (const line of readline.createInterface({ input: process.stdin })) if (line.trim()) await one(line.trim());
    return 0;
  } finally {
    await s.close();
  }
}

export async function runClassify(): Promise<number> {
  for await (const line of readline.createInterface({ input: process.stdin })) {
    if (!line.trim()) continue;
    const r = classify(line);
    process.stdout.write(JSON.stringify({ text: line, intent: r.intent, entities: r.entities, confidence: Number(r.confidence.toFixed(3)) }) + '\n');
  }
  return 0;
}

/** Headers, statuses and roles in `locale`; times in China time with their offset. */
export async function runExport(config: Config, log: Logger, slug: string, out: string | undefined, locale: 'zh' | 'en'): Promise<number> {
  const s = await createServices(config, log, { loadDemo: false });
  try {
    const { exportRegistrationsCsv } = await import('../services/registration-export.js');
    const { csv, rows } = await exportRegistrationsCsv(s.database.db, slug, locale);
    if (out) {
      const { writeFileSync } = await import('node:fs');
      writeFileSync(out, csv);
      process.stderr.write(`wrote ${rows} registrations of ${slug} to ${out}\n`);
    } else process.stdout.write(csv);
    return 0;
  } finally {
    await s.close();
  }
}

/**
 * `invite staff --agency SLUG` / `invite organiser --expo SLUG`. The slug is checked against
 * content/ before anything is opened. The code goes to stdout only, never to the log.
 */
export async function runInvite(config: Config, log: Logger, role: StaffRole, opts: { agency?: string | undefined; expo?: string | undefined; days: number }): Promise<number> {
  // The same content createServices serves (an absent CONTENT_DIR means no agencies and no editions).
  const content = existsSync(config.contentDir) ? loadContent(config.contentDir) : undefined;
  const [flag, other, given, valid, file] =
    role === 'staff'
      ? (['--agency', '--expo', opts.agency, [...(content?.agencies.agencies.map((a) => a.slug) ?? []), COORDINATOR], 'agencies.yaml'] as const)
      : (['--expo', '--agency', opts.expo, content?.expos.expos.map((e) => e.slug) ?? [], 'expos.yaml'] as const);
  if ((role === 'staff' ? opts.expo : opts.agency) !== undefined) {
    process.stderr.write(`patent-bridge: invite ${role} takes ${flag}, not ${other}\n`);
    return 2;
  }
  if (!given || !valid.includes(given)) {
    const what = given ? `"${given}" is not in ${path.join(config.contentDir, file)}` : `invite ${role} needs ${flag} SLUG`;
    const list = valid.length ? valid.join(', ') : `(none: ${path.join(config.contentDir, file)} lists no ${role === 'staff' ? 'agencies' : 'editions'})`;
    process.stderr.write(`patent-bridge: ${what}; valid ${flag} values: ${list}\n`);
    return 2;
  }
  const s = await createServices(config, log, { loadDemo: false });
  try {
    const { code, expiresAt } = await s.staff.createInvite(role, given, opts.days);
    log.info('invite created', { role, scope: given, expiresAt: expiresAt.toISOString() });
    const what = role === 'staff' ? `staff of ${given === COORDINATOR ? 'the alliance coordinator' : given}` : `organiser of ${given}`;
    process.stdout.write(
      `invite code: ${code}\n` +
        `makes:       ${what}\n` +
        `expires:     ${expiresAt.toISOString()} (in ${opts.days} day${opts.days === 1 ? '' : 's'}; one use)\n` +
        `To use it, send /join ${code} to the bot in Telegram, or /patent join ${code} in Slack.\n`,
    );
    return 0;
  } finally {
    await s.close();
  }
}

/** `leads`: newest first, without contact data (phone, email, notes and the need stay in the admin API). */
export async function runLeads(config: Config, log: Logger, opts: { status?: LeadStatus | undefined; limit: number; json: boolean }): Promise<number> {
  const s = await createServices(config, log, { loadDemo: false });
  try {
    const leads = await s.leads.store.list({ ...(opts.status ? { status: opts.status } : {}), limit: opts.limit });
    const rows = leads.map((l) => ({
      ref: l.ref,
      created: l.createdAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      type: l.type,
      province: l.province,
      status: l.status,
      agency: l.agencySlug,
    }));
    const out = process.stdout;
    if (opts.json) {
      for (const r of rows) out.write(JSON.stringify(r) + '\n');
      return 0;
    }
    if (!rows.length) {
      out.write(opts.status ? `no ${opts.status} leads\n` : 'no leads\n');
      return 0;
    }
    const header = { ref: 'REF', created: 'CREATED', type: 'TYPE', province: 'PROVINCE', status: 'STATUS', agency: 'AGENCY' };
    const cells = [header, ...rows.map((r) => ({ ...r, province: r.province ?? '-', agency: r.agency ?? '-' }))];
    const keys = Object.keys(header) as (keyof typeof header)[];
    const width = Object.fromEntries(keys.map((k) => [k, Math.max(...cells.map((c) => c[k].length))])) as Record<keyof typeof header, number>;
    for (const c of cells) out.write(keys.map((k, i) => (i === keys.length - 1 ? c[k] : c[k].padEnd(width[k]))).join('  ') + '\n');
    return 0;
  } finally {
    await s.close();
  }
}

/** An audience in one line: `registrants expo-2026-wuhan confirmed buyer`, `subscribers`. */
export function describeAudience(a: Audience): string {
  return a.kind === 'subscribers' ? 'subscribers' : ['registrants', a.expo, a.status, ...(a.role ? [a.role] : [])].join(' ');
}

/** `12s`, `3m 05s`, `2h 07m`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** `broadcasts`: newest first, with delivery counts (pending counts rows not yet sent and sends in flight). */
export async function runBroadcasts(config: Config, log: Logger, opts: { limit: number; json: boolean }): Promise<number> {
  const s = await createServices(config, log, { loadDemo: false });
  try {
    const store = s.broadcasts.store;
    const list = await store.list(opts.limit);
    const rows = await Promise.all(
      list.map(async (b) => {
        const c = await store.counts(b.id);
        const created = new Date(b.createdAt);
        const durationMs = b.finishedAt === null ? null : new Date(b.finishedAt).getTime() - created.getTime();
        return {
          id: b.id,
          created: created.toISOString().replace(/\.\d{3}Z$/, 'Z'),
          audience: describeAudience(b.audience),
          status: b.status,
          total: b.total,
          sent: c.sent,
          unreachable: c.unreachable,
          failed: c.failed,
          skipped: c.skipped,
          cancelled: c.cancelled,
          pending: c.pending + c.sending,
          durationMs,
        };
      }),
    );
    const out = process.stdout;
    if (opts.json) {
      for (const r of rows) out.write(JSON.stringify(r) + '\n');
      return 0;
    }
    if (!rows.length) {
      out.write('no broadcasts\n');
      return 0;
    }
    const header = {
      id: 'ID',
      created: 'CREATED',
      audience: 'AUDIENCE',
      status: 'STATUS',
      total: 'TOTAL',
      sent: 'SENT',
      unreachable: 'UNREACHABLE',
      failed: 'FAILED',
      skipped: 'SKIPPED',
      cancelled: 'CANCELLED',
      pending: 'PENDING',
      duration: 'DURATION',
    };
    const keys = Object.keys(header) as (keyof typeof header)[];
    const cells: Record<keyof typeof header, string>[] = [
      header,
      ...rows.map(({ durationMs, ...r }) => ({
        ...(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v)])) as Record<Exclude<keyof typeof header, 'duration'>, string>),
        duration: durationMs === null ? 'running' : formatDuration(durationMs),
      })),
    ];
    const width = Object.fromEntries(keys.map((k) => [k, Math.max(...cells.map((c) => c[k].length))])) as Record<keyof typeof header, number>;
    for (const c of cells) out.write(keys.map((k, i) => (i === keys.length - 1 ? c[k] : c[k].padEnd(width[k]))).join('  ') + '\n');
    return 0;
  } finally {
    await s.close();
  }
}
