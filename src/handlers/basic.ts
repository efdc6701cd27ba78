/** greet, help, unknown, and the honest answer for intents whose features have not landed yet. */
import type { Intent } from '../core/intents.js';
import { FEATURE_LABEL, t } from '../core/strings.js';
import type { Handler } from './context.js';

export const greet: Handler = async (ctx) => [
  {
    text: t(ctx.locale, 'welcome'),
    buttons: [[{ label: t(ctx.locale, 'btnHelp'), action: { type: 'help' } }, { label: t(ctx.locale, 'btnSubscribe'), action: { type: 'subscribe' } }]],
  },
];

export const help: Handler = async (ctx) => [{ text: t(ctx.locale, 'help') }];

export const unknown: Handler = async (ctx) => [{ text: t(ctx.locale, 'unknown'), buttons: [[{ label: t(ctx.locale, 'btnHelp'), action: { type: 'help' } }]] }];

export function notYet(feature: Intent | 'join'): Handler {
  return async (ctx) => [{ text: t(ctx.locale, 'notYet')(FEATURE_LABEL[feature]?.[ctx.locale] ?? feature) }];
}
