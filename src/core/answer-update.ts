/**
 * One inbox row's answer, as every channel's worker needs it: the pipeline's replies (taking over a
 * claim a dead worker left when this is a retry), or — once the row has been tried `LAST_ATTEMPT`
 * times and the pipeline still fails — the apology in the person's language, so the update is
 * answered and leaves the inbox instead of being retried for ever. Earlier failures are thrown
 * (the inbox retries them with back-off).
 *
 * `inbox: true` (the row is keyed by the platform's own unique update id, e.g. Telegram's
 * update_id): the row is the dedupe, the pipeline skips its dedupe log, and `state` comes back for
 * the caller to store with the replies (InboxStore.saveReplies) in one statement.
 */
import { t } from './strings.js';
import { PipelineError, type HandleResult, type Pipeline } from './pipeline.js';
import type { InboundMessage, Locale, Reply } from './types.js';

export const LAST_ATTEMPT = 5;

export async function answerUpdate(
  pipeline: Pipeline,
  msg: InboundMessage,
  attempts: number,
  opts: { inbox?: boolean } = {},
): Promise<{ replies: Reply[]; locale: Locale; state?: HandleResult['state'] }> {
  try {
    const res = await pipeline.handle(msg, { takeOver: attempts > 1, ...(opts.inbox ? { inbox: true } : {}) });
    return { replies: res.replies, locale: res.locale, ...(res.state ? { state: res.state } : {}) };
  } catch (err) {
    if (!(err instanceof PipelineError) || attempts < LAST_ATTEMPT) throw err;
    return { replies: [{ text: t(err.locale, 'internalError') }], locale: err.locale };
  }
}
