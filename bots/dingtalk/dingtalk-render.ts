/**
 * Reply → DingTalk robot messages. Without buttons: plain text (sampleText / msgtype text), which
 * DingTalk never parses, so user text needs no escaping. With buttons: an ActionCard whose text is
 * DingTalk markdown, where every string from the Reply is escaped here and only here (markdown
 * punctuation backslash-escaped, & < > as entities, since the card also renders some HTML such as
 * <font>). ActionCards carry at most 5 buttons on the robot OpenAPI (sampleActionCard…5); list items'
 * buttons are inline links instead (see renderDingTalk).
 *
 * In private chats buttons are text-back buttons: `dtmd://dingtalkclient/sendMessage?content=<label>
 * (#<code>)` makes the person's client send that text into the chat as them, which reaches us as an
 * ordinary robot message carrying our encoded action (dingtalk-map.ts). In a group that message does
 * not @-mention the robot, so DingTalk never delivers it: every reply with buttons therefore also
 * carries `interactive`, the same content as a robot interactive card (互动卡片普通版, the built-in
 * `StandardCard` template: no template to build in the card platform) whose buttons are "request"
 * buttons with our action code as their id; the sender uses it for groups, and a tap comes back as
 * a card callback over the Stream connection (dingtalk-card.ts). Links open as normal URLs.
 */
import { encodeAction } from '../../src/core/actions.js';
import type { Button, Reply } from '../../src/core/types.js';
import { chunkText as chunk } from '../../src/util/chunk-text.js';

export const MAX_TEXT = 3000;
export const MAX_BUTTONS = 5;

export interface DingTalkButton {
  title: string;
  url: string;
}
/** A card button: an action (its code comes back in the card callback) or a link. */
export type CardAction = { title: string; code: string } | { title: string; url: string };
/** The reply as an interactive card: markdown without text-back links, every button an action. */
export interface InteractiveOut {
  title: string;
  markdown: string;
  actions: CardAction[];
}
export type DingTalkOut =
  | { kind: 'text'; text: string }
  | { kind: 'markdown'; title: string; markdown: string; interactive?: InteractiveOut }
  | { kind: 'card'; title: string; markdown: string; buttons: DingTalkButton[]; interactive?: InteractiveOut };

export function escapeMarkdown(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_{}[\]()#+\-.!|~])/g, '\\$1');
}

/** What a person sees of our card markdown: the inverse of escapeMarkdown plus our line breaks. */
export function markdownToPlain(md: string): string {
  return md
    .replace(/ {2}\n/g, '\n')
    .replace(/\*\*((?:[^*\\]|\\.)*)\*\*/g, '$1')
    .replace(/\[((?:[^\]\\]|\\.)*)\]\([^)\s]*\)/g, '$1')
    .replace(/\\([\\`*_{}[\]()#+\-.!|~])/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Parentheses are encoded too, so the URL can sit inside a markdown link. */
export const textBackUrl = (content: string) => `dtmd://dingtalkclient/sendMessage?content=${encodeURIComponent(content).replace(/\(/g, '%28').replace(/\)/g, '%29')}`;

const chunkText = (text: string, max = MAX_TEXT): string[] => chunk(text, max);

function button(b: Button, prefix = ''): DingTalkButton {
  const title = `${prefix}${b.label}`.slice(0, 30);
  return { title, url: textBackUrl(`${title} (#${encodeAction(b.action)})`) };
}

/** An inline markdown link that works like a button (DingTalk opens dtmd: links from markdown too). */
const link = (b: DingTalkButton) => `[${escapeMarkdown(b.title)}](${b.url.replace(/\(/g, '%28').replace(/\)/g, '%29').replace(/ /g, '%20')})`;

/**
 * One message per Reply where it fits: list items' buttons become links under each item, the
 * Reply's own buttons the card's buttons (beyond MAX_BUTTONS, links too). Text longer than MAX_TEXT
 * goes first as plain messages, so the buttons stay with the last piece.
 */
export function renderDingTalk(replies: Reply[]): DingTalkOut[] {
  const out: DingTalkOut[] = [];
  for (const r of replies) {
    const buttons: DingTalkButton[] = (r.buttons ?? []).flat().map((b) => button(b));
    if (r.link) buttons.push({ title: r.link.label.slice(0, 30), url: r.link.url });
    const hasItemButtons = r.items?.some((i) => i.buttons?.length) ?? false;
    if (!buttons.length && !hasItemButtons) {
      const lines = [r.text];
      r.items?.forEach((item, i) => lines.push('', `${i + 1}. ${item.title}`, ...item.lines));
      for (const text of chunkText(lines.join('\n'))) out.push({ kind: 'text', text });
      continue;
    }
    const head = chunkText(r.text);
    for (const text of head.slice(0, -1)) out.push({ kind: 'text', text });
    const md: string[] = (head.at(-1) ?? '').split('\n').map(escapeMarkdown);
    const plainMd = [...md];
    const actions: CardAction[] = [];
    r.items?.forEach((item, i) => {
      const lines = ['', `**${escapeMarkdown(`${i + 1}. ${item.title}`)}**`, ...item.lines.map(escapeMarkdown)];
      md.push(...lines);
      plainMd.push(...lines);
      if (item.buttons?.length) md.push(item.buttons.map((b) => link(button(b, `${i + 1}. `))).join(' · '));
      for (const b of item.buttons ?? []) actions.push({ title: `${i + 1}. ${b.label}`.slice(0, 30), code: encodeAction(b.action) });
    });
    for (const b of (r.buttons ?? []).flat()) actions.push({ title: b.label.slice(0, 30), code: encodeAction(b.action) });
    if (r.link) actions.push({ title: r.link.label.slice(0, 30), url: r.link.url });
    const extra = buttons.slice(MAX_BUTTONS);
    if (extra.length) md.push('', extra.map(link).join(' · '));
    const markdown = md.join('  \n');
    const title = [...(r.text.split('\n')[0] ?? '')].slice(0, 20).join('') || '⋯';
    const interactive = { title, markdown: plainMd.join('  \n'), actions };
    const cardButtons = buttons.slice(0, MAX_BUTTONS);
    out.push(cardButtons.length ? { kind: 'card', title, markdown, buttons: cardButtons, interactive } : { kind: 'markdown', title, markdown, interactive });
  }
  return out;
}
