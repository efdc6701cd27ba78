/**
 * The one way messages leave for Slack: about one message per second per channel (Slack's posting
 * limit), Retry-After honoured (the WebClient waits it out; the channel is paused too), and
 * channel_not_found / not_in_channel / account_inactive reported as unreachable, not thrown.
 */
import type { WebClient } from '@slack/web-api';
import { SendSlots, type SlotOptions } from '../../src/services/send-slots.js';
import type { Logger } from '../../src/util/log.js';
import type { SlackOut } from './slack-blocks.js';
import type { SlackTarget } from './slack-map.js';

export type SlackSendResult = 'sent' | 'unreachable' | 'rejected';
/** Slack's own trouble, documented as worth retrying: not the message's fault. */
const TRANSIENT = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'team_added_to_org']);
const UNREACHABLE = new Set(['channel_not_found', 'not_in_channel', 'account_inactive', 'is_archived', 'user_not_found', 'cannot_dm_bot', 'messages_tab_disabled']);

export class SlackDeliveryError extends Error {
  readonly code = 'SLACK_UNAVAILABLE';
}

export class SlackSender {
  readonly slots: SendSlots;

  constructor(
    private readonly client: Pick<WebClient, 'chat'>,
    private readonly log: Logger,
    opts: { perChannelIntervalMs?: number; perSecond?: number; shared?: SlotOptions['shared'] } = {},
  ) {
    this.slots = new SendSlots({ perKeyIntervalMs: opts.perChannelIntervalMs ?? 1000, perSecond: opts.perSecond ?? 20, ...(opts.shared ? { shared: opts.shared } : {}) });
  }

  async send(target: SlackTarget, out: SlackOut): Promise<SlackSendResult> {
    if (target.kind === 'response_url') return this.respond(target.url, out);
    return (await this.post(target, out)).result;
  }

  /** chat.postMessage with the ts of the message when it was sent. */
  async post(target: Extract<SlackTarget, { kind: 'channel' }>, out: SlackOut): Promise<{ result: SlackSendResult; ts?: string }> {
    await this.slots.take(target.channel);
    try {
      const res = await this.client.chat.postMessage({
        channel: target.channel,
        text: out.text,
        blocks: out.blocks,
        mrkdwn: false,
        unfurl_links: false,
        unfurl_media: false,
        ...(target.threadTs ? { thread_ts: target.threadTs } : {}),
      });
      return { result: 'sent', ...(res.ts ? { ts: res.ts } : {}) };
    } catch (err) {
      const e = err as { code?: string; data?: { error?: string }; retryAfter?: number };
      const slackError = e.data?.error;
      if (slackError && UNREACHABLE.has(slackError)) {
        this.log.warn('slack channel unreachable', { error: slackError });
        return { result: 'unreachable' };
      }
      if (e.code === 'slack_webapi_rate_limited_error') {
        await this.slots.pause(target.channel, (e.retryAfter ?? 1) * 1000);
        throw new SlackDeliveryError(`rate limited for ${e.retryAfter ?? '?'} s`, { cause: err });
      }
      if (slackError && TRANSIENT.has(slackError)) throw new SlackDeliveryError(`Slack answered ${slackError}`, { cause: err });
      if (slackError) {
        this.log.error('slack rejected a message', { error: slackError });
        return { result: 'rejected' };
      }
      throw new SlackDeliveryError('chat.postMessage failed', { cause: err });
    }
  }

  /** Answers through a response_url (slash commands, ephemeral buttons): visible to the asker only. */
  private async respond(url: string, out: SlackOut): Promise<SlackSendResult> {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text: out.text, blocks: out.blocks }),
    }).catch((cause) => {
      throw new SlackDeliveryError('response_url is unreachable', { cause });
    });
    await res.arrayBuffer().catch(() => {});
    if (res.status === 404 || res.status === 410) {
      this.log.warn('slack response_url expired', { status: res.status });
      return 'unreachable';
    }
    if (!res.ok) throw new SlackDeliveryError(`response_url answered ${res.status}`);
    return 'sent';
  }
}
