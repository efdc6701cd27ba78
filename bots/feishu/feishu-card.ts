/**
 * Reply → Feishu interactive cards (Card JSON 2.0). Every string from a Reply goes into a
 * `plain_text` object, which Feishu shows as typed (no markdown, no <at>, no links), so user and
 * patent text can never turn into markup. Buttons carry our compact action in their callback
 * `value` ({ a: "d:CN…" }); a click comes back as card.action.trigger. A card's content must stay
 * under Feishu's 30 KB (230025): a long reply is split over several cards, buttons on the last.
 * `config.update_multi` is set so a card can be updated in place later (lead notices).
 */
import { encodeAction } from '../../src/core/actions.js';
import type { Button, Reply } from '../../src/core/types.js';
import { chunkText as chunk } from '../../src/util/chunk-text.js';

/** Feishu refuses cards over 30 KB; keep a margin for the request around the content. */
export const MAX_CARD_BYTES = 28 * 1024;
const MAX_ELEMENT_CHARS = 2000;
const MAX_LABEL = 40;

type Text = { tag: 'plain_text'; content: string };
export type CardElement =
  | { tag: 'div'; text: Text }
  | { tag: 'hr' }
  | { tag: 'column_set'; flex_mode: 'flow'; columns: { tag: 'column'; width: 'auto'; elements: CardButton[] }[] };
export type CardButton = { tag: 'button'; text: Text; type: 'default' | 'primary'; behaviors: ({ type: 'callback'; value: { a: string } } | { type: 'open_url'; default_url: string })[] };

export interface FeishuCard {
  schema: '2.0';
  config: { update_multi: true };
  body: { elements: CardElement[] };
}

/** What the sender posts: msg_type plus the content as Feishu wants it, a JSON string. */
export interface FeishuOut {
  msg_type: 'interactive';
  content: string;
}

const plain = (content: string): Text => ({ tag: 'plain_text', content });

const chunkText = (text: string, max = MAX_ELEMENT_CHARS): string[] => chunk(text, max);

const texts = (s: string): CardElement[] => chunkText(s).map((t) => ({ tag: 'div', text: plain(t) }));

function button(b: Button, prefix = ''): CardButton {
  return { tag: 'button', text: plain([...`${prefix}${b.label}`].slice(0, MAX_LABEL).join('')), type: 'default', behaviors: [{ type: 'callback', value: { a: encodeAction(b.action) } }] };
}

const row = (buttons: CardButton[]): CardElement => ({ tag: 'column_set', flex_mode: 'flow', columns: buttons.map((b) => ({ tag: 'column', width: 'auto', elements: [b] })) });

export function cardOf(elements: CardElement[]): FeishuCard {
  return { schema: '2.0', config: { update_multi: true }, body: { elements } };
}

const bytes = (els: CardElement[]) => Buffer.byteLength(JSON.stringify(cardOf(els)));

export function renderFeishu(replies: Reply[], maxBytes = MAX_CARD_BYTES): FeishuOut[] {
  const out: FeishuOut[] = [];
  for (const r of replies) {
    const body: CardElement[] = [...texts(r.text)];
    r.items?.forEach((item, i) => {
      body.push({ tag: 'hr' }, ...texts(`${i + 1}. ${item.title}`));
      if (item.lines.length) body.push(...texts(item.lines.join('\n')));
      if (item.buttons?.length) body.push(row(item.buttons.map((b) => button(b, `${i + 1}. `))));
    });
    const tail: CardElement[] = [];
    if (r.link) tail.push(row([{ tag: 'button', text: plain([...r.link.label].slice(0, MAX_LABEL).join('')), type: 'primary', behaviors: [{ type: 'open_url', default_url: r.link.url }] }]));
    for (const buttons of r.buttons ?? []) tail.push(row(buttons.map((b) => button(b))));
    // Pack elements into cards under the byte limit; the reply's own buttons stay with its last card.
    const cards: CardElement[][] = [];
    let cur: CardElement[] = [];
    for (const el of [...body, ...tail]) {
      if (cur.length && bytes([...cur, el]) > maxBytes) {
        cards.push(cur);
        cur = [];
      }
      cur.push(el);
    }
    if (cur.length) cards.push(cur);
    for (const els of cards) out.push({ msg_type: 'interactive', content: JSON.stringify(cardOf(els)) });
  }
  return out;
}
