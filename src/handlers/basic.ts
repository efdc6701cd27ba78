/** greet (hello, thanks, goodbye), help, unknown. */
import { t } from '../core/strings.js';
import { tt } from '../core/talk-strings.js';
import type { Handler } from './context.js';
import { HANDOVER } from './alliance.js';
import { handOver } from './lead.js';
import { ASKS_FOR_MINE, myRegistrations } from './register.js';

/** Small talk the classifier files under greet; anything else there is a hello. */
const THANKS = /谢谢|多谢|感谢|谢啦|辛苦了|\bthanks?\b|\bthank you\b|\bthx\b|\bcheers\b|\bmuch appreciated\b/i;
const BYE = /再见|拜拜|回头见|下次见|晚安|\b(?:good)?bye\b|\bsee you\b|\bgood night\b/i;

export const greet: Handler = async (ctx) => {
  const text = ctx.msg.text ?? '';
  // "人工客服" reads like a greeting to the classifier; it is a request for a person.
  if (HANDOVER.test(text)) return handOver(ctx);
  // Thanks first: "thanks, bye" is mostly thanks.
  if (THANKS.test(text)) return [{ text: tt(ctx.locale, 'thanks') }];
  if (BYE.test(text)) return [{ text: tt(ctx.locale, 'bye') }];
  return [
    {
      text: t(ctx.locale, 'welcome'),
      buttons: [[{ label: t(ctx.locale, 'btnHelp'), action: { type: 'help' } }, { label: t(ctx.locale, 'btnSubscribe'), action: { type: 'subscribe' } }]],
    },
  ];
};

export const help: Handler = async (ctx) => [{ text: t(ctx.locale, 'help') }];

export const unknown: Handler = async (ctx) => ASKS_FOR_MINE.test(ctx.msg.text?.trim() ?? '') ? myRegistrations(ctx) : [{ text: t(ctx.locale, 'unknown'), buttons: [[{ label: t(ctx.locale, 'btnHelp'), action: { type: 'help' } }]] }];
