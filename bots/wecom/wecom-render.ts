/**
 * Reply → WeCom messages. Everything is plain text (WeCom app text and 微信客服 text show no
 * markup), so user and patent strings need no escaping; limits are in bytes of UTF-8.
 *  - Self-built app (message/send): text ≤ 2,048 bytes per message (split at line ends); buttons
 *    go on template cards of type button_interaction (≤ 6 buttons each, the key is our encoded
 *    Action, a unique task_id per card). Short text rides on the card itself.
 *  - 微信客服 (kf/send_msg): text ≤ 2,048 bytes; buttons become a msgmenu (≤ 10 click items whose
 *    id is the encoded Action: a click comes back as a text message carrying that menu_id).
 *    `fitKf` merges and shortens a reply to the messages the customer's window still allows.
 */
import { randomBytes } from 'node:crypto';
import { encodeAction } from '../../src/core/actions.js';
import type { Button, Locale, Reply } from '../../src/core/types.js';

export const MAX_TEXT_BYTES = 2048;
export const MAX_CARD_BUTTONS = 6;
export const MAX_MENU_ITEMS = 10;
/** The card's second line is meant to stay short (WeCom suggests ≤ 112 characters). */
const CARD_TEXT_CHARS = 112;

export type AppOut =
  | { msgtype: 'text'; text: { content: string } }
  | {
      msgtype: 'template_card';
      template_card: {
        card_type: 'button_interaction';
        main_title: { title: string };
        sub_title_text?: string;
        task_id: string;
        button_list: { text: string; style: number; key: string }[];
      };
    };

export type KfOut =
  | { msgtype: 'text'; text: { content: string } }
  | { msgtype: 'msgmenu'; msgmenu: { head_content: string; list: { type: 'click'; click: { id: string; content: string } }[]; tail_content?: string } };

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/** Cuts a string to at most `max` bytes without splitting a character. */
export function cutBytes(s: string, max: number): string {
  if (bytes(s) <= max) return s;
  let out = '';
  for (const ch of s) {
    if (bytes(out) + bytes(ch) > max) break;
    out += ch;
  }
  return out;
}

/** Splits text into pieces of at most `max` bytes, at line ends where possible. */
export function splitBytes(text: string, max = MAX_TEXT_BYTES): string[] {
  const out: string[] = [];
  let cur = '';
  for (let line of text.split('\n')) {
    while (bytes(line) > max) {
      if (cur) out.push(cur), (cur = '');
      const head = cutBytes(line, max);
      out.push(head);
      line = line.slice(head.length);
    }
    if (cur && bytes(cur) + 1 + bytes(line) > max) {
      out.push(cur);
      cur = line;
    } else cur = cur ? `${cur}\n${line}` : line;
  }
  if (cur.trim()) out.push(cur);
  return out;
}

/** The reply's text with its list items and link as plain lines, and every button in order. */
function flatten(r: Reply): { text: string; buttons: Button[] } {
  const parts = [r.text];
  const buttons: Button[] = [];
  r.items?.forEach((item, i) => {
    parts.push(`${i + 1}. ${item.title}`, ...item.lines.map((l) => `   ${l}`));
    for (const b of item.buttons ?? []) buttons.push({ label: `${i + 1}. ${b.label}`, action: b.action });
  });
  if (r.link) parts.push(`${r.link.label}: ${r.link.url}`);
  for (const row of r.buttons ?? []) buttons.push(...row);
  return { text: parts.filter((p) => p !== '').join('\n'), buttons };
}

export const newTaskId = () => `pb${Date.now().toString(36)}${randomBytes(6).toString('hex')}`;

export function appCard(title: string, sub: string | undefined, buttons: Button[], taskId = newTaskId()): AppOut {
  return {
    msgtype: 'template_card',
    template_card: {
      card_type: 'button_interaction',
      main_title: { title: [...title].slice(0, 26).join('') },
      ...(sub ? { sub_title_text: sub } : {}),
      task_id: taskId,
      button_list: buttons.slice(0, MAX_CARD_BUTTONS).map((b, i) => ({ text: [...b.label].slice(0, 16).join(''), style: i === 0 ? 1 : 2, key: encodeAction(b.action) })),
    },
  };
}

export function renderApp(replies: Reply[], locale: Locale = 'zh'): AppOut[] {
  const out: AppOut[] = [];
  for (const r of replies) {
    const { text, buttons } = flatten(r);
    const [first = '', ...rest] = text.split('\n');
    const shortEnough = [...first].length <= 26 && [...rest.join('\n')].length <= CARD_TEXT_CHARS;
    if (buttons.length && shortEnough) {
      for (let i = 0; i < buttons.length; i += MAX_CARD_BUTTONS) out.push(appCard(i ? moreTitle(locale) : first, i ? undefined : rest.join('\n') || undefined, buttons.slice(i, i + MAX_CARD_BUTTONS)));
      continue;
    }
    for (const piece of splitBytes(text)) out.push({ msgtype: 'text', text: { content: piece } });
    for (let i = 0; i < buttons.length; i += MAX_CARD_BUTTONS) out.push(appCard(i ? moreTitle(locale) : choose(locale), undefined, buttons.slice(i, i + MAX_CARD_BUTTONS)));
  }
  return out;
}

/** A lead notice (or any outlet post) as exactly one card, its lines on the card. */
export function renderAppNotice(r: Reply, taskId?: string): AppOut {
  const { text, buttons } = flatten(r);
  const [first = '', ...rest] = text.split('\n');
  return appCard(first, cutBytes(rest.join('\n'), 1000) || undefined, buttons, taskId);
}

const choose = (l: Locale) => (l === 'en' ? 'Choose:' : '请选择：');
const moreTitle = (l: Locale) => (l === 'en' ? 'More options' : '更多选项');

export function renderKf(replies: Reply[]): KfOut[] {
  const out: KfOut[] = [];
  for (const r of replies) {
    const { text, buttons } = flatten(r);
    const pieces = splitBytes(text);
    if (!buttons.length) {
      for (const p of pieces) out.push({ msgtype: 'text', text: { content: p } });
      continue;
    }
    // The menu's head carries the last piece of text, so a short answer with buttons is one message.
    const head = pieces.pop() ?? '';
    for (const p of pieces) out.push({ msgtype: 'text', text: { content: p } });
    for (let i = 0; i < buttons.length; i += MAX_MENU_ITEMS) {
      const list = buttons.slice(i, i + MAX_MENU_ITEMS).map((b) => ({ type: 'click' as const, click: { id: encodeAction(b.action), content: cutBytes(b.label, 128) } }));
      out.push({ msgtype: 'msgmenu', msgmenu: { head_content: cutBytes(i === 0 ? head : '…', 1024), list } });
    }
  }
  return out;
}

const outText = (o: KfOut) => (o.msgtype === 'text' ? o.text.content : o.msgmenu.head_content);

/**
 * Fits messages into `room` (the customer's remaining window). Texts are merged (up to 2,048
 * bytes each); the last menu is kept, since its buttons are what the customer acts on next; what
 * still does not fit is cut and the last message says so. When this uses up the window, the last
 * message also says that we can answer again once the customer writes.
 */
export function fitKf(outs: KfOut[], room: number, locale: Locale): KfOut[] {
  if (room <= 0 || outs.length === 0) return [];
  const cut = locale === 'en' ? '(Shortened: WeChat lets us send only a few messages per reply.)' : '（内容较多，已截短：微信客服每次只允许回复几条消息。）';
  const more = locale === 'en' ? '(Reply with anything to see more: WeChat allows 5 messages per message you send.)' : '（回复任意内容可继续：您每发一条消息，微信只允许我们回复 5 条。）';
  let fitted = outs;
  let shortened = false;
  if (outs.length > room) {
    const menu = [...outs].reverse().find((o) => o.msgtype === 'msgmenu');
    const texts = splitBytes(outs.filter((o) => o !== menu).map(outText).join('\n\n'));
    const textRoom = room - (menu ? 1 : 0);
    shortened = texts.length > textRoom;
    fitted = [...texts.slice(0, Math.max(0, textRoom)).map((content) => ({ msgtype: 'text' as const, text: { content } })), ...(menu ? [menu] : [])];
  }
  const notes = [shortened ? cut : '', fitted.length === room ? more : ''].filter(Boolean).join('\n');
  if (!notes) return fitted;
  const last = fitted[fitted.length - 1]!;
  const add = (s: string, max: number) => `${cutBytes(s, max - bytes(notes) - 1)}\n${notes}`;
  fitted[fitted.length - 1] = last.msgtype === 'text' ? { msgtype: 'text', text: { content: add(last.text.content, MAX_TEXT_BYTES) } } : { ...last, msgmenu: { ...last.msgmenu, tail_content: notes } };
  return fitted;
}
