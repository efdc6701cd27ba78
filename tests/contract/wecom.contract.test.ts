/** The adapter contract against both WeCom channels: the self-built app (members) and 微信客服 (WeChat users). */
import { afterAll, beforeAll } from 'vitest';
import { appText, cardClick } from '../support/fake-wecom.js';
import { startHarness, type Harness } from '../wecom/wecom-harness.js';
import { adapterContract, dedupeLogRows, waitForCount, type SeenReply } from './adapter-contract.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ realSleep: true });
});
afterAll(async () => h?.stop());

const now = () => Math.floor(h.clock.now / 1000);

function seen(messages: Record<string, unknown>[]): SeenReply[] {
  return messages.map((m) => {
    if (m.msgtype === 'text') return { visible: (m.text as { content: string }).content, buttons: [] };
    if (m.msgtype === 'msgmenu') {
      const menu = m.msgmenu as { head_content: string; list: { click: { id: string; content: string } }[] };
      return { visible: [menu.head_content, ...menu.list.map((i) => i.click.content)].join('\n'), buttons: menu.list.map((i) => i.click.id) };
    }
    const card = m.template_card as { main_title: { title: string }; sub_title_text?: string; button_list: { key: string; text: string }[] };
    return { visible: [card.main_title.title, card.sub_title_text ?? '', ...card.button_list.map((b) => b.text)].join('\n'), buttons: card.button_list.map((b) => b.key) };
  });
}

/** One logical reply may be several WeCom messages: the contract counts replies, so merge a burst into one. */
function merged(messages: Record<string, unknown>[], marks: number[]): SeenReply[] {
  const all = seen(messages);
  return marks.map((start, i) => {
    const part = all.slice(start, marks[i + 1] ?? all.length);
    return { visible: part.map((p) => p.visible).join('\n'), buttons: part.flatMap((p) => p.buttons) };
  }).filter((r) => r.visible !== '');
}

function tracker(get: (chat: string) => Record<string, unknown>[]) {
  const marks = new Map<string, number[]>();
  const mark = async (chat: string) => {
    // A new update's reply starts after everything sent so far to this chat.
    await new Promise((r) => setTimeout(r, 300));
    const m = marks.get(chat) ?? [];
    const at = get(chat).length;
    if (m[m.length - 1] !== at) m.push(at);
    marks.set(chat, m);
  };
  const replies = (chat: string, count?: number) => waitForCount(() => merged(get(chat), marks.get(chat) ?? [0]), count).then(async (r) => (await new Promise((s) => setTimeout(s, 300)), merged(get(chat), marks.get(chat) ?? [0])));
  return { mark, replies };
}

const app = tracker((chat) => h.fake.appMessages(`m${chat}`));
adapterContract('wecom (self-built app)', () => ({
  sendText: async (chat, text, updateId) => {
    await app.mark(chat);
    await h.post(appText(`m${chat}`, text, updateId, h.fake.corpId, now()));
  },
  press: async (chat, button, updateId) => {
    await app.mark(chat);
    await h.post(cardClick(`m${chat}`, button, `t${updateId}`, h.fake.corpId, h.fake.issueResponseCode(), now()));
  },
  replies: app.replies,
  dedupeLogRows: () => dedupeLogRows(h.env.services.database, 'wecom'),
}));

const kf = tracker((chat) => h.fake.kfMessages(`wm${chat}`));
adapterContract('wechat (微信客服)', () => ({
  sendText: async (chat, text, updateId) => {
    await kf.mark(chat);
    // A redelivery: the same msgid shows up again in the pulled pages; it is recorded and answered once.
    h.fake.customerSays(`wm${chat}`, { text }, { msgid: `kf${updateId}` });
    await h.kfNotify();
  },
  press: async (chat, button, updateId) => {
    await kf.mark(chat);
    h.fake.customerSays(`wm${chat}`, { text: button, menuId: button }, { msgid: `kf${updateId}` });
    await h.kfNotify();
  },
  replies: kf.replies,
  dedupeLogRows: () => dedupeLogRows(h.env.services.database, 'wechat'),
}));
