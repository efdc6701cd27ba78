/**
 * Reply → Telegram messages (parse_mode HTML). Every string from a Reply is escaped here and only
 * here; markup is added around escaped text. Messages stay under Telegram's 4096-character limit,
 * split at line boundaries so tags never straddle two messages.
 */
import { encodeAction } from '../../src/core/actions.js';
import type { Button, Reply } from '../../src/core/types.js';

export const MAX_MESSAGE = 4096;

export type InlineButton = { text: string; callback_data: string } | { text: string; url: string };
export interface TelegramOut {
  text: string;
  reply_markup?: { inline_keyboard: InlineButton[][] };
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A line of output: escaped text, optionally bold. */
function lineOf(raw: string, bold = false): string[] {
  // A single raw line can be longer than a message; cut it (escaping may grow it up to 6×).
  const pieces: string[] = [];
  const chars = [...raw];
  for (let i = 0; i < chars.length || i === 0; i += 600) pieces.push(chars.slice(i, i + 600).join(''));
  return pieces.map((p) => (bold ? `<b>${escapeHtml(p)}</b>` : escapeHtml(p)));
}

function button(b: Button, prefix = ''): InlineButton {
  return { text: `${prefix}${b.label}`.slice(0, 64), callback_data: encodeAction(b.action) };
}

/** Packs lines into messages of at most `max` characters, breaking only between lines. */
export function pack(lines: string[], max = MAX_MESSAGE): string[] {
  const out: string[] = [];
  let cur = '';
  for (const l of lines) {
    if (cur && cur.length + 1 + l.length > max) {
      out.push(cur);
      cur = l;
    } else cur = cur ? `${cur}\n${l}` : l;
  }
  if (cur) out.push(cur);
  return out;
}

export function renderTelegram(replies: Reply[], max = MAX_MESSAGE): TelegramOut[] {
  const out: TelegramOut[] = [];
  for (const r of replies) {
    const lines: string[] = r.text.split('\n').flatMap((l) => lineOf(l));
    const keyboard: InlineButton[][] = [];
    r.items?.forEach((item, i) => {
      const n = `${i + 1}. `;
      lines.push('', ...lineOf(n + item.title, true), ...item.lines.flatMap((l) => lineOf(l)));
      if (item.buttons?.length) keyboard.push(item.buttons.map((b) => button(b, n)));
    });
    if (r.link) keyboard.push([{ text: r.link.label.slice(0, 64), url: r.link.url }]);
    for (const row of r.buttons ?? []) keyboard.push(row.map((b) => button(b)));
    const texts = pack(lines, max).filter((t) => t.trim() !== '');
    texts.forEach((text, i) => {
      const last = i === texts.length - 1;
      out.push(last && keyboard.length ? { text, reply_markup: { inline_keyboard: keyboard } } : { text });
    });
  }
  return out;
}
