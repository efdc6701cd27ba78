/**
 * Counting probe for `npm run bench:e2e`, preloaded into the server child with `node --expose-gc
 * --import`: counts every database statement that goes through drizzle (PGlite or Postgres) by its
 * text with its wall time (waiting for a connection, the round trip and the server's work), and every transaction (two more round trips: BEGIN and COMMIT), and answers on loopback
 * (BENCH_PROBE_PORT): `GET /reset` zeroes the counts, `GET /report` collects garbage first and
 * answers the counts with the process's memory (RSS, heap used, peak RSS from /proc). Nothing in
 * src/ is changed and nothing here runs in the product: drizzle's prototypes are wrapped.
 * Statements pg-boss sends on its own connections (Postgres) or straight to PGlite are not counted.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { PgDatabase, PgPreparedQuery } from 'drizzle-orm/pg-core';

let statements = new Map(); // normalised statement text → { n, ms: wall time in all (pool wait + round trip) }
let transactions = 0;

const origQuery = PgPreparedQuery.prototype.queryWithCache;
PgPreparedQuery.prototype.queryWithCache = function (queryString, params, query) {
  const key = String(queryString).replace(/\s+/g, ' ').trim().slice(0, 120);
  const s = statements.get(key) ?? { n: 0, ms: 0 };
  statements.set(key, s);
  s.n++;
  const t = performance.now();
  const done = () => (s.ms += performance.now() - t);
  const p = origQuery.call(this, queryString, params, query);
  p.then(done, done);
  return p;
};
const origTransaction = PgDatabase.prototype.transaction;
PgDatabase.prototype.transaction = function (...args) {
  transactions++;
  return origTransaction.apply(this, args);
};

/** Peak resident set size of this process so far, in bytes (Linux; undefined elsewhere). */
function peakRss() {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

const server = createServer((req, res) => {
  if (req.url === '/reset') {
    statements = new Map();
    transactions = 0;
    res.end('{}');
    return;
  }
  if (req.url === '/report') {
    globalThis.gc?.();
    const mem = process.memoryUsage();
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ rss: mem.rss, heapUsed: mem.heapUsed, peakRss: peakRss(), transactions, statements: [...statements].map(([sql, s]) => ({ sql, ...s })) }));
    return;
  }
  res.statusCode = 404;
  res.end();
});
server.unref();
server.listen(Number(process.env.BENCH_PROBE_PORT), '127.0.0.1');
