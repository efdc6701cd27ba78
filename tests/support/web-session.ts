/**
 * Web chat sessions for tests that talk to /api/chat through app.request(): the server keeps the
 * web user in its `pb_web` cookie, so a test names its conversations with labels and sends a
 * well-formed cookie derived from each label (any 43-character value the server has not seen
 * starts a new session, as a fresh cookie would).
 */
import { createHash } from 'node:crypto';
import { WEB_COOKIE, webUserId } from '../../src/http/web-sessions.js';

export const sessionCookie = (label: string): string => createHash('sha256').update(`test-session:${label}`).digest('base64url');
/** The request header that continues the conversation `label`. */
export const sessionHeader = (label: string): { cookie: string } => ({ cookie: `${WEB_COOKIE}=${sessionCookie(label)}` });
/** The users.platform_user_id of conversation `label`. */
export const webUser = (label: string): string => webUserId(sessionCookie(label));
