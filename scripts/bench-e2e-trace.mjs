/**
 * Diagnostics for `npm run bench:e2e -- --trace`, preloaded into the server child with
 * `node --import`: times every database statement that goes through drizzle (PGlite or Postgres;
 * with PGlite also split into waiting for its single connection and executing), notes when each
 * bench update reaches the inbox stages, and samples the event-loop delay. The first SIGUSR2
 * starts recording (after the warm-up), the second writes BENCH_TRACE_FILE as JSON. Nothing in
 * src/ is changed: drizzle's and PGlite's prototypes are wrapped.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { PGlite } from '@electric-sql/pglite';
import { PgPreparedQuery } from 'drizzle-orm/pg-core';

const file = process.env.BENCH_TRACE_FILE;
const now = () => performance.timeOrigin + performance.now();
const als = new AsyncLocalStorage();
let recording = false;
let stats = new Map(); // statement → { n, wall, wait, exec }
let events = []; // [updateId, stage, at]
let busyMs = 0;
const loop = monitorEventLoopDelay({ resolution: 10 });
let t0 = now();

/** Bench update ids are 900000… (warm-up) and 1000000… (measured). */
const benchId = (v) => ((typeof v === 'string' || typeof v === 'number') && /^(9\d{5}|1\d{6})$/.test(String(v)) ? String(v) : undefined);

/**
 * Inbox stages by the statements that mark them (keys are the first 110 characters). Handling
 * itself has no statement naming the update any more (the inbox row is the dedupe), so "claimed →
 * replies saved" covers the worker slot and the pipeline together.
 */
function stageOf(sql) {
  // InboxStore.accept (unheld) and acceptHeld (the insert is the worker's claim).
  if (/^insert into "?inbound_updates"?/i.test(sql)) return 'accept';
  if (/^update inbound_updates set attempts/i.test(sql)) return 'claim';
  // InboxStore.saveReplies (with the dialogue state and the first reply's send slot when there are).
  if (/^with save as \( update inbound_updates set status = 'sending'/i.test(sql)) return 'replies-saved';
  // InboxStore.markSent, alone or with the next reply's send slot.
  if (/^update "inbound_updates" set "sent"/i.test(sql) || /^with mark as \( update inbound_updates set sent/i.test(sql)) return 'sent';
  // InboxStore.markDone: the marks asked for while one was being written go in the next (ids in a JSON array).
  if (/^update inbound_updates set status = 'done'/i.test(sql)) return 'done';
  return undefined;
}

/** The [platform, update_id] pairs of a batched statement's JSON parameter; nothing if it is something else. */
function jsonKeys(p) {
  try {
    const v = JSON.parse(p);
    return Array.isArray(v) ? v.flat() : [];
  } catch {
    return [];
  }
}

const origQuery = PgPreparedQuery.prototype.queryWithCache;
PgPreparedQuery.prototype.queryWithCache = function (queryString, params, query) {
  if (!recording) return origQuery.call(this, queryString, params, query);
  const ctx = { called: now(), start: 0, end: 0 };
  return als.run(ctx, async () => {
    let result;
    try {
      result = await origQuery.call(this, queryString, params, query);
      return result;
    } finally {
      const done = now();
      const key = String(queryString).replace(/\s+/g, ' ').trim().slice(0, 110);
      const s = stats.get(key) ?? { n: 0, wall: 0, wait: 0, exec: 0 };
      s.n++;
      s.wall += done - ctx.called;
      if (ctx.start) {
        s.wait += ctx.start - ctx.called;
        s.exec += ctx.end - ctx.start;
      }
      stats.set(key, s);
      const stage = stageOf(key);
      if (stage) {
        const ids = new Set();
        for (const p of Array.isArray(params) ? params : []) {
          if (benchId(p)) ids.add(benchId(p));
          else if (typeof p === 'string' && p.startsWith('[[')) for (const k of jsonKeys(p)) if (benchId(k)) ids.add(benchId(k));
        }
        if (stage === 'claim') for (const r of (Array.isArray(result) ? result : result?.rows) ?? []) if (benchId(r?.update_id)) ids.add(benchId(r.update_id));
        for (const id of ids) {
          if (stage === 'accept') events.push([id, 'accept', ctx.called], [id, 'accepted', done]);
          else events.push([id, stage, done]);
        }
      }
    }
  });
};

// PGlite runs one statement at a time: time spent executing vs waiting for the connection.
const base = Object.getPrototypeOf(PGlite.prototype);
const owner = Object.hasOwn(PGlite.prototype, '_runExclusiveTransaction') ? PGlite.prototype : base;
const origExclusive = owner._runExclusiveTransaction;
owner._runExclusiveTransaction = function (fn) {
  const ctx = als.getStore();
  return origExclusive.call(this, async () => {
    const start = now();
    if (ctx) ctx.start = start;
    try {
      return await fn();
    } finally {
      const end = now();
      if (ctx) ctx.end = end;
      if (recording) busyMs += end - start;
    }
  });
};

process.on('SIGUSR2', () => {
  if (!recording) {
    stats = new Map();
    events = [];
    busyMs = 0;
    loop.reset();
    loop.enable();
    t0 = now();
    recording = true;
    return;
  }
  recording = false;
  loop.disable();
  const pct = (p) => loop.percentile(p) / 1e6;
  // The data directory exists only with PGlite; with the Postgres server nothing made it.
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(
    file,
    JSON.stringify({
      ms: now() - t0,
      pgliteBusyMs: busyMs,
      loopDelay: { p50: pct(50), p99: pct(99), max: loop.max / 1e6, mean: loop.mean / 1e6 },
      statements: [...stats].map(([sql, s]) => ({ sql, ...s })),
      events,
    }),
  );
});
