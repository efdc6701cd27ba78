/**
 * The conversation core: dedupe → identity → input checks → state → classify → dispatch → save.
 * Adapters call `handle` with a normalised InboundMessage and render the Reply[] it returns; tests
 * drive it the same way without any server.
 */
import type { NluResult } from './intents.js';
import { t } from './strings.js';
import type { InboundMessage, Locale, Reply } from './types.js';
import { chooseLanguage, dispatchAction, INTENT_HANDLERS } from '../handlers/index.js';
import { continueLead, inLeadDialogue } from '../handlers/lead.js';
import { consoleCommand, inboxCommand, joinCommand, leadStatusCommand } from '../handlers/staff.js';
import { broadcastCommand, continueBroadcast, inBroadcastDialogue } from '../handlers/broadcast.js';
import { COMMAND_INTENT } from './commands.js';
import type { HandlerContext, HandlerServices } from '../handlers/context.js';
import type { ConversationState, UserStore } from '../services/user-store.js';
import { continueRegistration, inDialogue } from '../handlers/register.js';
import { leaveDialogue } from '../handlers/dialogue-exit.js';
import { RateLimiter } from './rate-limiter.js';
import { intentLabel, type Metrics } from '../util/metrics.js';
import { clearLocale, detectLocale, languageRequest } from './language.js';
import { LlmDeadline } from '../llm/llm-deadline.js';
import { emailOfferOpen, giveEmail, looksLikeAddress } from '../handlers/email.js';

export const MAX_TEXT = 4000;

export interface PipelineDeps extends HandlerServices {
  users: UserStore;
  classify: (text: string) => NluResult;
  /** The optional model's second opinion on what the offline classifier is unsure about. */
  understand?: (text: string, offline: NluResult, userId: number, deadline?: LlmDeadline) => Promise<NluResult>;
  /** Per-person limit; with shared buckets they must live in the users' database (its take joins UserStore.enter's statement). */
  rateLimiter?: RateLimiter;
}

export interface HandleResult {
  replies: Reply[];
  /**
   * With `inbox`: the dialogue state this message left, not yet written — the caller stores it with
   * the replies in one statement (InboxStore.saveReplies). Absent when it did not change.
   */
  state?: { userId: number; state: ConversationState };
  /** The update was seen before; nothing was done again. */
  duplicate: boolean;
  locale: Locale;
  intent?: string;
  /** The person's data was deleted (forget_me): a channel with a session of its own (the web) ends it. */
  forgotten?: boolean;
}

export class PipelineError extends Error {
  constructor(
    readonly code: 'HANDLER_FAILED',
    message: string,
    readonly locale: Locale,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PipelineError';
  }
}

export type TextCheck = { ok: true; text: string } | { ok: false; reason: 'empty' | 'tooLong' | 'unreadable' };

/** Control characters go; binary-looking input and over-long input are refused with a reason. */
export function checkText(raw: string): TextCheck {
  if (raw.length > MAX_TEXT * 4) return { ok: false, reason: 'tooLong' };
  const bad = (raw.match(/[\u0000-\u0008\u000e-\u001f\ufffd\ufffe\uffff]/g) ?? []).length;
  if (bad >= 3 && bad / raw.length > 0.1) return { ok: false, reason: 'unreadable' };
  const text = raw
    .normalize('NFC')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufffd]/g, '')
    .trim();
  if (text === '') return { ok: false, reason: 'empty' };
  if ([...text].length > MAX_TEXT) return { ok: false, reason: 'tooLong' };
  return { ok: true, text };
}

export class Pipeline {
  private readonly limiter: RateLimiter;

  constructor(private readonly deps: PipelineDeps) {
    this.limiter = deps.rateLimiter ?? new RateLimiter({ capacity: 20, refillPerSecond: 0.5 });
  }

  /**
   * `takeOver`: the caller knows no earlier attempt at this update is still running (an inbox row
   * retried after its lease or a failure), so a claim left without replies is handled again at once.
   * `inbox`: the update comes from an inbox row keyed by the platform's unique update id, which is
   * the dedupe (a redelivery never makes a second row, a lease keeps one worker on it) and keeps
   * the replies: the dedupe log is skipped, and the changed state is returned for the caller to
   * store with the replies in one statement.
   */
  async handle(msg: InboundMessage, opts: { takeOver?: boolean; inbox?: boolean } = {}): Promise<HandleResult> {
    const started = performance.now();
    const result = await this.handleInner(msg, opts.takeOver ?? false, opts.inbox ?? false).catch((err) => {
      this.deps.metrics?.errors.inc({ platform: msg.platform, kind: err instanceof PipelineError ? err.code : 'internal' });
      throw err;
    });
    const m = this.deps.metrics;
    if (m && !result.duplicate) {
      m.updates.inc({ platform: msg.platform, intent: intentLabel(result.intent) });
      m.replyLatency.observe({ platform: msg.platform }, (performance.now() - started) / 1000);
    }
    return result;
  }

  private async handleInner(msg: InboundMessage, takeOver: boolean, inbox: boolean): Promise<HandleResult> {
    const { users } = this.deps;
    // Every line logged while handling this update names it (platform and update id: no personal data).
    const log = this.deps.log.child({ update: `${msg.platform}:${msg.updateId}` });
    // Any sign of a language (or the platform's hint) for someone new; only a message clearly in
    // another language switches a stored one (see language.ts).
    const guessed = detectLocale(msg.text) ?? (msg.localeHint?.toLowerCase().startsWith('zh') ? 'zh' : msg.localeHint ? 'en' : undefined);
    if (!inbox) {
      const claim = await users.claimUpdate(msg.platform, msg.updateId, takeOver ? 0 : 60_000);
      // Handled before: the same answer again (a web client resending).
      if (claim.kind === 'replay') return { replies: claim.replies as Reply[], duplicate: true, locale: guessed ?? 'zh' };
      if (claim.kind === 'busy') return { replies: [], duplicate: true, locale: guessed ?? 'zh' };
      if (claim.kind === 'stale') log.warn('handling an update again after an attempt that did not finish');
    } else if (takeOver) log.warn('handling an inbox row again after an attempt that did not finish');
    // The rate limit's token and the person's row: with shared buckets one statement for both
    // (the limiter's database is the users' one, see PipelineDeps.rateLimiter).
    const rateKey = `${msg.platform}:${msg.userId}`;
    const take = this.limiter.sharedTake(rateKey);
    const [entered, allowed] = take
      ? await users.enter(msg.platform, msg.userId, guessed ?? 'zh', take).then((e) => [e, e.allowed] as const)
      : await Promise.all([users.enter(msg.platform, msg.userId, guessed ?? 'zh'), this.limiter.take(rateKey)]);
    let user = entered.user;
    const state = entered.state;
    // An organiser typing the English version of an announcement has not switched language.
    const composing = inBroadcastDialogue(state, this.deps.clock());
    const clear = clearLocale(msg.text);
    if (!user.localeFixed && !composing && clear && clear !== user.locale) {
      await users.setLocale(user.id, clear, false);
      user = { ...user, locale: clear };
    }
    const locale = user.locale;
    if (!allowed) {
      return { replies: [{ text: t(locale, 'rateLimited') }], duplicate: false, locale };
    }
    const before = JSON.stringify(state);
    const offered = state.emailOffer;
    let changed: HandleResult['state'];
    // One model budget for everything this message asks of the model (understanding, rewrite, policy).
    const llmDeadline = this.deps.llm ? new LlmDeadline(this.deps.llm.messageBudgetMs) : undefined;
    const ctx: HandlerContext = { msg, user, locale, state, services: { ...this.deps, log }, ...(llmDeadline ? { llmDeadline } : {}) };
    let replies: Reply[];
    let intent: string | undefined;
    try {
      if (msg.action) {
        intent = `action:${msg.action.type}`;
        replies = await dispatchAction(ctx, msg.action);
      } else if (msg.command) {
        const { name, args } = msg.command;
        intent = `command:${name}`;
        const checked = args.trim() ? checkText(args) : ({ ok: true, text: '' } as const);
        // `/lead L-7K3M9Q won` is staff changing a status; any other /lead submits one.
        const status = checked.ok && name === 'lead' ? await leadStatusCommand(ctx, checked.text) : undefined;
        if (!checked.ok) replies = [{ text: checked.reason === 'tooLong' ? t(locale, 'tooLong')(MAX_TEXT) : t(locale, checked.reason) }];
        else if (name === 'language') replies = await chooseLanguage(ctx, checked.text);
        else if (name === 'join' || name === 'inbox' || name === 'broadcast' || name === 'console') {
          const run = { join: joinCommand, inbox: inboxCommand, broadcast: broadcastCommand, console: consoleCommand }[name];
          replies = await run({ ...ctx, msg: { ...msg, text: checked.text } });
        }
        else if (status) replies = status;
        else {
          // The command fixes the intent; its arguments still give the entities (/search 湖北 锂电池).
          const forced = COMMAND_INTENT[name];
          ctx.msg = { ...msg, text: checked.text };
          ctx.nlu = checked.text ? { ...this.deps.classify(checked.text), intent: forced } : { intent: forced, entities: {}, confidence: 1 };
          if (forced !== 'forget_me') delete ctx.state.pendingForget;
          replies = await INTENT_HANDLERS[forced](ctx);
        }
      } else {
        const checked = checkText(msg.text ?? '');
        // A clear new request leaves an open dialogue (the note goes before its answer) instead of being taken as the answer.
        const left = checked.ok ? leaveDialogue(ctx, checked.text, this.deps.classify, this.deps.clock()) : undefined;
        if (!checked.ok) {
          intent = `invalid:${checked.reason}`;
          replies = [{ text: checked.reason === 'tooLong' ? t(locale, 'tooLong')(MAX_TEXT) : t(locale, checked.reason) }];
        } else if (inDialogue(ctx.state, this.deps.clock())) {
          // An open dialogue takes the message as its answer; classification would misread a name or a phone number.
          intent = `dialogue:${ctx.state.registration!.step}`;
          ctx.msg = { ...msg, text: checked.text };
          replies = await continueRegistration(ctx, checked.text);
        } else if (inBroadcastDialogue(ctx.state, this.deps.clock())) {
          intent = `dialogue:broadcast-${ctx.state.broadcast!.step}`;
          replies = await continueBroadcast(ctx, checked.text);
        } else if (inLeadDialogue(ctx.state, this.deps.clock())) {
          intent = `dialogue:lead-${ctx.state.lead!.step}`;
          ctx.msg = { ...msg, text: checked.text };
          replies = await continueLead(ctx, checked.text);
        } else if (emailOfferOpen(ctx.state, this.deps.clock()) && looksLikeAddress(checked.text)) {
          // The web chat just asked for an address (a subscribe sub-case): the reply is the answer.
          intent = 'dialogue:email';
          replies = await giveEmail(ctx, checked.text);
        } else if (languageRequest(checked.text)) {
          intent = 'language';
          replies = await dispatchAction(ctx, { type: 'lang', locale: languageRequest(checked.text)! });
        } else {
          ctx.msg = { ...msg, text: checked.text };
          ctx.nlu = this.deps.classify(checked.text);
          if (this.deps.understand) ctx.nlu = await this.deps.understand(checked.text, ctx.nlu, user.id, llmDeadline);
          intent = ctx.nlu.intent;
          // Any other message answers an open "delete my data?" question with "no".
          if (ctx.nlu.intent !== 'forget_me') delete ctx.state.pendingForget;
          replies = await INTENT_HANDLERS[ctx.nlu.intent](ctx);
        }
        if (left) replies = [left, ...replies];
      }
      // An abandoned dialogue expires quietly: it no longer captures messages and is dropped here.
      if (ctx.state.registration && !inDialogue(ctx.state, this.deps.clock())) delete ctx.state.registration;
      if (ctx.state.lead && !inLeadDialogue(ctx.state, this.deps.clock())) delete ctx.state.lead;
      if (ctx.state.broadcast && !inBroadcastDialogue(ctx.state, this.deps.clock())) delete ctx.state.broadcast;
      // The e-mail offer ends with any other message than the answer to it.
      if (offered && ctx.state.emailOffer === offered && intent !== 'dialogue:email') delete ctx.state.emailOffer;
      if (!ctx.forgotten && JSON.stringify(ctx.state) !== before) {
        if (inbox) changed = { userId: user.id, state: ctx.state };
        else await users.setState(user.id, ctx.state);
      }
      // Notices that arose elsewhere (a waitlist promotion) come with the next reply, on whatever channel.
      if (!ctx.forgotten && entered.notices) for (const n of await this.deps.registrations.takeNotices(user.id)) replies = [{ text: n[locale] }, ...replies];
    } catch (cause) {
      log.error('handler failed', { platform: msg.platform, intent, err: cause });
      if (!inbox) await users.releaseUpdate(msg.platform, msg.updateId).catch(() => {});
      throw new PipelineError('HANDLER_FAILED', `handling ${intent ?? 'message'} failed`, locale, { cause });
    }
    if (!inbox) await users.saveUpdateReplies(msg.platform, msg.updateId, replies);
    log.debug('handled', { platform: msg.platform, intent, replies: replies.length });
    return { replies, duplicate: false, locale, ...(intent ? { intent } : {}), ...(ctx.forgotten ? { forgotten: true } : {}), ...(changed ? { state: changed } : {}) };
  }
}
