/**
 * The DingTalk channel in Stream mode: `dingtalk-stream`'s DWClient holds an outbound WebSocket to
 * DingTalk (no public URL needed). Each robot message (a CALLBACK frame) is recorded in the inbox
 * and only then acknowledged with socketCallBackResponse, before anything slow: DingTalk re-pushes an
 * unacknowledged callback after ≈60 s, and a re-push is recorded once (dedupe on msgId). A frame
 * that cannot be recorded is not acknowledged, so DingTalk delivers it again. Malformed frames are
 * dropped and counted (errors_total{platform="dingtalk",kind="malformed_frame"}), never a crash.
 * The SDK's own reconnect (a fixed 1 s loop that can run twice) is off; we reconnect with back-off.
 * Taps on our interactive cards in groups (dingtalk-card.ts) arrive the same way on the card
 * callback topic and go through the inbox like messages; lead notices in groups are updated in place.
 */
import type { DWClientDownStream } from 'dingtalk-stream';
import type { Pipeline } from '../../src/core/pipeline.js';
import { t } from '../../src/core/strings.js';
import type { Reply } from '../../src/core/types.js';
import type { InboxRow, InboxStore } from '../../src/services/inbox-store.js';
import { InboxWorker } from '../../src/services/inbox-worker.js';
import { OutletError, type Outlet } from '../../src/services/outlet.js';
import type { Logger } from '../../src/util/log.js';
import type { Metrics } from '../../src/util/metrics.js';
import { dingtalkChatId, dingtalkUpdateId, isGroupChat, mapDingTalk, type DingTalkTarget } from './dingtalk-map.js';
import { cardChatId, cardConversation, cardUpdateId, mapCardCallback, newCardBizId, TOPIC_CARD } from './dingtalk-card.js';
import { renderDingTalk, type DingTalkOut } from './dingtalk-render.js';
import { DingTalkSender, type DingTalkSenderOptions } from './dingtalk-sender.js';
import { answerUpdate } from '../../src/core/answer-update.js';
import { DingTalkStreamClient } from './dingtalk-stream-client.js';

export const TOPIC_ROBOT = '/v1.0/im/bot/messages/get';

export interface DingTalkChannelOptions {
  clientId: string;
  clientSecret: string;
  robotCode: string;
  /** OpenAPI base (https://api.dingtalk.com): the Stream gateway, OAuth and the robot API live there. */
  apiUrl: string;
  pipeline: Pipeline;
  inbox: InboxStore;
  log: Logger;
  metrics?: Metrics;
  sender?: Partial<Pick<DingTalkSenderOptions, 'groupPerMinute' | 'perSecond' | 'shared' | 'now' | 'sleep'>>;
  concurrency?: number;
  /** Reconnect back-off bounds. */
  reconnectMs?: { min: number; max: number };
}

/** `data`: a robot message; `card`: a card callback (its inbox id in `id`). */
type Row = InboxRow & { payload: { data?: Record<string, unknown>; card?: Record<string, unknown>; id?: string } };
type Planned = { target: DingTalkTarget; out: DingTalkOut; cardBizId?: string };

export class DingTalkChannel {
  private readonly client: DingTalkStreamClient;
  private readonly sender: DingTalkSender;
  private readonly worker: InboxWorker;
  private stopped = false;
  private supervising?: Promise<void>;
  private connecting?: Promise<void>;
  private wakeSleep?: () => void;
  /** Button sets of notices "edited" by a follow-up (see outlet.edit). */
  private readonly lastButtons = new Map<string, string>();

  constructor(private readonly o: DingTalkChannelOptions) {
    this.client = new DingTalkStreamClient({ clientId: o.clientId, clientSecret: o.clientSecret }, o.apiUrl, (why) => this.malformed(why));
    this.client.registerCallbackListener(TOPIC_ROBOT, (frame) => void this.onCallback(frame));
    this.client.registerCallbackListener(TOPIC_CARD, (frame) => void this.onCardCallback(frame));
    this.sender = new DingTalkSender({ apiUrl: o.apiUrl, clientId: o.clientId, clientSecret: o.clientSecret, robotCode: o.robotCode, log: o.log, ...o.sender });
    this.worker = new InboxWorker(o.inbox, 'dingtalk', (row) => this.handleRow(row as Row), o.log, o.concurrency);
  }

  /** Connects once (failing with the reason), then keeps the connection up. */
  async start(): Promise<void> {
    await this.client.connect();
    if (!this.client.connected) throw new Error(this.client.lastError || 'the Stream connection did not open');
    this.worker.start();
    this.supervising = this.supervise();
    this.o.log.info('dingtalk channel started', { mode: 'stream' });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeSleep?.();
    // A reconnect in flight finishes first: closing a socket that is still opening throws in ws.
    await this.connecting;
    this.client.disconnect();
    await this.supervising;
    await this.worker.stop();
  }

  get connected(): boolean {
    return this.client.connected;
  }

  private async supervise(): Promise<void> {
    const { min, max } = this.o.reconnectMs ?? { min: 1000, max: 30_000 };
    let delay = min;
    while (!this.stopped) {
      if (this.client.connected) {
        await this.client.closed;
        if (this.stopped) return;
        this.o.log.warn('dingtalk stream closed; reconnecting');
        delay = min;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wakeSleep = () => (clearTimeout(timer), resolve());
      });
      if (this.stopped) return;
      this.connecting = this.client.connect();
      await this.connecting;
      this.connecting = undefined;
      if (this.stopped) return;
      if (this.client.connected) this.o.log.info('dingtalk stream reconnected');
      else {
        this.o.log.warn('dingtalk stream reconnect failed', { reason: this.client.lastError });
        delay = Math.min(max, delay * 2);
      }
    }
  }

  private malformed(why: string): void {
    this.o.metrics?.errors.inc({ platform: 'dingtalk', kind: 'malformed_frame' });
    this.o.log.warn('dingtalk frame dropped', { why: why.slice(0, 100) });
  }

  /** A callback frame's data; a malformed one is counted and acknowledged (pushing it again would not help). */
  private frameData(frame: DWClientDownStream, what: string): Record<string, unknown> | undefined {
    try {
      const data = JSON.parse(frame.data) as Record<string, unknown>;
      if (!data || typeof data !== 'object') throw new Error('data is not an object');
      return data;
    } catch (err) {
      this.malformed(`${what}: ${err instanceof Error ? err.message : String(err)}`);
      if (frame.headers?.messageId) this.client.socketCallBackResponse(frame.headers.messageId, {});
      return undefined;
    }
  }

  /** Record, then acknowledge; a frame we cannot record stays unacknowledged so DingTalk re-pushes it. */
  private async onCallback(frame: DWClientDownStream): Promise<void> {
    const messageId = frame.headers?.messageId;
    const data = this.frameData(frame, 'callback data');
    if (!data) return;
    const id = dingtalkUpdateId(data) ?? (messageId ? `frame:${messageId}` : undefined);
    if (!id) return this.malformed('callback without msgId or messageId');
    try {
      await this.o.inbox.accept('dingtalk', id, dingtalkChatId(data) ?? null, { data: { ...data, msgId: id } });
    } catch (err) {
      this.o.log.error('dingtalk message not recorded; DingTalk will re-push it', { err });
      return;
    }
    if (messageId) this.client.socketCallBackResponse(messageId, {});
    this.worker.kick();
  }

  /** A tap on one of our group cards: recorded, then acknowledged (an empty answer leaves the card as it is). */
  private async onCardCallback(frame: DWClientDownStream): Promise<void> {
    const messageId = frame.headers?.messageId;
    const data = this.frameData(frame, 'card callback data');
    if (!data) return;
    const id = cardUpdateId(data, messageId);
    if (!id) {
      this.malformed('card callback without our card, a user or an action');
      if (messageId) this.client.socketCallBackResponse(messageId, {});
      return;
    }
    try {
      await this.o.inbox.accept('dingtalk', id, cardChatId(data) ?? null, { card: data, id });
    } catch (err) {
      this.o.log.error('dingtalk card tap not recorded; DingTalk will re-push it', { err });
      return;
    }
    if (messageId) this.client.socketCallBackResponse(messageId, {});
    this.worker.kick();
  }

  /** A message the platform sends on its own (a reminder), to a person by staff id. */
  async push(staffId: string, text: string): Promise<boolean> {
    let ok = true;
    for (const out of renderDingTalk([{ text }])) ok = (await this.sender.send({ kind: 'user', staffId }, out)) === 'sent' && ok;
    return ok;
  }

  private target(chatId: string): DingTalkTarget {
    return isGroupChat(chatId) ? { kind: 'group', conversationId: chatId } : { kind: 'user', staffId: chatId };
  }

  /** Sends every message of a reply (a card among them named `cardBizId`); the first result that is not 'sent' wins. */
  private async sendAll(chatId: string, reply: Reply, cardBizId?: string): Promise<'sent' | 'unreachable' | 'rejected'> {
    for (const out of renderDingTalk([reply])) {
      const result = await this.sender.send(this.target(chatId), out, cardBizId);
      this.o.metrics?.deliveries.inc({ platform: 'dingtalk', result });
      if (result !== 'sent') return result;
    }
    return 'sent';
  }

  /**
   * Lead notices and broadcast progress. In a group a notice is an interactive card, updated in place
   * when claimed or passed. Elsewhere (and if the update is refused) DingTalk robot messages cannot be
   * edited, so an "edit" is a follow-up message, posted only when the buttons change (claimed,
   * passed, finished): progress ticks that only change counts are not repeated into the chat.
   */
  readonly outlet: Outlet = {
    send: async (chatId, reply) => {
      const cardBizId = isGroupChat(chatId) ? newCardBizId(chatId) : undefined;
      const result = await this.sendAll(chatId, reply, cardBizId).catch((err: unknown) => {
        throw new OutletError(`DingTalk did not take the message: ${err instanceof Error ? err.message : String(err)}`, false, { cause: err });
      });
      if (result !== 'sent') throw new OutletError(`DingTalk ${result} the message`, true);
      const id = cardBizId && renderDingTalk([reply]).some((o) => o.kind !== 'text' && o.interactive) ? cardBizId : `dt-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
      this.lastButtons.set(id, buttonSet(reply));
      return id;
    },
    edit: async (chatId, messageId, reply) => {
      const card = cardConversation(messageId) === chatId ? renderDingTalk([reply]).findLast((o) => o.kind !== 'text' && o.interactive) : undefined;
      if (card) {
        const result = await this.sender.updateCard(chatId, messageId, card);
        this.o.metrics?.deliveries.inc({ platform: 'dingtalk', result });
        if (result === 'sent') return void this.lastButtons.set(messageId, buttonSet(reply));
        this.o.log.warn('dingtalk card update refused; posting a follow-up', { result });
      }
      const buttons = buttonSet(reply);
      if (this.lastButtons.get(messageId) === buttons) return;
      this.lastButtons.set(messageId, buttons);
      if (this.lastButtons.size > 10_000) this.lastButtons.delete(this.lastButtons.keys().next().value!);
      const result = await this.sendAll(chatId, reply);
      if (result !== 'sent') throw new OutletError(`DingTalk ${result} the follow-up`, true);
    },
    post: (chatId, reply) => this.sendAll(chatId, reply),
  };

  private async handleRow(row: Row): Promise<void> {
    try {
      if (row.replies) await this.deliver(row, row.replies as Planned[]);
      else if ((await this.answer(row)) === 'taken') return;
      await this.o.inbox.markDone(row);
    } catch (err) {
      const outcome = await this.o.inbox.markFailed(row, err instanceof Error ? `${err.name}: ${err.message}` : String(err)).catch(() => 'retry');
      this.o.log.error('dingtalk message failed', { updateId: row.updateId, attempts: row.attempts, outcome, err });
    }
  }

  /** 'taken' when another attempt (a lease lost under load) stored its replies first: it sends them. */
  private async answer(row: Row): Promise<'answered' | 'taken'> {
    const { data, card, id } = row.payload;
    const mapped = card && id ? mapCardCallback(card, id) : mapDingTalk(data ?? {});
    if (mapped.kind === 'ignore') return 'answered';
    let replies: Reply[];
    let state: Awaited<ReturnType<typeof answerUpdate>>['state'];
    if (mapped.kind === 'expired-button') replies = [{ text: `${t('zh', 'buttonExpired')} / ${t('en', 'buttonExpired')}` }];
    // The row is the dedupe: the pipeline sees the row's own key (msgId, else the frame's messageId;
    // a card tap's key), and DingTalk re-pushes an unacknowledged frame after ≈60 s while a finished
    // row is kept 7 days (InboxStore.prune).
    else ({ replies, state } = await answerUpdate(this.o.pipeline, mapped.msg, row.attempts, { inbox: true }));
    const { target } = mapped;
    // A group card's id is fixed before the first attempt, so a retried send does not post it twice.
    const planned: Planned[] = renderDingTalk(replies).map((out) => ({ target, out, ...(target.kind === 'group' && out.kind !== 'text' && out.interactive ? { cardBizId: newCardBizId(target.conversationId) } : {}) }));
    if ((await this.o.inbox.saveReplies(row, planned, state)) === 'taken') return 'taken';
    await this.deliver({ ...row, sent: 0 }, planned);
    return 'answered';
  }

  private async deliver(row: Row, planned: Planned[]): Promise<void> {
    for (let i = row.sent; i < planned.length; i++) {
      const result = await this.sender.send(planned[i]!.target, planned[i]!.out, planned[i]!.cardBizId);
      this.o.metrics?.deliveries.inc({ platform: 'dingtalk', result });
      await this.o.inbox.markSent(row, i + 1);
      if (result === 'unreachable') break;
    }
  }
}

function buttonSet(reply: Reply): string {
  return JSON.stringify([...(reply.buttons ?? []).flat(), ...(reply.items ?? []).flatMap((i) => i.buttons ?? [])].map((b) => b.action));
}
