import { afterAll, beforeAll } from 'vitest';
import type { Services } from '../../src/app.js';
import { createHttpApp } from '../../src/http/http-app.js';
import { createLogger } from '../../src/util/log.js';
import { adapterContract, waitForCount, type SeenReply } from './adapter-contract.js';
import { startServices } from './services.js';
import { sessionHeader } from '../support/web-session.js';

let env: { services: Services; stop(): Promise<void> };
let app: ReturnType<typeof createHttpApp>;
const seen = new Map<string, SeenReply[]>();
const sessions = new Map<string, string>();

beforeAll(async () => {
  env = await startServices();
  app = createHttpApp({ pipeline: env.services.pipeline, log: createLogger('silent'), clock: () => new Date(), readiness: {} });
});
afterAll(() => env?.stop());

type WebReply = { text: string; items?: { title: string; lines: string[]; buttons?: { action: string }[] }[]; buttons?: { action: string }[][] };

async function post(chat: string, body: Record<string, unknown>) {
  // The web user's identity is the session cookie; the chat key maps to one session.
  const sessionId = sessions.get(chat) ?? `sess-${chat}`;
  sessions.set(chat, sessionId);
  const res = await app.request('/api/chat', { method: 'POST', headers: { 'content-type': 'application/json', ...sessionHeader(sessionId) }, body: JSON.stringify(body) });
  const json = (await res.json()) as { replies: WebReply[]; duplicate?: boolean };
  // A resent message is answered with the replies of its first handling, flagged duplicate: a client
  // shows them only if the first response never arrived. Here the first one always did.
  if (json.duplicate) return;
  for (const r of json.replies) {
    const visible = [r.text, ...(r.items ?? []).flatMap((i) => [i.title, ...i.lines])].join('\n');
    const buttons = [...(r.items ?? []).flatMap((i) => i.buttons ?? []), ...(r.buttons ?? []).flat()].map((b) => b.action);
    seen.set(chat, [...(seen.get(chat) ?? []), { visible, buttons }]);
  }
}

adapterContract('web', () => ({
  sendText: (chat, text, updateId) => post(chat, { text, messageId: `m-${updateId}`.padEnd(8, '0') }),
  press: (chat, button, updateId) => post(chat, { action: button, messageId: `m-${updateId}`.padEnd(8, '0') }),
  replies: (chat, count) => waitForCount(() => seen.get(chat) ?? [], count),
}));
