/**
 * Trade leads (issue #6): the crash cases, with the real service as a child process
 * (`node bin/patent-bridge.mjs serve`, polling mode) that is killed with SIGKILL, against a fresh
 * Postgres database and the fake Telegram Bot API running in this test process.
 *
 *  1. killed between "lead saved" and "notice sent" → after a restart the notice goes out once;
 *  2. killed after Telegram accepted the notice but before the job was marked done → at most one
 *     duplicate, and both carry the same reference so staff see it is the same lead;
 *  3. Telegram answering 500 for a while → the notice arrives once it is back (and, before that,
 *     a fault-free run measures the time from the author's 确认 to the notice at the fake).
 *
 * Needs a Postgres server: TEST_DATABASE_URL=postgres://root@127.0.0.1:5432/test (as in CI).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { StaffStore } from '../../src/services/staff-store.js';
import { PACKAGE_ROOT } from '../../src/util/paths.js';
import { openTestDb, type TestDb } from '../support/db.js';
import { callbackUpdate, startFakeTelegram, textUpdate, type FakeCall, type FakeTelegram } from '../support/fake-telegram.js';

const AGENCY = 'xiangjiang-ip-trading'; // trading, Hunan: the one bound inbox takes every lead here
const GROUP = -1005551; // its Telegram group
const BIN = path.join(PACKAGE_ROOT, 'bin', 'patent-bridge.mjs');
const REF = /编号 (L-[2-9A-Z]{6})/;

const text = (c: FakeCall | undefined) => String(c?.params.text ?? '');
const refIn = (c: FakeCall) => /(L-[2-9A-Z]{6})/.exec(text(c))?.[1];

async function until<T>(f: () => T | undefined | false | Promise<T | undefined | false>, what: string, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

if (!process.env.TEST_DATABASE_URL) {
  console.warn('tests/leads/lead-crash.test.ts skipped: it needs a Postgres server — set TEST_DATABASE_URL (e.g. postgres://root@127.0.0.1:5432/test)');
}

describe.skipIf(!process.env.TEST_DATABASE_URL)('lead notices across a SIGKILL of the service (child process; skipped without TEST_DATABASE_URL)', () => {
  let db: TestDb;
  let fake: FakeTelegram;
  let dataDir: string;
  const children: { proc: ChildProcess; stderr: string; exited: Promise<void> }[] = [];

  /** Notices the group really got (the fake accepted them), optionally only those naming `ref`. */
  const notices = (ref?: string) =>
    fake.callsTo('sendMessage').filter((c) => !c.failed && String(c.params.chat_id) === String(GROUP) && (!ref || text(c).includes(ref)));
  const sentTo = (chatId: number) => fake.callsTo('sendMessage').filter((c) => !c.failed && String(c.params.chat_id) === String(chatId));

  async function startService(): Promise<ChildProcess> {
    const proc = spawn(process.execPath, [BIN, 'serve'], {
      cwd: PACKAGE_ROOT,
      // Only what the service needs: no TEST_* or VITEST variables leak into it.
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? os.homedir(),
        DATABASE_URL: db.url!,
        DATA_DIR: dataDir, // embedded Meilisearch (MEILI_URL unset) lives here
        CONTENT_DIR: path.join(PACKAGE_ROOT, 'content'),
        TELEGRAM_BOT_TOKEN: fake.token,
        TELEGRAM_API_ROOT: fake.url,
        PORT: '0',
        LOG_LEVEL: 'warn',
      },
      // Its own process group: afterEach can end it together with the Meilisearch it spawned.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const child = { proc, stderr: '', exited: new Promise<void>((r) => proc.once('exit', () => r())) };
    children.push(child);
    proc.stdout!.resume();
    proc.stderr!.on('data', (b: Buffer) => (child.stderr = (child.stderr + b.toString()).slice(-20_000)));
    let exited = false;
    void child.exited.then(() => (exited = true));
    await until(
      () => {
        if (exited) throw new Error(`the service exited during start (code ${proc.exitCode}):\n${child.stderr}`);
        return child.stderr.includes('web chat at');
      },
      'the service to be ready ("web chat at" on stderr)',
      60_000,
    ).catch((err: Error) => Promise.reject(new Error(`${err.message}\nstderr:\n${child.stderr}`)));
    return proc;
  }

  /** The crash: SIGKILL to the service process alone (its Meilisearch is orphaned, as in production; a restart ends it). */
  async function crash(proc: ChildProcess): Promise<void> {
    const child = children.find((c) => c.proc === proc)!;
    proc.kill('SIGKILL');
    await child.exited;
    expect(proc.signalCode).toBe('SIGKILL');
  }

  /** Sends a text or a button press as the author and waits for the bot's next message to them. */
  async function say(userId: number, body: { text?: string; data?: string }): Promise<FakeCall> {
    const before = sentTo(userId).length;
    fake.pushUpdate(body.data ? callbackUpdate({ data: body.data, userId }) : textUpdate({ text: body.text!, userId }));
    return until(() => sentTo(userId)[before], `a reply to ${userId} after ${JSON.stringify(body)}`);
  }

  /**
   * The author's dialogue for a buying need without a patent number (with DATABASE_URL the service
   * loads no demo patents). Returns the reference and when 确认 was pushed.
   */
  async function submitLead(userId: number): Promise<{ ref: string; confirmedAt: number }> {
    await say(userId, { text: '求购污水处理技术' });
    await say(userId, { data: 'lv:Hunan' });
    await say(userId, { text: `139${String(userId).padStart(8, '0')}` });
    await say(userId, { text: '跳过' });
    await say(userId, { text: '同意' });
    const confirmedAt = Date.now();
    const reply = await say(userId, { text: '确认' });
    const ref = REF.exec(text(reply))?.[1];
    expect(ref, text(reply)).toBeDefined();
    return { ref: ref!, confirmedAt };
  }

  const offerOf = async (ref: string) =>
    (
      await db.database.rows<{ id: number; status: string; attempts: number; lease_live: boolean; lead_status: string; message_id: string | null }>(
        sql`select o.id, o.status, o.attempts, coalesce(o.lease_until > now(), false) as lease_live, l.status as lead_status, o.message_id
            from lead_offers o join leads l on l.id = o.lead_id where l.ref = ${ref} order by o.id`,
      )
    )[0];

  /**
   * Stands in for the 60 s lease of the killed process running out (claimDue skips a row whose
   * lease_until is in the future), so the test does not wait a minute. Only rows of `ref`.
   */
  async function expireLease(ref: string): Promise<void> {
    await db.database.rows(sql`update lead_offers set lease_until = now() where lead_id = (select id from leads where ref = ${ref}) and status = 'pending'`);
  }

  beforeAll(async () => {
    db = await openTestDb('postgres');
    // Staff and the agency's inbox come first, straight into the database.
    await new StaffStore(db.database.db).bindInbox(AGENCY, 'telegram', String(GROUP), null);
    fake = await startFakeTelegram();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'pb-lead-crash-'));
  });

  afterEach(async () => {
    // Every service started, and whatever it spawned, ends here whether the test passed or not.
    for (const c of children.splice(0)) {
      try {
        process.kill(-c.proc.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
      await Promise.race([c.exited, sleep(5000)]);
    }
    fake?.releaseHeld();
  });

  afterAll(async () => {
    await fake?.close();
    await db?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('(1) killed between "lead saved" and "notice sent": after a restart the notice is sent exactly once', async () => {
    const first = await startService();
    // The notice request reaches Telegram and is lost there: never performed, never answered.
    fake.holdNext('sendMessage', { chatId: GROUP, deliver: false });
    const { ref } = await submitLead(801);
    const heldCall = await until(() => fake.heldCalls().find((c) => text(c).includes(ref)), 'the held notice');
    expect(heldCall.failed).toBe(true);
    const offer = (await offerOf(ref))!;
    expect(offer).toMatchObject({ status: 'pending', attempts: 1, lease_live: true, lead_status: 'new' });

    await crash(first);
    fake.releaseHeld();
    await expireLease(ref);
    await startService();

    await until(() => notices(ref).length > 0, 'the notice after the restart');
    await until(async () => (await offerOf(ref))?.status === 'sent', 'the job marked done');
    await sleep(2500); // more than two delivery passes (every 1 s): a duplicate would show now
    const got = notices(ref);
    expect(got).toHaveLength(1);
    expect(text(got[0])).toContain(`新线索 ${ref}`);
    expect(await offerOf(ref)).toMatchObject({ status: 'sent', attempts: 2, lead_status: 'notified', message_id: String((got[0]!.result as { message_id: number }).message_id) });
    console.log(`crash case 1: notices delivered ${got.length}, duplicates ${got.length - 1}`);
  });

  it('(2) killed after the send but before the job is marked done: at most one duplicate, both with the same reference', async () => {
    const first = await startService();
    // Telegram accepts the notice (the group has it) but the answer never reaches the service.
    fake.holdNext('sendMessage', { chatId: GROUP, deliver: true });
    const { ref } = await submitLead(802);
    const heldCall = await until(() => fake.heldCalls().find((c) => text(c).includes(ref)), 'the held notice');
    expect(heldCall.failed).toBeUndefined();
    expect(notices(ref)).toHaveLength(1);
    expect(await offerOf(ref)).toMatchObject({ status: 'pending', attempts: 1, lease_live: true, lead_status: 'new' });

    await crash(first);
    fake.releaseHeld();
    await expireLease(ref);
    await startService();

    await until(async () => (await offerOf(ref))?.status === 'sent', 'the job marked done after the restart');
    await sleep(2500);
    const got = notices(ref);
    expect(got.length).toBeGreaterThanOrEqual(1);
    expect(got.length).toBeLessThanOrEqual(2);
    // Staff see one lead twice, not two leads: every copy names the same reference and no other.
    for (const n of got) {
      expect(refIn(n)).toBe(ref);
      expect(text(n)).toContain(`新线索 ${ref}`);
    }
    expect(await offerOf(ref)).toMatchObject({ status: 'sent', lead_status: 'notified' });
    const events = await db.database.rows<{ action: string }>(sql`select e.action from lead_events e join leads l on l.id = e.lead_id where l.ref = ${ref} order by e.id`);
    expect(events.map((e) => e.action)).toEqual(['created', 'offered', 'notified']);
    console.log(`crash case 2: notices delivered ${got.length}, duplicates ${got.length - 1}`);
  });

  it('(3) Telegram down for a while (500 to the agency group): the notice arrives once it is back; plus a fault-free timing', async () => {
    await startService();

    // A fault-free lead first: how long from the author's 确认 to the notice at the fake.
    const normal = await submitLead(803);
    const normalNotice = await until(() => notices(normal.ref)[0], 'the fault-free notice');
    const normalMs = normalNotice.at - normal.confirmedAt;
    console.log(`no-fault run: 确认 → notice at the fake in ${normalMs} ms`);

    // Each outbox attempt makes up to two sendMessage calls (one quick retry in the sender), so two
    // 500s fail one whole attempt and the outbox retries after its ~2 s back-off.
    const FAILURES = 2;
    const failedBefore = fake.callsTo('sendMessage').filter((c) => c.failed && String(c.params.chat_id) === String(GROUP)).length;
    fake.failNext('sendMessage', { code: 500, description: 'Internal Server Error' }, { times: FAILURES, chatId: GROUP });
    const { ref, confirmedAt } = await submitLead(804);
    const notice = await until(() => notices(ref)[0], 'the notice after the outage', 15_000);
    await until(async () => (await offerOf(ref))?.status === 'sent', 'the job marked done');
    await sleep(1500);
    const failed = fake.callsTo('sendMessage').filter((c) => c.failed && String(c.params.chat_id) === String(GROUP)).slice(failedBefore);
    expect(failed).toHaveLength(FAILURES);
    expect(failed.every((c) => c.error?.error_code === 500 && text(c).includes(ref))).toBe(true);
    expect(notices(ref)).toHaveLength(1);
    const offer = (await offerOf(ref))!;
    expect(offer).toMatchObject({ status: 'sent', lead_status: 'notified' });
    expect(offer.attempts).toBe(2); // the first outbox attempt failed, the retry after the back-off went through
    console.log(`crash case 3: 500 × ${FAILURES}, notice delivered after ${notice.at - confirmedAt} ms (outbox attempt ${offer.attempts}), notices delivered ${notices(ref).length}, duplicates ${notices(ref).length - 1}`);
  });
});
