/**
 * Sets a header on the answer a handler already made. Hono's `c.header()` after the handler
 * rebuilds the Response from its body (new Response(res.body, res)): under @hono/node-server that
 * turns a ready string answer into a web stream written chunk by chunk, which cost ~0.7 ms of CPU
 * per webhook request for four security headers (most of this app's per-request overhead). The
 * answer's own Headers are changed in place instead; only an answer whose headers are immutable
 * (Response.redirect, a fetched Response) is rebuilt. `missingOnly`: a header the handler set wins.
 */
import type { Context } from 'hono';

export function setAnswerHeader(c: Context, name: string, value: string, missingOnly = false): void {
  const headers = c.res.headers;
  if (missingOnly && headers.has(name)) return;
  try {
    headers.set(name, value);
  } catch {
    c.header(name, value);
  }
}
