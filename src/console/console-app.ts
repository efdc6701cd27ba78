/**
 * The operator console under /console: server-rendered pages, no bundler. Sign-in (ADMIN_TOKEN or a
 * one-time chat link), a session cookie (HttpOnly, SameSite=Strict, Path=/console), CSRF on every
 * POST plus a same-origin check, and role scoping. Pages add no business rules: they call the
 * same services as the chat buttons, which write the same audit records.
 */
import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Locale } from '../core/types.js';
import { HttpError, readForm } from '../http/body-limit.js';
import { addressOf } from '../http/client-address.js';
import type { Logger } from '../util/log.js';
import { ConsoleAuth, SESSION_TTL_MS, type ConsoleSession } from './console-auth.js';
import { ct } from './console-strings.js';
import { html, type Html } from './html.js';
import { page, sectionsFor, type Section } from './layout.js';
import { SignInThrottle } from './sign-in-throttle.js';

export const COOKIE = 'pb_console';
export type ConsoleEnv = { Variables: { session: ConsoleSession; locale: Locale; cookie: string; form: Record<string, string> } };
export type ConsoleApp = Hono<ConsoleEnv>;
export type ConsoleContext = Context<ConsoleEnv>;

export interface ConsoleOptions {
  auth: ConsoleAuth;
  log: Logger;
  /** Secure cookies when served over https (PUBLIC_URL https or x-forwarded-proto). */
  secure: boolean;
  /** Pages, each mounted with the guarded app; they check their own section with `allow`. */
  pages: ((app: ConsoleApp) => void)[];
  /** Failed sign-ins per client address (default: one of its own, on the wall clock). */
  throttle?: SignInThrottle;
}

/**
 * Console forms are small (a broadcast is at most 2 × 3000 characters). The HTTP app enforces
 * this limit on every /console/ path (src/http/body-limit.ts), and a larger one on upload paths
 * (PATENT_UPLOADS), which are read only after the session check below.
 */
export const MAX_FORM_BYTES = 256 * 1024;

const langOf = (c: Context): Locale => ((c.req.header('accept-language') ?? '').toLowerCase().startsWith('en') ? 'en' : 'zh');

export function respond(c: ConsoleContext, title: string, body: Html, current?: Section, status: 200 | 400 | 403 | 404 | 409 | 413 | 415 = 200): Response {
  return c.html(page(c.get('session'), c.get('locale'), title, body, current).value, status, { 'cache-control': 'no-store' });
}

/** An Origin header, when sent, must name this host (a form posted from another site, `null` or garbage is refused). */
function sameOrigin(c: Context): boolean {
  const origin = c.req.header('origin');
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === c.req.header('host');
  } catch {
    return false;
  }
}

const noteFor = (e: HttpError): 'tooLarge' | 'badForm' => (e.status === 413 ? 'tooLarge' : 'badForm');

/**
 * A console form or upload refused by its declared size before the session is read (see
 * limitBodies): a page in the browser's language, not the API's JSON, with the way back.
 */
export function consoleTooLarge(c: Context, limit: number): Response | undefined {
  if (!c.req.path.startsWith('/console/')) return undefined;
  const locale = langOf(c);
  const size = limit >= 1024 * 1024 ? `${Math.floor(limit / (1024 * 1024))} MB` : `${Math.round(limit / 1024)} KB`;
  const text = ct(locale, 'uploadTooLarge')(size);
  return c.html(page(undefined, locale, ct(locale, 'tooLarge'), html`<p class="note" data-test="message">${text}</p><p><a href="/console">${ct(locale, 'back')}</a></p>`).value, 413, { 'cache-control': 'no-store' });
}

/** 403 unless the session's role has this section. */
export function allow(c: ConsoleContext, section: Section): Response | undefined {
  if (sectionsFor(c.get('session')).includes(section)) return undefined;
  return respond(c, ct(c.get('locale'), 'forbidden'), html`<p class="note">${ct(c.get('locale'), 'forbidden')}</p>`, undefined, 403);
}

export function createConsole(o: ConsoleOptions): Hono {
  const app = new Hono<ConsoleEnv>();
  const cookieOpts = { httpOnly: true, sameSite: 'Strict' as const, path: '/console', secure: o.secure, maxAge: SESSION_TTL_MS / 1000 };

  const throttle = o.throttle ?? new SignInThrottle();
  const loginPage = (c: Context, locale: Locale, message?: string, status: 200 | 400 | 401 | 403 | 413 | 415 | 429 = 200, headers: Record<string, string> = {}) =>
    c.html(
      page(undefined, locale, ct(locale, 'signIn'), html`<p>${ct(locale, 'signInHelp')}</p>${message ? html`<p class="note">${message}</p>` : ''}
<form method="post" action="/console/login" class="card"><label>${ct(locale, 'token')} <input type="password" name="token" autocomplete="current-password" required></label> <button type="submit">${ct(locale, 'signIn')}</button></form>`).value,
      status,
      { 'cache-control': 'no-store', ...headers },
    );
  /**
   * The checks every sign-in POST passes before its token is looked at: same origin, not locked
   * out for failing too often, a readable form. Answers the refusal, or undefined to go on.
   */
  const signInGate = async (c: Context): Promise<{ refused: Response } | { form: Record<string, string | File> }> => {
    const locale = langOf(c);
    if (!sameOrigin(c)) return { refused: loginPage(c, locale, ct(locale, 'csrf'), 403) };
    const wait = throttle.wait(addressOf(c));
    if (wait > 0) return { refused: loginPage(c, locale, ct(locale, 'tooManySignIns'), 429, { 'retry-after': String(Math.ceil(wait / 1000)) }) };
    try {
      return { form: await readForm(c) };
    } catch (err) {
      if (err instanceof HttpError) return { refused: loginPage(c, locale, ct(locale, noteFor(err)), err.status === 413 ? 413 : err.status === 415 ? 415 : 400) };
      throw err;
    }
  };

  app.get('/console/login', (c) => loginPage(c, langOf(c)));
  app.post('/console/login', async (c) => {
    const gate = await signInGate(c);
    if ('refused' in gate) return gate.refused;
    const res = await o.auth.operator(typeof gate.form.token === 'string' ? gate.form.token : '', langOf(c));
    if (!res) {
      throttle.fail(addressOf(c));
      return loginPage(c, langOf(c), ct(langOf(c), 'badToken'), 401);
    }
    throttle.succeed(addressOf(c));
    setCookie(c, COOKIE, res.cookie, cookieOpts);
    o.log.info('console sign-in', { kind: 'operator' });
    return c.redirect('/console', 303);
  });
  // Opening the link only shows a button: link previews and prefetchers (Slack unfurls, mail
  // scanners) fetch with GET and must not use up a one-time link. The POST signs in.
  app.get('/console/link/:token', (c) => {
    const locale = langOf(c);
    return c.html(
      page(undefined, locale, ct(locale, 'signIn'), html`<form method="post" action="/console/link/${c.req.param('token')}" class="card"><button type="submit" data-test="link-signin">${ct(locale, 'signIn')}</button></form>`).value,
      200,
      { 'cache-control': 'no-store' },
    );
  });
  app.post('/console/link/:token', async (c) => {
    const gate = await signInGate(c);
    if ('refused' in gate) return gate.refused;
    const res = await o.auth.redeem(c.req.param('token'), langOf(c));
    if (!res) {
      throttle.fail(addressOf(c));
      return loginPage(c, langOf(c), ct(langOf(c), 'linkInvalid'), 401);
    }
    throttle.succeed(addressOf(c));
    setCookie(c, COOKIE, res.cookie, cookieOpts);
    o.log.info('console sign-in', { kind: res.session.kind, scope: res.session.scope });
    return c.redirect('/console', 303);
  });

  // Everything below needs a session; POSTs need the session's CSRF token and a same-origin request.
  app.use('/console/*', async (c, next) => {
    const cookie = getCookie(c, COOKIE);
    const session = await o.auth.session(cookie);
    // A form posted after the session ended (an upload after 8 hours, say) gets a page saying so, not the API's JSON.
    if (!session) return c.req.method === 'GET' ? c.redirect('/console/login', 303) : loginPage(c, langOf(c), ct(langOf(c), 'sessionExpired'), 401);
    c.set('session', session);
    c.set('cookie', cookie!);
    c.set('locale', session.locale);
    if (c.req.method === 'POST') {
      if (!sameOrigin(c)) return respond(c, ct(session.locale, 'forbidden'), html`<p class="note">${ct(session.locale, 'csrf')}</p>`, undefined, 403);
      // Only now, with a session, is the body read (within its path's limit; see MAX_FORM_BYTES).
      let form: Record<string, string>;
      try {
        form = Object.fromEntries(Object.entries(await readForm(c)).map(([k, v]) => [k, typeof v === 'string' ? v : '']));
      } catch (err) {
        if (!(err instanceof HttpError)) throw err;
        const note = ct(session.locale, noteFor(err));
        return respond(c, note, html`<p class="note">${note}</p>`, undefined, err.status === 413 ? 413 : err.status === 415 ? 415 : 400);
      }
      if (!ConsoleAuth.csrfOk(session, form._csrf)) return respond(c, ct(session.locale, 'forbidden'), html`<p class="note">${ct(session.locale, 'csrf')}</p>`, undefined, 403);
      c.set('form', form);
    }
    await next();
  });
  app.use('/console', async (c, next) => {
    const session = await o.auth.session(getCookie(c, COOKIE));
    if (!session) return c.redirect('/console/login', 303);
    c.set('session', session);
    await next();
  });

  app.get('/console', (c) => c.redirect(`/console/${sectionsFor(c.get('session'))[0]}`, 303));
  app.post('/console/logout', async (c) => {
    await o.auth.close(c.get('cookie'));
    deleteCookie(c, COOKIE, { path: '/console' });
    return c.redirect('/console/login', 303);
  });
  app.post('/console/lang', async (c) => {
    const lang = c.get('form').lang === 'en' ? 'en' : 'zh';
    await o.auth.setLocale(c.get('cookie'), lang);
    // Back to the page it came from, but only ever within the console (no open redirect).
    const back = (c.req.header('referer') ?? '').replace(/^https?:\/\/[^/]+/, '');
    return c.redirect(/^\/console(?:[/?]|$)/.test(back) && !back.startsWith('//') ? back : '/console', 303);
  });
  for (const mount of o.pages) mount(app);
  return app as unknown as Hono;
}
