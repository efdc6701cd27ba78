/**
 * Answers a handler builds itself (the platform webhooks return their own Response) over a real
 * @hono/node-server socket: they carry the request id and the security headers like every other
 * answer, the handler reads the declared-length body whole, and a declared length over the limit
 * is refused before the handler runs.
 */
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pipeline } from '../../src/core/pipeline.js';
import { createHttpApp, MAX_BODY } from '../../src/http/http-app.js';
import { createLogger } from '../../src/util/log.js';

let server: ServerType;
let port: number;
const seen: string[] = [];

beforeAll(async () => {
  const app = createHttpApp({
    pipeline: {} as Pipeline,
    log: createLogger('silent'),
    clock: () => new Date(0),
    readiness: {},
    telegramWebhook: async (req) => {
      seen.push(await req.text());
      return new Response('{"ok":true}', { headers: { 'content-type': 'application/json' } });
    },
  });
  server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((r) => server.once('listening', () => r()));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

function post(body: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/telegram/webhook', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe("a handler's own Response", () => {
  it('carries the request id and the security headers, and the handler read the body whole', async () => {
    const body = JSON.stringify({ update_id: 7, message: { text: '石墨烯导热膜'.repeat(50) } });
    const res = await post(body, { 'x-request-id': 'lb-7' });
    expect(res.status).toBe(200);
    expect(res.text).toBe('{"ok":true}');
    expect(res.headers['x-request-id']).toBe('lb-7');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['content-type']).toBe('application/json');
    expect(seen.at(-1)).toBe(body);
    const fresh = await post('{}');
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('an unhandled error is logged with the request id, and the 500 carries it', async () => {
    const lines: string[] = [];
    const app = createHttpApp({
      pipeline: {} as Pipeline,
      log: createLogger('error', {}, (l) => lines.push(l)),
      clock: () => new Date(0),
      readiness: {},
      slackEvents: async (req) => {
        await req.text();
        throw new Error('boom');
      },
    });
    // No declared length: the body goes through the limiting stream, which replaces c.req.raw.
    const res = await app.request('/slack/events', { method: 'POST', body: '{"x":1}', headers: { 'x-request-id': 'lb-9', 'content-type': 'application/json' } });
    expect(res.status).toBe(500);
    expect(res.headers.get('x-request-id')).toBe('lb-9');
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'unhandled http error');
    expect(logged?.requestId).toBe('lb-9');
  });

  it('is not reached when the declared length is over the limit', async () => {
    const before = seen.length;
    const res = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/telegram/webhook', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(MAX_BODY + 1) } }, (r) => {
        r.resume();
        resolve(r.statusCode!);
      });
      req.on('error', reject);
      req.write('{');
    });
    expect(res).toBe(413);
    expect(seen.length).toBe(before);
  });
});
