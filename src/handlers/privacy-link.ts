import { tt } from '../core/talk-strings.js';
import type { Reply } from '../core/types.js';
import type { HandlerContext } from './context.js';

/** The privacy notice (PIPL) as a link button, for every question that asks for consent; nothing when no notice is served. */
export function privacyLink(ctx: HandlerContext): Pick<Reply, 'link'> {
  return ctx.services.privacyUrl ? { link: { label: tt(ctx.locale, 'privacyLink'), url: ctx.services.privacyUrl } } : {};
}
