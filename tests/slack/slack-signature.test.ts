/**
 * Slack's request signature at the HTTP entry, with an injected clock: checked over the raw bytes
 * (a BOM or invalid UTF-8 does not make a correctly signed request look forged), a symmetric ±5 min
 * window, and bodies that are signed but unusable answered with a clear 4xx, never 401 or 500.
 * The inbox is a real PGlite database; the channel's worker is never started, so no pipeline runs.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackChannel } from '../../bots/slack/slack-channel.js';
import type { Pipeline } from '../../src/core/pipeline.js';
import { createHttpApp } from '../../src/http/http-app.js';
import { InboxStore } from '../../src/services/inbox-store.js';
import { createLogger } from '../../src/util/log.js';
import { openTestDb, type TestDb } from '../support/db.js';
import { eventBody, signedSlackRequest } from '../support/fake-slack.js';

const SECRET = 'slack-signing-secret-for-tests';
const URL_ = 'http://localhost/slack/events';
const NOW = new Date('2026-03-02T03:04:05Z');
const nowSec = Math.floor(NOW.getTime() / 1000);
const log = createLogger('silent');
let db: TestDb;
let slack: SlackChannel;
let app: ReturnType<typeof createHttpApp>;

beforeAll(async () => {
  db = await openTestDb('pglite');
  // Never reached: the inbox worker is stopped, so nothing is answered here.
  const pipeline = {} as Pipeline;
  slack = new SlackChannel({ token: 'xoxb-test', signingSecret: SECRET, apiUrl: 'http://127.0.0.1:9/api/', pipeline, inbox: new InboxStore(db.database), log, clock: () => NOW });
  await slack.stop();
  app = createHttpApp({ pipeline, log, clock: () => NOW, readiness: {}, slackEvents: (r) => slack.handleRequest(r) });
});
afterAll(async () => {
  await db?.drop();
});

const send = (body: string | Uint8Array, opts: Parameters<typeof signedSlackRequest>[3] = {}) =>
  app.request(signedSlackRequest(URL_, body, SECRET, { timestamp: nowSec, ...opts }));
const event = (eventId: string) => eventBody({ type: 'message', text: '/help', channel: 'D1', channelType: 'im', user: 'U1', eventId });
const recorded = async (eventId: string) =>
  (await db.database.rows<{ n: number }>(sql`select count(*)::int as n from inbound_updates where platform = 'slack' and update_id like ${`%${eventId}%`}`))[0]!.n;

describe('the Slack signature', () => {
  it('accepts a timestamp within five minutes either way and refuses six minutes either way', async () => {
    expect((await send(event('EvSigNow'))).status).toBe(200);
    expect((await send(event('EvSigPast'), { timestamp: nowSec - 290 })).status).toBe(200);
    expect((await send(event('EvSigSoon'), { timestamp: nowSec + 290 })).status).toBe(200);
    const future = await send(event('EvSigFuture'), { timestamp: nowSec + 6 * 60 });
    const past = await send(event('EvSigStale'), { timestamp: nowSec - 6 * 60 });
    expect([future.status, past.status]).toEqual([401, 401]);
    expect(await future.json()).toMatchObject({ error: { code: 'BAD_SIGNATURE' } });
    expect(await recorded('EvSigFuture')).toBe(0);
    expect(await recorded('EvSigStale')).toBe(0);
    expect(await recorded('EvSigSoon')).toBe(1);
  });

  it('refuses a signature over other bytes, a malformed timestamp or no headers', async () => {
    const body = event('EvSigForged');
    const forged = await app.request(signedSlackRequest(URL_, body, 'not-the-secret', { timestamp: nowSec }));
    const tampered = await app.request(new Request(URL_, { method: 'POST', headers: { ...Object.fromEntries(signedSlackRequest(URL_, body, SECRET, { timestamp: nowSec }).headers) }, body: body.replace('/help', '/stop') }));
    const odd = await send(body, { headers: { 'x-slack-request-timestamp': `${nowSec}.5` } });
    const bare = await app.request(new Request(URL_, { method: 'POST', headers: { 'content-type': 'application/json' }, body }));
    expect([forged.status, tampered.status, odd.status, bare.status]).toEqual([401, 401, 401, 401]);
    expect(await recorded('EvSigForged')).toBe(0);
  });

  it('checks the raw bytes: a correctly signed body with a BOM is read', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(event('EvSigBom'))]);
    const res = await send(bytes, { contentType: 'application/json' });
    expect(res.status).toBe(200);
    expect(await recorded('EvSigBom')).toBe(1);
  });

  it('answers a correctly signed body that is not UTF-8, or not an object, with a clear 400', async () => {
    const invalid = await send(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), { contentType: 'application/json' });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ error: { code: 'BAD_ENCODING' } });
    for (const [body, contentType] of [['null', 'application/json'], ['[1,2]', 'application/json'], ['"x"', 'application/json'], ['payload=null', 'application/x-www-form-urlencoded'], ['{"type":', 'application/json']]) {
      const res = await send(body!, { contentType: contentType! });
      expect(res.status, body).toBe(400);
      expect(await res.json(), body).toMatchObject({ error: { code: 'BAD_BODY' } });
    }
  });
});
