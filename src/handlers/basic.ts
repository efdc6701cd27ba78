/** greet, help, unknown. */
import { t } from '../core/strings.js';
import type { Handler } from './context.js';

export const greet: Handler = async (ctx) => [
  {
    text: t(ctx.locale, 'welcome'),
    buttons: [[{ label: t(ctx.locale, 'btnHelp'), action: { type: 'help' } }, { label: t(ctx.locale, 'btnSubscribe'), action: { type: 'subscribe' } }]],
  },
];

export const help: Handler = async (ctx) => [{ text: t(ctx.locale, 'help') }];

export const unknown: Handler = async (ctx) => [{ text: t(ctx.locale, 'unknown'), buttons: [[{ label: t(ctx.locale, 'btnHelp'), action: { type: 'help' } }]] }];
