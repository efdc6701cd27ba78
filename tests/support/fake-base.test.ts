import { describe, expect, it } from 'vitest';
import { CallLog, FaultRules, listenLoopback, readBody, sendJson, SlidingWindowLimiter, TokenIssuer } from './fake-base.js';

describe('fake base', () => {
  it('serves on loopback, reads raw bytes, and close() drops held connections', async () => {
    let held = 0;
    const srv = await listenLoopback(async (req, res) => {
      const body = await readBody(req);
      if (req.url === '/hold') {
        held++;
        return; // never answered
      }
      sendJson(res, 200, { bytes: body.length, first: body[0] });
    });
    const res = await fetch(`${srv.url}/echo`, { method: 'POST', body: new Uint8Array([0xef, 0xbb, 0xbf, 0x7b]) });
    expect(await res.json()).toEqual({ bytes: 4, first: 0xef });
    const pending = fetch(`${srv.url}/hold`, { method: 'POST', body: 'x' }).then(
      () => 'answered',
      () => 'dropped',
    );
    while (held === 0) await new Promise((r) => setTimeout(r, 5));
    await srv.close();
    expect(await pending).toBe('dropped');
  });

  it('waitFor resolves on the counted call and names what arrived on a timeout', async () => {
    const log = new CallLog<{ method: string; at: number }>('fake-x');
    const waiting = log.waitFor('send', 2, 1000);
    log.record({ method: 'send', at: 1 });
    log.notify();
    log.record({ method: 'token', at: 2 });
    log.record({ method: 'send', at: 3 });
    log.notify();
    expect((await waiting).map((c) => c.at)).toEqual([1, 3]);
    await expect(log.waitFor('edit', 1, 20)).rejects.toThrow(/fake-x: waited 20 ms for 1 call\(s\) of edit, got 0\. Received: send×2, token×1/);
  });

  it('failNext rules apply to the next matching calls only, per key when given', () => {
    const rules = new FaultRules<string>();
    rules.add('send', 'rate-limited', { times: 2, key: 'chat-1' });
    expect(rules.take('send', 'chat-2')).toBeUndefined();
    expect(rules.take('send', 'chat-1')).toBe('rate-limited');
    expect(rules.take('send', 'chat-1')).toBe('rate-limited');
    expect(rules.take('send', 'chat-1')).toBeUndefined();
  });

  it('the sliding window refuses over the limit, per key too, and keeps the busiest windows', () => {
    const perMinute = new SlidingWindowLimiter(undefined, 20, 60_000);
    let accepted = 0;
    for (let i = 0; i < 25; i++) if (perMinute.tryAccept('group', i * 1000) !== undefined) accepted++;
    expect([accepted, perMinute.refused, perMinute.maxPerKey]).toEqual([20, 5, 20]);
    expect(perMinute.tryAccept('group', 60_000)).toBe(60_000); // the call at 0 has left (0, 60 000]
    expect(perMinute.tryAccept('other', 60_000)).toBe(60_000);
    const overall = new SlidingWindowLimiter(3, undefined);
    expect([0, 100, 200, 300].map((t) => overall.tryAccept(undefined, t) !== undefined)).toEqual([true, true, true, false]);
    expect(overall.max).toBe(3);
    expect(() => new SlidingWindowLimiter(-1, undefined)).toThrow(RangeError);
  });

  it('tokens expire on the fake clock and can all be made stale at once', () => {
    let t = 1_000_000;
    const tokens = new TokenIssuer('tk-', () => t);
    const a = tokens.issue(60);
    const b = tokens.issue(3600);
    expect(a).not.toBe(b);
    expect([tokens.valid(a), tokens.valid(b), tokens.valid(undefined), tokens.valid('tk-forged')]).toEqual([true, true, false, false]);
    t += 60_000;
    expect([tokens.valid(a), tokens.valid(b)]).toEqual([false, true]);
    tokens.invalidateAll();
    expect(tokens.valid(b)).toBe(false);
  });
});
