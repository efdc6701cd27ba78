/**
 * Named prepared statements for PGlite's `query` (what drizzle and pg-boss call). PGlite's own
 * `query` sends every statement as an unnamed one in six protocol steps (parse, describe, bind,
 * describe, execute, sync), each a turn of Postgres's main loop on our event loop, and so parses
 * and plans it again every time. Here a statement text is parsed once under a name, and each
 * later call is one protocol message (bind, describe, execute, sync) on the saved statement.
 * Measured alone on PGlite (2-core machine): the user lookup CTE 3.2 → 0.5 ms of CPU, the inbox
 * insert 0.64 → 0.27 ms — CPU on the one event loop, which every other request waits behind.
 *
 * Same contract as PGlite's `query`: one statement at a time on the connection, after any open
 * transaction (its queries keep PGlite's own path), the same serializers and parsers by type, the
 * same errors. Calls with options this does not handle (blobs, given parameter types, notices) go
 * to PGlite's own path. At most MAX_STATEMENTS are kept; the oldest is closed first.
 *
 * After each call PGlite "syncs the filesystem" (four awaits and a mutex, ~0.04 ms of CPU per
 * statement here). On a data directory (NodeFS) and in memory that sync does nothing: Postgres's
 * writes went to the operating system inside the call itself (Emscripten's NODEFS writes through
 * with fs.writeSync), so a commit is as durable when the call returns as after the sync. So the
 * saved-statement path skips it on those filesystems, and only there (IndexedDB in a browser does
 * its real work in that sync).
 */
import { MemoryFS, parse, protocol, type PGlite, type QueryOptions, type Results } from '@electric-sql/pglite';

const MAX_STATEMENTS = 256;
/** Postgres refuses a saved plan whose result columns a schema change altered (SQLSTATE 0A000). */
const PLAN_CHANGED = /cached plan must not change result type/;

const S = protocol.serialize;

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Replaces `client.query` with the cached-statement path; returns a function that forgets every saved statement (after migrations). */
export function cacheStatements(client: PGlite): () => Promise<void> {
  const own = client.query.bind(client);
  // NodeFS and MemoryFS both inherit this no-op sync; a filesystem that syncs overrides it.
  const syncToFs = client.fs?.syncToFs !== MemoryFS.prototype.syncToFs;
  /** Statement text → its name and parameter types, oldest first. */
  const saved = new Map<string, { name: string; types: number[] }>();
  let next = 0;

  const prepare = async (text: string): Promise<{ name: string; types: number[] }> => {
    const name = `pb_s${next++}`;
    const { messages } = await client.execProtocol(concat([S.parse({ name, text }), S.describe({ type: 'S', name }), S.sync()]), { syncToFs });
    const types = parse.parseDescribeStatementResults(messages);
    if (saved.size >= MAX_STATEMENTS) {
      const [oldText, old] = saved.entries().next().value as [string, { name: string }];
      saved.delete(oldText);
      await client.execProtocol(concat([S.close({ type: 'S', name: old.name }), S.sync()]), { syncToFs });
    }
    const entry = { name, types };
    saved.set(text, entry);
    return entry;
  };

  const run = async <T>(text: string, params: unknown[], options: QueryOptions | undefined): Promise<Results<T>> => {
    const entry = saved.get(text) ?? (await prepare(text));
    const values = params.map((v, i) => {
      if (v == null) return null;
      const type = entry.types[i]!;
      const serialize = options?.serializers?.[type] ?? client.serializers[type];
      return serialize ? serialize(v) : String(v);
    });
    const { messages } = await client.execProtocol(concat([S.bind({ statement: entry.name, values }), S.describe({ type: 'P' }), S.execute({}), S.sync()]), { syncToFs });
    // PGlite merges a caller's parsers (drizzle passes 9 per query) into a copy of all ~320 of its
    // own for every query: a few of ours over a prototype of its own come out the same, far cheaper.
    const parsers = options?.parsers ? Object.assign(Object.create(client.parsers) as typeof client.parsers, options.parsers) : client.parsers;
    return parse.parseResults(messages, parsers, options?.rowMode ? { rowMode: options.rowMode } : undefined)[0] as Results<T>;
  };

  client.query = async <T>(text: string, params: unknown[] = [], options?: QueryOptions): Promise<Results<T>> => {
    if (options?.blob || options?.paramTypes || options?.onNotice) return own<T>(text, params, options);
    await client._checkReady();
    return client._runExclusiveTransaction(() =>
      client._runExclusiveQuery(async () => {
        try {
          return await run<T>(text, params, options);
        } catch (err) {
          if (!(err instanceof Error) || !PLAN_CHANGED.test(err.message) || !saved.has(text)) throw err;
          // The schema changed under a saved statement: save it again, once.
          const old = saved.get(text)!;
          saved.delete(text);
          await client.execProtocol(concat([S.close({ type: 'S', name: old.name }), S.sync()]));
          return run<T>(text, params, options);
        }
      }),
    );
  };

  return async () => {
    if (!saved.size) return;
    saved.clear();
    await client.exec('deallocate all');
  };
}
