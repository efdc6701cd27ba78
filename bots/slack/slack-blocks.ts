/**
 * Reply → Slack messages (Block Kit). User- and patent-supplied strings go into plain_text objects,
 * which Slack never parses for mentions (<!channel>, <@U…>) or formatting (*bold*); the fallback
 * `text` is escaped (& < >) and sent with mrkdwn off. Limits: 3,000 characters per section, 50
 * blocks per message (split into several messages otherwise), 75 per button label.
 */
import { encodeAction } from '../../src/core/actions.js';
import type { Button, Reply } from '../../src/core/types.js';
import { chunkText as chunk } from '../../src/util/chunk-text.js';

export const MAX_SECTION = 3000;
export const MAX_BLOCKS = 50;

export type SlackBlock =
  | { type: 'section'; text: { type: 'plain_text'; text: string; emoji: false } }
  | { type: 'context'; elements: { type: 'plain_text'; text: string; emoji: false }[] }
  | { type: 'actions'; block_id?: string; elements: ({ type: 'button'; text: { type: 'plain_text'; text: string; emoji: false }; action_id: string } & ({ value: string } | { url: string }))[] }
  | { type: 'divider' };

export interface SlackOut {
  text: string;
  blocks: SlackBlock[];
}

export function escapeSlackText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const plain = (text: string) => ({ type: 'plain_text' as const, text, emoji: false as const });

/** Slack's sections hold at most 3,000 characters. */
export const chunkText = (text: string, max = MAX_SECTION): string[] => chunk(text, max);

function sections(text: string): SlackBlock[] {
  return chunkText(text).map((t) => ({ type: 'section', text: plain(t) }));
}

export function renderSlack(replies: Reply[]): SlackOut[] {
  const out: SlackOut[] = [];
  for (const r of replies) {
    let n = 0;
    const button = (b: Button, prefix = '') => ({
      type: 'button' as const,
      text: plain(`${prefix}${b.label}`.slice(0, 75)),
      // Ids only: the value is the compact action, never a payload.
      action_id: `pb-${n++}`,
      value: encodeAction(b.action),
    });
    const blocks: SlackBlock[] = [...sections(r.text)];
    r.items?.forEach((item, i) => {
      blocks.push({ type: 'divider' }, ...sections(`${i + 1}. ${item.title}`));
      if (item.lines.length) blocks.push({ type: 'context', elements: chunkText(item.lines.join('\n')).slice(0, 10).map(plain) });
      if (item.buttons?.length) blocks.push({ type: 'actions', elements: item.buttons.slice(0, 25).map((b) => button(b, `${i + 1}. `)) });
    });
    if (r.link) blocks.push({ type: 'actions', elements: [{ type: 'button', text: plain(r.link.label.slice(0, 75)), action_id: `pb-${n++}`, url: r.link.url }] });
    for (const row of r.buttons ?? []) blocks.push({ type: 'actions', elements: row.slice(0, 25).map((b) => button(b)) });
    const fallback = escapeSlackText(r.text).slice(0, 3000);
    for (let i = 0; i < blocks.length; i += MAX_BLOCKS) out.push({ text: fallback, blocks: blocks.slice(i, i + MAX_BLOCKS) });
  }
  return out;
}
