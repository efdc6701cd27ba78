/**
 * Browser hardening on every answer: no MIME sniffing, no framing (X-Frame-Options and CSP
 * frame-ancestors), no referrer leaving the site (`same-origin`, not `no-referrer`: under
 * no-referrer a browser sends `Origin: null` on a same-origin form POST, which the console's
 * same-origin check refuses), and a Content-Security-Policy. The chat page
 * (`/`) loads only its own script and style files (/web/chat.js, /web/chat.css) and talks only to
 * its own origin: no inline script or style at all. The console is server-rendered with no script
 * (script-src 'none'); its small stylesheet and a few style attributes are inline, so its styles
 * allow 'unsafe-inline' — every value placed in its pages is HTML-escaped. JSON and other answers
 * get the console's policy too, which allows them nothing active.
 */
import type { MiddlewareHandler } from 'hono';
import { setAnswerHeader } from './answer-header.js';

export const PAGE_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
export const CONSOLE_CSP = "default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    setAnswerHeader(c, 'x-content-type-options', 'nosniff', true);
    setAnswerHeader(c, 'x-frame-options', 'DENY', true);
    setAnswerHeader(c, 'referrer-policy', 'same-origin', true);
    setAnswerHeader(c, 'content-security-policy', c.req.path === '/' ? PAGE_CSP : CONSOLE_CSP, true);
  };
}
