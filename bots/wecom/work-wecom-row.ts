/**
 * One inbox row of either WeCom channel (self-built app or 微信客服), worked the same way: map the
 * payload, answer it through the pipeline (or with the expired-button / text-only line), render and
 * save the messages with the row before the first send, then send from `row.sent` on, marking each
 * one, so a crash or a platform error never repeats what already left. An 'unreachable' answer
 * ends the row; a thrown error (WeCom down or busy) leaves it to the inbox's retry.
 */
import { answerUpdate } from '../../src/core/answer-update.js';
import type { Pipeline } from '../../src/core/pipeline.js';
import { t } from '../../src/core/strings.js';
import type { Locale, Reply } from '../../src/core/types.js';
import type { InboxRow, InboxStore } from '../../src/services/inbox-store.js';
import type { Logger } from '../../src/util/log.js';
import type { Metrics } from '../../src/util/metrics.js';
import type { WecomMapped } from './wecom-map.js';

export type SendResult = 'sent' | 'unreachable' | 'rejected';

const bilingual = (k: Parameters<typeof t>[1]) => `${t('zh', k)} / ${t('en', k)}`;
const NOT_TEXT = '目前只能读文字消息，请用文字告诉我您要找什么。 / I can only read text messages for now.';

export interface RowWork<Out> {
  platform: 'wecom' | 'wechat';
  pipeline: Pipeline;
  inbox: InboxStore;
  log: Logger;
  metrics?: Metrics;
  map(payload: unknown): WecomMapped;
  /** Called once the row is mapped to a message, before it is answered (a card click's response_code). */
  before?(m: Extract<WecomMapped, { kind: 'message' }>): void | Promise<void>;
  render(replies: Reply[], locale: Locale): Out[] | Promise<Out[]>;
  send(out: Out): Promise<SendResult>;
}

export async function workWecomRow<Out>(row: InboxRow, w: RowWork<Out>): Promise<void> {
  const { inbox, log } = w;
  try {
    let outs = row.replies as Out[] | null;
    if (!outs) {
      const m = w.map(row.payload);
      if (m.kind === 'ignore') return void (await inbox.markDone(row));
      let replies: Reply[];
      let locale: Locale = 'zh';
      let state: Awaited<ReturnType<typeof answerUpdate>>['state'];
      if (m.kind === 'expired-button') replies = [{ text: bilingual('buttonExpired') }];
      else if (m.kind === 'not-text') replies = [{ text: NOT_TEXT }];
      else {
        await w.before?.(m);
        // The row is the dedupe: its key is the id the pipeline sees (the app's MsgId, else
        // From:CreateTime:Event…; 微信客服's msgid). The app callback is retried 3 times after 5 s
        // each (≈20 s), kf/sync_msg returns the last 3 days; a finished row is kept 7 days.
        ({ replies, locale, state } = await answerUpdate(w.pipeline, m.msg, row.attempts, { inbox: true }));
      }
      outs = await w.render(replies, locale);
      if (outs.length === 0 && replies.length) log.warn(`${w.platform} reply not sent: no room to send it`, { updateId: row.updateId });
      // Another attempt (a lease lost under load) stored its replies first: it sends them.
      if ((await inbox.saveReplies(row, outs, state)) === 'taken') return;
      row = { ...row, sent: 0 };
    }
    for (let i = row.sent; i < outs.length; i++) {
      const result = await w.send(outs[i]!);
      w.metrics?.deliveries.inc({ platform: w.platform, result });
      await inbox.markSent(row, i + 1);
      if (result === 'unreachable') break;
    }
    await inbox.markDone(row);
  } catch (err) {
    const outcome = await inbox.markFailed(row, err instanceof Error ? `${err.name}: ${err.message}` : String(err)).catch(() => 'retry');
    log.error(`${w.platform} message failed`, { updateId: row.updateId, attempts: row.attempts, outcome, err });
  }
}
