/**
 * A web chat visitor for tests, driven through the HTTP app without a server: POST /api/chat with
 * the session cookie the app issued, each answer checked to be 200.
 */
import { expect } from 'vitest';
import type { createHttpApp } from '../../src/http/http-app.js';
import { WEB_COOKIE } from '../../src/http/web-sessions.js';

export interface WebReply {
  text: string;
  items?: { title: string; lines: string[] }[];
  buttons?: { label: string; action: string }[][];
}

export type WebChat = (text: string | undefined, sessionId?: string, action?: string) => Promise<{ sessionId: string; replies: WebReply[] }>;

/** `chat(text)` starts a session; pass its sessionId back to go on, or an action for a button. */
export function webChatClient(app: () => ReturnType<typeof createHttpApp>): WebChat {
  return async (text, sessionId, action) => {
    const res = await app().request('/api/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(sessionId ? { cookie: `${WEB_COOKIE}=${sessionId}` } : {}) },
      body: JSON.stringify(action ? { action } : { text }),
    });
    expect(res.status).toBe(200);
    const issued = new RegExp(`${WEB_COOKIE}=([^;]+)`).exec(res.headers.get('set-cookie') ?? '')?.[1];
    const body = (await res.json()) as { replies: WebReply[] };
    return { sessionId: issued ?? sessionId ?? '', replies: body.replies };
  };
}
