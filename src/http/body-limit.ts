/**
 * Request bodies, for every route in one place (issue 15). `limitBodies` gives each request a limit
 * by path, refuses a declared Content-Length over it at once, and otherwise wraps the body so
 * that whoever reads it (a form or JSON parser, a platform webhook) gets an error as soon as the
 * limit is passed while it streams in: nothing beyond the limit is ever held in memory, and a body
 * nobody reads (a request refused before its body, such as an upload without a session) is never
 * read at all. An answer given while the body is not read to its end says `Connection: close`, so
 * the client knows the socket ends there (otherwise the HTTP server would close it after a short
 * drain while the answer promised keep-alive). Read bodies with `readForm`/`readJson`: a malformed
 * body becomes a 400 and an oversized one a 413, each an `HttpError` the app answers in its error
 * shape.
 */
import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { setAnswerHeader } from './answer-header.js';

/** A 4xx the HTTP app answers as `{error: {code, message}}` with this status. */
export class HttpError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 413 | 415 | 429,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

const tooLarge = (limit: number) => new HttpError(413, 'PAYLOAD_TOO_LARGE', `request body is larger than ${limit} bytes`);

interface BodyState {
  limit: number;
  /** The body was read to its end (or there was none). */
  done: boolean;
  exceeded: boolean;
}
const states = new WeakMap<Request, BodyState>();

/** What became of this request's body (undefined for a request that did not pass through limitBodies). */
const stateOf = (c: Context): BodyState | undefined => states.get(c.req.raw);

/**
 * `tooLargeAnswer` words the refusal of a declared Content-Length over the limit for paths whose
 * clients are people (the console's upload: a page in their language rather than JSON); undefined
 * keeps the JSON error shape.
 */
export function limitBodies(limitFor: (path: string) => number, tooLargeAnswer?: (c: Context, limit: number) => Response | undefined): MiddlewareHandler {
  return async (c, next) => {
    const limit = limitFor(c.req.path);
    const declared = c.req.header('content-length');
    const lengthKnown = declared !== undefined && !c.req.header('transfer-encoding');
    if (declared === '0') {
      await next();
      return;
    }
    const incoming = incomingOf(c);
    if (incoming && lengthKnown && Number(declared) <= limit) {
      // Node's parser reads exactly the declared length, so this body cannot pass the limit: it is
      // left as it is (wrapping it in a web stream cost ~0.5 ms of CPU per request, and reading
      // c.req.raw.body here would build the Request even for a handler that never reads it).
      await next();
      if (!incoming.complete) {
        setAnswerHeader(c, 'connection', 'close');
        linger(c);
      }
      return;
    }
    const body = c.req.raw.body;
    if (!body) {
      await next();
      return;
    }
    if (lengthKnown && Number(declared) > limit) {
      // The body is left alone (Node's server discards it once the answer is out); only the close is
      // made a lingering one, so a client still sending reads the 413 instead of a reset.
      halfCloseAfterAnswer(c);
      const worded = tooLargeAnswer?.(c, limit);
      if (worded) {
        worded.headers.set('connection', 'close');
        return worded;
      }
      const e = tooLarge(limit);
      return c.json({ error: { code: e.code, message: e.message } }, 413, { connection: 'close' });
    }
    const state: BodyState = { limit, done: false, exceeded: false };
    const reader = body.getReader();
    let seen = 0;
    const limited = new ReadableStream<Uint8Array>({
      async pull(ctl) {
        const r = await reader.read();
        if (r.done) {
          state.done = true;
          ctl.close();
          return;
        }
        seen += r.value.byteLength;
        if (seen > limit) {
          // Stop here; the rest stays unread (the answer closes the connection).
          state.exceeded = true;
          ctl.error(tooLarge(limit));
          return;
        }
        ctl.enqueue(r.value);
      },
      cancel: (reason) => reader.cancel(reason),
    });
    c.req.raw = new Request(c.req.raw, { body: limited, duplex: 'half' } as RequestInit);
    states.set(c.req.raw, state);
    await next();
    // Whatever the reader made of the cut-off stream (a 400 for "bad JSON", a 503 …), the answer is 413.
    if (state.exceeded && c.res.status !== 413) {
      const e = tooLarge(limit);
      c.res = c.json({ error: { code: e.code, message: e.message } }, 413);
    }
    if (!state.done) {
      setAnswerHeader(c, 'connection', 'close');
      linger(c);
    }
  };
}

/** How long a connection closed with its request body unread keeps discarding what still arrives. */
export const LINGER_MS = 2000;

/**
 * A "lingering close" (as nginx does it): closing a socket while the client is still sending
 * makes the kernel answer with a reset, and a client that gets the reset before it has read the
 * answer never sees the 413. So once the answer is out, the server only half-closes, discards
 * whatever body still arrives (nothing is kept), and closes when the client does or after
 * LINGER_MS. Only under @hono/node-server (c.env.incoming); elsewhere there is no socket to keep.
 */
function linger(c: Context): void {
  const incoming = halfCloseAfterAnswer(c);
  if (!incoming) return;
  // Drop the listeners that would queue the body for a reader that is gone (Node's own req._dump does this).
  incoming.removeAllListeners('data');
  incoming.on('data', () => {});
  incoming.resume();
}

/**
 * Node ends a Connection: close answer with socket.destroySoon(); make that a half-close that
 * becomes a close when the client closes or after LINGER_MS. Touches only the socket's close, not
 * the request stream: for a body nobody began to read, Node itself discards it after the answer
 * (reading or resuming it before the answer broke the declared-length refusal on Node 22).
 */
const incomingOf = (c: Context): IncomingMessage | undefined => (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;

function halfCloseAfterAnswer(c: Context): IncomingMessage | undefined {
  const incoming = incomingOf(c);
  const socket = incoming?.socket;
  if (!incoming || !socket || socket.destroyed) return undefined;
  (socket as { destroySoon?: () => void }).destroySoon = () => {
    socket.end();
    const stop = setTimeout(() => socket.destroy(), LINGER_MS);
    stop.unref();
    socket.once('close', () => clearTimeout(stop));
  };
  return incoming;
}

/** The form fields (files as File) of a urlencoded or multipart body; 400 when it cannot be parsed, 413 when too large. */
export async function readForm(c: Context): Promise<Record<string, string | File>> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (c.req.raw.body && type !== 'application/x-www-form-urlencoded' && type !== 'multipart/form-data')
    throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send a form (application/x-www-form-urlencoded or multipart/form-data)');
  let form: Record<string, string | File | (string | File)[]>;
  try {
    form = await c.req.parseBody();
  } catch (err) {
    if (stateOf(c)?.exceeded) throw tooLarge(stateOf(c)!.limit);
    throw new HttpError(400, 'BAD_FORM', `the form could not be read (${err instanceof Error ? err.message : String(err)})`.slice(0, 200));
  }
  const out: Record<string, string | File> = {};
  for (const [k, v] of Object.entries(form)) {
    const one = Array.isArray(v) ? v[0]! : v;
    if (hasNul(k) || (typeof one === 'string' && hasNul(one))) throw new HttpError(400, 'BAD_FORM', `form field ${hasNul(k) ? '' : `${k} `}contains a NUL character`.trim());
    out[k] = one;
  }
  return out;
}

/** The JSON body; 400 when it is not JSON, 413 when too large. */
export async function readJson(c: Context): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    if (stateOf(c)?.exceeded) throw tooLarge(stateOf(c)!.limit);
    throw new HttpError(400, 'BAD_JSON', 'request body is not valid JSON');
  }
}

export const hasNul = (s: string): boolean => s.includes('\u0000');
