/**
 * Issue 15, item 1: an unauthenticated client cannot make the service hold a huge body. The
 * service runs as a child process (`patent-bridge serve`, embedded database and Meilisearch);
 * a 300 MB form and a 200 MB multipart body, streamed chunked (no length to refuse them by) and
 * once with a declared length, go to POST /console/login. Each is answered 413, and the child's
 * resident memory (VmHWM, its peak, from /proc) grows by less than 100 MB over all of them.
 * Before the fix the 300 MB form alone raised it by about 1.5 GB.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, type ServeChild } from '../support/serve-child.js';

const MB = 1024 * 1024;
let child: ServeChild;

/** VmRSS and VmHWM of a process, in bytes. */
function memory(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(status)![1]) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/** Streams `total` bytes (the first chunk `head`, then filler) until the server answers; its status and how much went out. */
function pump(url: string, path: string, headers: Record<string, string>, head: string, total: number): Promise<{ status: number; sent: number }> {
  return new Promise((resolve, reject) => {
    const filler = Buffer.alloc(256 * 1024, 'a');
    let sent = 0;
    let answered = false;
    const req = request(`${url}${path}`, { method: 'POST', headers }, (res) => {
      answered = true;
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, sent }));
    });
    req.on('error', (err) => (answered ? undefined : reject(err)));
    const write = () => {
      while (!answered && sent < total) {
        const chunk = sent === 0 ? Buffer.from(head) : filler.subarray(0, Math.min(filler.length, total - sent));
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', write);
      }
      if (!answered) req.end();
    };
    write();
  });
}

beforeAll(async () => {
  child = await startServe({ env: { ADMIN_TOKEN: 'admin-token-for-memory-test' } });
}, 120_000);
afterAll(async () => {
  await child?.stop();
});

describe('huge bodies sent without signing in', () => {
  it('are refused with 413 as they stream in, and the service does not hold them', async () => {
    const pid = child.proc.pid!;
    const before = memory(pid);
    const form = await pump(child.url, '/console/login', { 'content-type': 'application/x-www-form-urlencoded' }, 'token=', 300 * MB);
    const boundary = '----pbmemorytest';
    const multipartHead = `--${boundary}\r\nContent-Disposition: form-data; name="token"; filename="t.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`;
    const multipart = await pump(child.url, '/console/login', { 'content-type': `multipart/form-data; boundary=${boundary}` }, multipartHead, 200 * MB);
    const declared = await pump(child.url, '/console/login', { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(200 * MB) }, multipartHead, 200 * MB);
    const after = memory(pid);
    const figures = {
      rssBeforeMB: Math.round(before.rss / MB),
      peakBeforeMB: Math.round(before.hwm / MB),
      rssAfterMB: Math.round(after.rss / MB),
      peakAfterMB: Math.round(after.hwm / MB),
      sentMB: [form, multipart, declared].map((r) => Math.round(r.sent / MB)),
    };
    console.log('body-memory figures', JSON.stringify(figures));
    expect([form.status, multipart.status, declared.status]).toEqual([413, 413, 413]);
    expect(after.hwm - before.hwm).toBeLessThan(100 * MB);
    expect(after.rss - before.rss).toBeLessThan(100 * MB);
    // The service is still there and answers.
    expect((await fetch(`${child.url}/healthz`)).status).toBe(200);
  }, 180_000);
});
