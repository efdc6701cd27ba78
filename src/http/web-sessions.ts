/**
 * Web chat sessions, issued by the server: a random 256-bit id in an HttpOnly, SameSite=Strict
 * cookie (`pb_web`, Path=/api/chat, 30 days, Secure over https). Page scripts cannot read it, other
 * sites cannot send it, and a client cannot pick someone else's: the id is a bearer credential
 * (it reaches "forget me" and the person's registrations), so it is never accepted from the body.
 * The web user id the pipeline sees is a hash of the cookie, so the database holds no usable
 * credential. A request without a valid cookie starts a new session.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';

export const WEB_COOKIE = 'pb_web';
const PATH = '/api/chat';
const MAX_AGE_S = 30 * 24 * 3600;
const VALID = /^[A-Za-z0-9_-]{43}$/;

/** The pipeline's user id for a session cookie value. */
export const webUserId = (cookie: string): string => `w-${createHash('sha256').update(cookie).digest('base64url').slice(0, 32)}`;

export class WebSessions {
  constructor(private readonly o: { secure: boolean }) {}

  /** The web user id of this request's session, opening one (Set-Cookie on the answer) when it has none. */
  user(c: Context): string {
    let id = getCookie(c, WEB_COOKIE);
    if (!id || !VALID.test(id)) {
      id = randomBytes(32).toString('base64url');
      setCookie(c, WEB_COOKIE, id, { httpOnly: true, sameSite: 'Strict', path: PATH, secure: this.o.secure, maxAge: MAX_AGE_S });
    }
    return webUserId(id);
  }

  /** Ends the session in this browser after "forget me": the next message starts as someone new ("New chat" keeps it). */
  end(c: Context): void {
    deleteCookie(c, WEB_COOKIE, { path: PATH, secure: this.o.secure });
  }
}
