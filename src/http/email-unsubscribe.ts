/**
 * `/email/unsubscribe?u=<user id>&t=<signature>`: the link in every mail. No sign-in: the signed
 * token is the authority, and it only ever unsubscribes the person it was made for.
 *  - GET shows a page (Chinese and English) with one button: mail scanners that open links must
 *    not unsubscribe anyone, so the GET changes nothing;
 *  - POST unsubscribes (no announcements of any kind, the address deleted) and says so; this is
 *    also the RFC 8058 one-click request mail clients send from `List-Unsubscribe-Post`.
 * A missing or wrong token gets 400 with a page saying the link is not valid.
 */
import { html, type Html } from '../console/html.js';
import type { EmailStore } from '../services/email-store.js';
import { checkUnsubscribeToken } from '../services/email-outlet.js';

const PAGES = {
  ask: { zh: '退订平台邮件', en: 'Unsubscribe from platform e-mails', zhBody: '点击下方按钮后，您将不再收到平台公告、博览会提醒和需求进展邮件，您的邮箱地址也会被删除。', enBody: 'After you press the button you will no longer receive announcements, expo reminders or news about your requests by e-mail, and your address is deleted.' },
  done: { zh: '已退订', en: 'Unsubscribed', zhBody: '您已退订，不会再收到平台的任何公告邮件，您的邮箱地址已删除。可随时在网页对话中重新订阅。', enBody: 'You are unsubscribed: no more announcement e-mails, and your address has been deleted. You can subscribe again in the web chat at any time.' },
  bad: { zh: '链接无效', en: 'This link is not valid', zhBody: '此退订链接不完整或已被修改。请使用邮件中的完整链接，或在网页对话中发送“退订”。', enBody: 'This unsubscribe link is incomplete or has been changed. Use the whole link from the e-mail, or send "unsubscribe" in the web chat.' },
};

function page(kind: keyof typeof PAGES, form?: Html): Html {
  const p = PAGES[kind];
  return html`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${p.zh} / ${p.en}</title>
</head>
<body><h1>${p.zh}</h1><p>${p.zhBody}</p><h1 lang="en">${p.en}</h1><p lang="en">${p.enBody}</p>${form ?? ''}</body></html>`;
}

export function emailUnsubscribe(store: Pick<EmailStore, 'unsubscribe'>, secret: string) {
  return async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    const u = url.searchParams.get('u') ?? '';
    const t = url.searchParams.get('t') ?? '';
    const userId = /^\d{1,12}$/.test(u) ? Number(u) : NaN;
    const respond = (status: number, body: Html) => new Response(body.value, { status, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } });
    if (!Number.isSafeInteger(userId) || !t || !checkUnsubscribeToken(secret, userId, t)) return respond(400, page('bad'));
    if (req.method === 'POST') {
      await store.unsubscribe(userId);
      return respond(200, page('done'));
    }
    const action = `?u=${encodeURIComponent(u)}&t=${encodeURIComponent(t)}`;
    return respond(200, page('ask', html`<form method="post" action="${action}"><button type="submit">退订 / Unsubscribe</button></form>`));
  };
}
