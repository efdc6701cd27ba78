/**
 * Results and report lines for `npm run bench:e2e`: percentiles, the statement counts of the
 * counting probe (scripts/bench-e2e-probe.mjs) and the --trace breakdown (scripts/bench-e2e-trace.mjs).
 */
import type { CpuShare } from './bench-e2e-procs.js';

export interface RunResult {
  run: string;
  n: number;
  concurrency: number;
  ms: number;
  answered: number;
  lat: number[];
  ack: number[];
  httpErrors: number;
  missing: number;
  byKind: Map<string, number[]>;
  /** update id → wall-clock ms of the POST, its answer and the first sendMessage. */
  times: Map<string, { post: number; ack: number; reply?: number }>;
  cpu?: CpuShare;
  /** What the counting probe saw during the run (ours only). */
  probe?: ProbeReport;
}

export interface ProbeReport {
  rss: number;
  heapUsed: number;
  peakRss?: number;
  transactions: number;
  statements: { sql: string; n: number; ms: number }[];
}

export const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN);
export const throughput = (r: RunResult) => r.answered / (r.ms / 1000);

/**
 * Statements and round trips per answered update (drizzle statements, plus BEGIN and COMMIT per
 * transaction; each statement is one round trip on postgres.js), and the statements behind them.
 */
export function explainStatements(p: ProbeReport, r: RunResult): string {
  const per = (x: number) => (x / Math.max(1, r.answered)).toFixed(2);
  const total = p.statements.reduce((a, s) => a + s.n, 0);
  const lines = [`\n  ${r.run}: ${per(total)} SQL statements and ${per(total + 2 * p.transactions)} round trips per update (${total} statements, ${p.transactions} transactions for ${r.answered} updates); per update (count, wall ms: connection wait + round trip + server):`];
  for (const s of [...p.statements].sort((a, b) => b.n - a.n).slice(0, 16)) lines.push(`    ${per(s.n).padStart(6)} ${per(s.ms).padStart(8)}  ${s.sql}`);
  return lines.join('\n');
}

export interface Trace {
  ms: number;
  pgliteBusyMs: number;
  loopDelay: { p50: number; p99: number; max: number; mean: number };
  statements: { sql: string; n: number; wall: number; wait: number; exec: number }[];
  events: [string, string, number][];
}
/** --trace: where an update's time goes, stage by stage, and the costliest statements. */
export function explainTrace(t: Trace, r: RunResult, DB: 'pglite' | 'postgres'): string {
  const at = new Map<string, Record<string, number>>();
  for (const [id, stage, ms] of t.events) {
    const e = at.get(id) ?? {};
    // A row claimed twice (a retry) keeps its first claim; the other stages keep their first too.
    e[stage] ??= ms;
    at.set(id, e);
  }
  const stages: [string, string, string][] = [
    ['webhook POST → inbox insert starts (HTTP, routing, JSON)', 'post', 'accept'],
    ['inbox insert (statement, incl. waiting for a connection)', 'accept', 'accepted'],
    ['inbox insert → worker claims the row', 'accepted', 'claim'],
    ['claimed → replies saved (worker slot, pipeline, state+replies write)', 'claim', 'replies-saved'],
    ['replies saved → sendMessage at the fake (send clock, HTTP)', 'replies-saved', 'reply'],
    ['webhook POST → 200 answer', 'post', 'ack'],
    ['webhook POST → sendMessage (total)', 'post', 'reply'],
  ];
  const lines = [`\n--trace (ours): where an update's time goes, ${r.times.size} measured updates (ms)`];
  const w = Math.max(...stages.map((s) => s[0].length));
  lines.push(`${'stage'.padEnd(w)}  ${'p50'.padStart(7)}  ${'p95'.padStart(7)}  ${'mean'.padStart(7)}`);
  for (const [label, from, to] of stages) {
    const xs: number[] = [];
    for (const [id, bench] of r.times) {
      const e = { ...at.get(id), post: bench.post, ack: bench.ack, ...(bench.reply ? { reply: bench.reply } : {}) } as Record<string, number>;
      if (e[from] !== undefined && e[to] !== undefined) xs.push(e[to]! - e[from]!);
    }
    xs.sort((a, b) => a - b);
    const mean = xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    lines.push(`${label.padEnd(w)}  ${pct(xs, 50).toFixed(1).padStart(7)}  ${pct(xs, 95).toFixed(1).padStart(7)}  ${mean.toFixed(1).padStart(7)}`);
  }
  const stmts = t.statements.reduce((a, s) => a + s.n, 0);
  const perUpdate = (x: number) => (x / Math.max(1, r.answered)).toFixed(1);
  lines.push(
    `${stmts} statements = ${perUpdate(stmts)} per update, ${perUpdate(t.statements.reduce((a, s) => a + s.wall, 0))} ms of statement wall time per update` +
      (DB === 'pglite' ? `; PGlite executing: ${((100 * t.pgliteBusyMs) / t.ms).toFixed(0)}% of the run, ${perUpdate(t.pgliteBusyMs)} ms per update` : '') +
      `; event-loop delay p50 ${t.loopDelay.p50.toFixed(1)} ms, p99 ${t.loopDelay.p99.toFixed(1)} ms, max ${t.loopDelay.max.toFixed(0)} ms`,
  );
  if (DB === 'pglite') {
    lines.push('costliest statements (n, executing ms in all, executing ms each, waiting for PGlite ms each):');
    for (const s of [...t.statements].sort((a, b) => b.exec - a.exec).slice(0, 14)) {
      lines.push(`  ${String(s.n).padStart(6)}  ${s.exec.toFixed(0).padStart(6)}  ${(s.exec / s.n).toFixed(2).padStart(6)}  ${(s.wait / s.n).toFixed(1).padStart(6)}  ${s.sql}`);
    }
  } else {
    lines.push('costliest statements (n, wall ms in all, wall ms each — pool wait, round trip and server time together):');
    for (const s of [...t.statements].sort((a, b) => b.wall - a.wall).slice(0, 14)) {
      lines.push(`  ${String(s.n).padStart(6)}  ${s.wall.toFixed(0).padStart(6)}  ${(s.wall / s.n).toFixed(2).padStart(6)}  ${s.sql}`);
    }
  }
  return lines.join('\n');
}

