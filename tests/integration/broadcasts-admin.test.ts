/**
 * Operators' view of organiser broadcasts: the admin API (on PGlite and, with TEST_DATABASE_URL,
 * Postgres) and the `broadcasts` command run through the CLI's `main`. No platform outlet is
 * registered, so nothing is sent: created rows stay pending.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { Pipeline } from '../../src/core/pipeline.js';
import { openDatabase, type Database } from '../../src/db/database.js';
import { broadcastAdmin } from '../../src/http/admin-broadcasts.js';
import { createHttpApp } from '../../src/http/http-app.js';
import { BroadcastService, renderBroadcast } from '../../src/services/broadcast-service.js';
import { BroadcastStore } from '../../src/services/broadcast-store.js';
import { createLogger } from '../../src/util/log.js';
import { PACKAGE_ROOT } from '../../src/util/paths.js';
import { DB_KINDS, openTestDb, type TestDb } from '../support/db.js';
import { PUSH_PLATFORMS } from '../../src/core/platforms.js';

/** Expected audience counts: the given ones, every other push platform 0. */
const counts = (given: { telegram: number; slack: number; unsubscribed: number; noPush: number }) => ({ ...Object.fromEntries(PUSH_PLATFORMS.map((p) => [p, 0])), wechatExpired: 0, wechatUsedUp: 0, ...given });

const CONTENT_DIR = path.join(PACKAGE_ROOT, 'content');
const TOKEN = 'admin-token-0123456789';
const EXPO = 'expo-2026-wuhan';
const CONFIRMED = { kind: 'registrants', expo: EXPO, status: 'confirmed' } as const;

/**
 * Registrants of the 2026 edition and subscribers, keyed by a prefix so runs do not collide:
 * confirmed — Telegram buyer (zh, subscribed), Telegram patentee (en), Slack buyer, unsubscribed
 * Telegram buyer, web-only buyer; waitlisted — Telegram buyer. Plus one more Telegram subscriber.
 */
async function seed(database: Database, prefix: string): Promise<void> {
  const people: { platform: string; locale: string; role?: string; status?: string; unsub?: boolean; subscribed?: boolean }[] = [
    { platform: 'telegram', locale: 'zh', role: 'buyer', status: 'confirmed', subscribed: true },
    { platform: 'telegram', locale: 'en', role: 'patentee', status: 'confirmed' },
    { platform: 'slack', locale: 'zh', role: 'buyer', status: 'confirmed' },
    { platform: 'telegram', locale: 'zh', role: 'buyer', status: 'confirmed', unsub: true },
    { platform: 'web', locale: 'zh', role: 'buyer', status: 'confirmed' },
    { platform: 'telegram', locale: 'zh', role: 'buyer', status: 'waitlisted' },
    { platform: 'telegram', locale: 'en', subscribed: true },
  ];
  for (const [i, p] of people.entries()) {
    const [u] = await database.rows<{ id: number }>(sql`
      insert into users (platform, platform_user_id, locale, subscribed, unsubscribed_at)
      values (${p.platform}, ${`${prefix}-${i}`}, ${p.locale}, ${!!p.subscribed}, ${p.unsub ? sql`now()` : null}) returning id`);
    if (p.role)
      await database.rows(sql`
        insert into registrations (expo_slug, user_id, name, organisation, role, phone, status, code, consent_at)
        values (${EXPO}, ${u!.id}, 'n', 'o', ${p.role}, '13800138000', ${p.status!}, ${`${prefix.slice(0, 3).toUpperCase()}${i}`}, now()) returning id`);
  }
}

describe.each(DB_KINDS)('broadcast admin API on %s', (kind) => {
  let tdb: TestDb;
  let service: BroadcastService;
  let store: BroadcastStore;
  let app: ReturnType<typeof createHttpApp>;
  const auth = (token: string | null) => (token ? { authorization: `Bearer ${token}` } : undefined);
  const get = (url: string, token: string | null = TOKEN) => app.request(url, { headers: auth(token) ?? {} });
  const post = (url: string, body?: unknown, token: string | null = TOKEN) =>
    app.request(url, {
      method: 'POST',
      headers: { ...auth(token), 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
  const broadcastCount = async () => (await tdb.database.rows<{ n: number }>(sql`select count(*)::int as n from broadcasts`))[0]!.n;
  const deliveryCount = async () => (await tdb.database.rows<{ n: number }>(sql`select count(*)::int as n from broadcast_deliveries`))[0]!.n;
  let createdId = 0;

  beforeAll(async () => {
    tdb = await openTestDb(kind);
    store = new BroadcastStore(tdb.database);
    service = new BroadcastService({ store, log: createLogger('silent') });
    await seed(tdb.database, `${kind}-api`);
    app = createHttpApp({
      pipeline: {} as Pipeline,
      log: createLogger('silent'),
      clock: () => new Date(),
      readiness: {},
      admin: { token: TOKEN, exportCsv: async () => undefined, broadcasts: broadcastAdmin(service) },
    });
  });
  afterAll(async () => {
    await service?.stop();
    await tdb?.drop();
  });

  it('refuses every broadcast route without the admin token', async () => {
    for (const token of [null, 'wrong-token-0123456789']) {
      expect((await get('/admin/api/broadcasts', token)).status).toBe(401);
      expect((await get('/admin/api/broadcasts/1', token)).status).toBe(401);
      expect((await post('/admin/api/broadcasts', { audience: CONFIRMED, textZh: '你好' }, token)).status).toBe(401);
      expect((await post('/admin/api/broadcasts/1/cancel', undefined, token)).status).toBe(401);
    }
    expect(await broadcastCount()).toBe(0);
  });

  it('rejects a bad broadcast with 400 BAD_BROADCAST naming the field', async () => {
    const cases: [unknown, RegExp][] = [
      [{ audience: CONFIRMED }, /^textZh: .*textZh and textEn/],
      [{ audience: CONFIRMED, textZh: '   ' }, /^textZh: must not be empty/],
      [{ audience: { kind: 'everyone' }, textZh: '你好' }, /^audience/],
      [{ textZh: '你好' }, /^audience/],
      [{ audience: { kind: 'registrants', expo: 'Expo 2026!' }, textZh: '你好' }, /^audience\.expo: /],
      [{ audience: { kind: 'registrants', expo: EXPO, status: 'maybe' }, textZh: '你好' }, /^audience\.status: /],
      [{ audience: { kind: 'registrants', expo: EXPO, role: 'king' }, textZh: '你好' }, /^audience\.role: /],
      [{ audience: CONFIRMED, textEn: 'hi', linkUrl: 'ftp://example.com/x' }, /^linkUrl: .*https?/],
      [{ audience: CONFIRMED, textEn: 'hi', linkUrl: 'javascript:alert(1)' }, /^linkUrl: /],
      [{ audience: CONFIRMED, textEn: 'hi', linkUrl: `https://example.com/${'a'.repeat(500)}` }, /^linkUrl: .*500/],
      [{ audience: CONFIRMED, textZh: '专'.repeat(3001) }, /^textZh: .*3000/],
      [{ audience: CONFIRMED, textEn: 'x'.repeat(3001) }, /^textEn: .*3000/],
      [{ audience: CONFIRMED, textEn: 42 }, /^textEn: /],
      [{ audience: CONFIRMED, textEn: 'hi', preview: 'yes' }, /^preview: /],
      [{ audience: CONFIRMED, textEn: 'hi', text: 'typo' }, /text/],
      [[1, 2], /^body: /],
    ];
    for (const [body, message] of cases) {
      const res = await post('/admin/api/broadcasts', body);
      expect(res.status, JSON.stringify(body).slice(0, 100)).toBe(400);
      const json = (await res.json()) as { error: { code: string; message: string } };
      expect(json.error.code, JSON.stringify(body).slice(0, 100)).toBe('BAD_BROADCAST');
      expect(json.error.message, JSON.stringify(body).slice(0, 100)).toMatch(message);
    }
    for (const raw of ['{"audience":', 'not json', '']) {
      const res = await post('/admin/api/broadcasts', raw);
      expect(res.status, raw).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 'BAD_JSON' } });
    }
    const big = await post('/admin/api/broadcasts', { audience: CONFIRMED, textEn: 'x'.repeat(70_000) });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(await broadcastCount()).toBe(0);
  });

  it('previews the audience counts and the exact texts, creating nothing', async () => {
    const draft = { textZh: '展会明天开幕。', textEn: 'The expo opens tomorrow.', linkUrl: 'https://example.com/expo' };
    const res = await post('/admin/api/broadcasts', { audience: CONFIRMED, ...draft, preview: true });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      preview: {
        counts: counts({ telegram: 2, slack: 1, unsubscribed: 1, noPush: 1 }),
        zh: renderBroadcast(draft, 'zh').text,
        en: renderBroadcast(draft, 'en').text,
      },
    });
    expect(renderBroadcast(draft, 'zh').text).toMatch(/^展会明天开幕。\n\n/);

    // One language only, a role filter, surrounding blanks trimmed; 3000 characters is allowed.
    const zhOnly = (await (await post('/admin/api/broadcasts', { audience: { ...CONFIRMED, role: 'buyer' }, textZh: '  只有中文  ', preview: true })).json()) as { preview: Record<string, unknown> };
    expect(zhOnly.preview).toEqual({ counts: counts({ telegram: 1, slack: 1, unsubscribed: 1, noPush: 1 }), zh: renderBroadcast({ textZh: '只有中文', textEn: null, linkUrl: null }, 'zh').text });
    const long = await post('/admin/api/broadcasts', { audience: { kind: 'subscribers' }, textZh: '专'.repeat(3000), preview: true });
    expect(long.status).toBe(200);
    expect(((await long.json()) as { preview: { counts: unknown } }).preview.counts).toEqual(counts({ telegram: 2, slack: 0, unsubscribed: 0, noPush: 0 }));
    const nobody = await post('/admin/api/broadcasts', { audience: { kind: 'registrants', expo: 'expo-2099-none' }, textEn: 'hi', preview: true });
    expect(((await nobody.json()) as { preview: { counts: unknown } }).preview.counts).toEqual(counts({ telegram: 0, slack: 0, unsubscribed: 0, noPush: 0 }));

    expect(await broadcastCount()).toBe(0);
    expect(await deliveryCount()).toBe(0);
  });

  it('refuses an audience nobody in which can be reached with 422, creating nothing', async () => {
    const res = await post('/admin/api/broadcasts', { audience: { kind: 'registrants', expo: 'expo-2099-none' }, textEn: 'hi' });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ error: { code: 'NO_RECIPIENTS' } });
    expect(await broadcastCount()).toBe(0);
  });

  it('creates a broadcast with one delivery row per reachable recipient', async () => {
    // created_at is the database's now() (this machine's clock): it falls between these two reads,
    // however long the request took.
    const before = Date.now();
    const res = await post('/admin/api/broadcasts', { audience: CONFIRMED, textZh: '展会明天开幕。', linkUrl: 'https://example.com/expo' });
    const after = Date.now();
    expect(res.status).toBe(201);
    const { broadcast: b } = (await res.json()) as { broadcast: Record<string, unknown> & { id: number } };
    expect(b).toEqual({
      id: expect.any(Number),
      audience: CONFIRMED,
      status: 'sending',
      total: 4,
      counts: { pending: 3, sending: 0, sent: 0, unreachable: 0, failed: 0, skipped: 1, cancelled: 0 },
      createdAt: expect.any(String),
      finishedAt: null,
      textZh: '展会明天开幕。',
      textEn: null,
      linkUrl: 'https://example.com/expo',
    });
    expect(Date.parse(b.createdAt as string)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(b.createdAt as string)).toBeLessThanOrEqual(after);
    createdId = b.id;
    const rows = await tdb.database.rows<{ platform: string; status: string }>(
      sql`select platform, status from broadcast_deliveries where broadcast_id = ${createdId} order by platform, status`,
    );
    expect(rows).toEqual([
      { platform: 'slack', status: 'pending' },
      { platform: 'telegram', status: 'pending' },
      { platform: 'telegram', status: 'pending' },
      { platform: 'telegram', status: 'skipped' },
    ]);
    expect((await store.get(createdId))?.createdBy).toBeNull();
  });

  it('lists broadcasts newest first and shows one; 400 for a bad id, 404 for an unknown one', async () => {
    const second = await post('/admin/api/broadcasts', { audience: { kind: 'subscribers' }, textEn: 'Subscribers only.' });
    expect(second.status).toBe(201);
    const secondId = ((await second.json()) as { broadcast: { id: number } }).broadcast.id;

    const list = await get('/admin/api/broadcasts');
    expect(list.status).toBe(200);
    const body = (await list.json()) as { broadcasts: Record<string, unknown>[] };
    expect(body.broadcasts.map((b) => b.id)).toEqual([secondId, createdId]);
    expect(body.broadcasts[0]).toEqual({
      id: secondId,
      audience: { kind: 'subscribers' },
      status: 'sending',
      total: 2,
      counts: { pending: 2, sending: 0, sent: 0, unreachable: 0, failed: 0, skipped: 0, cancelled: 0 },
      createdAt: expect.any(String),
      finishedAt: null,
    });
    expect(((await (await get('/admin/api/broadcasts?limit=1')).json()) as { broadcasts: { id: number }[] }).broadcasts.map((b) => b.id)).toEqual([secondId]);
    expect((await get('/admin/api/broadcasts?limit=0')).status).toBe(400);
    expect((await get('/admin/api/broadcasts?limit=all')).status).toBe(400);

    const one = await get(`/admin/api/broadcasts/${createdId}`);
    expect(one.status).toBe(200);
    expect(await one.json()).toEqual({
      broadcast: {
        id: createdId,
        audience: CONFIRMED,
        status: 'sending',
        total: 4,
        counts: { pending: 3, sending: 0, sent: 0, unreachable: 0, failed: 0, skipped: 1, cancelled: 0 },
        createdAt: expect.any(String),
        finishedAt: null,
        textZh: '展会明天开幕。',
        textEn: null,
        linkUrl: 'https://example.com/expo',
      },
    });

    for (const bad of ['abc', '1.5', '-1']) {
      const res = await get(`/admin/api/broadcasts/${bad}`);
      expect(res.status, bad).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    }
    for (const missing of ['999999', '99999999999', '0']) {
      const res = await get(`/admin/api/broadcasts/${missing}`);
      expect(res.status, missing).toBe(404);
      expect(await res.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    }
  });

  it('cancels a running broadcast once, then answers 409 NOT_RUNNING', async () => {
    expect((await post('/admin/api/broadcasts/abc/cancel')).status).toBe(400);
    expect((await post('/admin/api/broadcasts/999999/cancel')).status).toBe(404);

    const res = await post(`/admin/api/broadcasts/${createdId}/cancel`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ cancelled: true });
    const after = (await (await get(`/admin/api/broadcasts/${createdId}`)).json()) as { broadcast: Record<string, unknown> };
    expect(after.broadcast).toMatchObject({
      status: 'cancelled',
      finishedAt: expect.any(String),
      counts: { pending: 0, sending: 0, sent: 0, unreachable: 0, failed: 0, skipped: 1, cancelled: 3 },
    });

    const again = await post(`/admin/api/broadcasts/${createdId}/cancel`);
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: { code: 'NOT_RUNNING' } });
  });

  it('has no broadcast routes when the admin API is built without them', async () => {
    const bare = createHttpApp({ pipeline: {} as Pipeline, log: createLogger('silent'), clock: () => new Date(), readiness: {}, admin: { token: TOKEN, exportCsv: async () => undefined } });
    expect((await bare.request('/admin/api/broadcasts', { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
  });
});

/** Runs `patent-bridge <argv>` in-process with the environment given; captures stdout and stderr. */
async function cli(argv: string[], env: Record<string, string | undefined>): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  for (const [k, v] of Object.entries({ DATABASE_URL: undefined, MEILI_URL: undefined, MEILI_MASTER_KEY: undefined, LOG_LEVEL: 'silent', CONTENT_DIR: CONTENT_DIR, ...env })) vi.stubEnv(k, v);
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((err += String(chunk)), true));
  try {
    const code = await main(argv);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
    vi.unstubAllEnvs();
  }
}

describe('broadcasts command: argument checks', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pb-cli-bargs-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('rejects a bad --limit or a stray argument with exit 2, without opening the database', async () => {
    for (const argv of [['broadcasts', '--limit', '0'], ['broadcasts', '--limit', 'all'], ['broadcasts', 'now'], ['broadcasts', '--status', 'done']]) {
      const r = await cli(argv, { DATA_DIR: dir });
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toContain('broadcasts [--limit N] [--json]');
      expect(r.out).toBe('');
    }
    expect(readdirSync(dir)).toEqual([]);
  });
});

/**
 * Every command starts the services (PGlite, Meilisearch): the listing below runs several, which
 * passed the default 60 s at load 15 on 2 cores. A deadline for finishing, not a measure.
 */
const COMMAND_MS = 180_000;

describe.each(DB_KINDS)('broadcasts command on %s', (kind) => {
  let dir: string;
  let tdb: TestDb | undefined;
  let env: Record<string, string | undefined>;
  /** The database the command uses, opened while the command is not running. */
  const withDb = async <T>(fn: (db: Database) => Promise<T>): Promise<T> => {
    if (tdb) return fn(tdb.database);
    const db = await openDatabase({ pgliteDir: path.join(dir, 'pg') });
    try {
      await db.migrate();
      return await fn(db);
    } finally {
      await db.close();
    }
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pb-cli-bcast-'));
    if (kind === 'postgres') tdb = await openTestDb('postgres');
    env = { DATA_DIR: dir, ...(tdb ? { DATABASE_URL: tdb.url } : {}) };
  });
  afterAll(async () => {
    await tdb?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists broadcasts newest first with delivery counts, as a table and as JSON lines', async () => {
    const none = await cli(['broadcasts'], env);
    expect(none.code, none.err).toBe(0);
    expect(none.out).toBe('no broadcasts\n');

    const ids = await withDb(async (db) => {
      await seed(db, `${kind}-cli`);
      const store = new BroadcastStore(db);
      // A finished one: buyers only, cancelled after 65 s; a running one to subscribers with one delivery sent.
      const first = await store.create({ audience: { ...CONFIRMED, role: 'buyer' }, textZh: '买家专场' });
      expect(await store.cancel(first.id)).toBe(true);
      await db.rows(sql`update broadcasts set created_at = finished_at - interval '65 seconds' where id = ${first.id} returning id`);
      const second = await store.create({ audience: { kind: 'subscribers' }, textEn: 'hello' });
      await db.rows(sql`update broadcast_deliveries set status = 'sent', sent_at = now() where id = (select min(id) from broadcast_deliveries where broadcast_id = ${second.id}) returning id`);
      const created = await db.rows<{ id: number; createdAt: Date | string }>(sql`select id, created_at as "createdAt" from broadcasts order by id`);
      return { first: first.id, second: second.id, created: created.map((c) => new Date(c.createdAt).toISOString().replace(/\.\d{3}Z$/, 'Z')) };
    });

    const table = await cli(['broadcasts'], env);
    expect(table.code, table.err).toBe(0);
    const lines = table.out.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^ID\s+CREATED\s+AUDIENCE\s+STATUS\s+TOTAL\s+SENT\s+UNREACHABLE\s+FAILED\s+SKIPPED\s+CANCELLED\s+PENDING\s+DURATION$/);
    // Columns are two or more spaces apart; the audience has single spaces inside.
    expect(lines[1]!.split(/\s{2,}/)).toEqual([String(ids.second), ids.created[1], 'subscribers', 'sending', '2', '1', '0', '0', '0', '0', '1', 'running']);
    expect(lines[2]!.split(/\s{2,}/)).toEqual([String(ids.first), ids.created[0], `registrants ${EXPO} confirmed buyer`, 'cancelled', '3', '0', '0', '0', '1', '2', '0', '1m 05s']);

    const json = await cli(['broadcasts', '--json'], env);
    expect(json.code, json.err).toBe(0);
    const rows = json.out.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows).toEqual([
      { id: ids.second, created: ids.created[1], audience: 'subscribers', status: 'sending', total: 2, sent: 1, unreachable: 0, failed: 0, skipped: 0, cancelled: 0, pending: 1, durationMs: null },
      {
        id: ids.first,
        created: ids.created[0],
        audience: `registrants ${EXPO} confirmed buyer`,
        status: 'cancelled',
        total: 3,
        sent: 0,
        unreachable: 0,
        failed: 0,
        skipped: 1,
        cancelled: 2,
        pending: 0,
        durationMs: 65_000,
      },
    ]);
    const limited = await cli(['broadcasts', '--limit', '1', '--json'], env);
    expect(limited.out.trimEnd().split('\n').map((l) => (JSON.parse(l) as { id: number }).id)).toEqual([ids.second]);
  }, COMMAND_MS);
});
