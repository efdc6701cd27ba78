/** What Slack sends to the app, for tests: signed requests and the bodies of events, slash commands, block actions and URL verification. */
import { createHmac, randomUUID } from 'node:crypto';
import { DEFAULT_APP_ID, DEFAULT_BOT_ID, DEFAULT_BOT_USER_ID, DEFAULT_TEAM_ID, DEFAULT_USER_ID, TEAM_DOMAIN, UNROUTABLE_RESPONSE_URL, VERIFICATION_TOKEN } from './fake-slack-types.js';

/**
 * Sign like Slack: HMAC-SHA256(secret, `v0:${timestamp}:${rawBody}`) → `x-slack-signature: v0=<hex>`
 * and `x-slack-request-timestamp` (unix seconds; default now). Returns just those two headers.
 */
export function signSlackRequest(body: string | Uint8Array, secret: string, timestamp: number = Math.floor(Date.now() / 1000)): Record<string, string> {
  const hex = createHmac('sha256', secret).update(`v0:${timestamp}:`).update(body).digest('hex');
  return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': `v0=${hex}` };
}

/**
 * A signed POST `Request`, as Slack would send it: content-type `application/json` for a body that
 * starts with `{` (Events API), else `application/x-www-form-urlencoded` (commands, interactivity).
 * `retryNum`/`retryReason` add Slack's `x-slack-retry-*` redelivery headers.
 */
export function signedSlackRequest(
  url: string,
  body: string | Uint8Array,
  secret: string,
  opts: { timestamp?: number; contentType?: string; retryNum?: number; retryReason?: string; headers?: Record<string, string> } = {},
): Request {
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('latin1');
  const contentType = opts.contentType ?? (text.replace(/^\ufeff|^\xef\xbb\xbf/, '').trimStart().startsWith('{') ? 'application/json' : 'application/x-www-form-urlencoded');
  return new Request(url, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      ...signSlackRequest(body, secret, opts.timestamp),
      ...(opts.retryNum !== undefined ? { 'x-slack-retry-num': String(opts.retryNum) } : {}),
      ...(opts.retryReason !== undefined ? { 'x-slack-retry-reason': opts.retryReason } : {}),
      ...opts.headers,
    },
    body,
  });
}

let seq = 0;
const nextSeq = (): number => (seq += 1);
/** A fresh, increasing Slack-style ts near now ("1718000000.000123"). */
function freshTs(): string {
  return `${Math.floor(Date.now() / 1000)}.${String(nextSeq() % 1_000_000).padStart(6, '0')}`;
}
const randomId = (prefix: string, n = 10): string => prefix + randomUUID().replace(/-/g, '').slice(0, n).toUpperCase();

export interface EventBodyOptions {
  type: 'message' | 'app_mention';
  text: string;
  user?: string;
  channel?: string;
  channelType?: 'im' | 'channel' | 'group' | 'mpim';
  ts?: string;
  threadTs?: string;
  eventId?: string;
  botId?: string;
  subtype?: string;
  teamId?: string;
  /** The installing bot's user id, for `authorizations` (default UBOT0001). */
  botUserId?: string;
  apiAppId?: string;
  /** Unix seconds of event_time (default now). */
  eventTime?: number;
}

const DEFAULT_CHANNEL: Record<NonNullable<EventBodyOptions['channelType']>, string> = {
  im: 'D0001',
  channel: 'C0001',
  group: 'G0001',
  mpim: 'G0002',
};

/**
 * An Events API `event_callback` envelope (JSON string). message events default to a DM (`D0001`,
 * channel_type im); app_mention to `C0001`. User messages carry Slack's rich_text `blocks` echo of
 * the text and a client_msg_id; with `botId` the event looks like a bot's (bot_id, no blocks).
 * event_id defaults to a unique `Ev…` — pass the same one to simulate Slack's redelivery.
 */
export function eventBody(o: EventBodyOptions): string {
  const teamId = o.teamId ?? DEFAULT_TEAM_ID;
  const channelType = o.channelType ?? (o.channel ? channelTypeOf(o.channel) : o.type === 'message' ? 'im' : 'channel');
  const channel = o.channel ?? DEFAULT_CHANNEL[channelType];
  const ts = o.ts ?? freshTs();
  const user = o.user ?? (o.botId ? undefined : DEFAULT_USER_ID);
  const isBot = o.botId !== undefined;
  const event: Record<string, unknown> = {
    type: o.type,
    ...(o.subtype !== undefined ? { subtype: o.subtype } : {}),
    ...(user !== undefined ? { user } : {}),
    ...(isBot ? { bot_id: o.botId, app_id: o.apiAppId ?? DEFAULT_APP_ID } : { client_msg_id: randomUUID() }),
    text: o.text,
    ...(isBot
      ? {}
      : {
          blocks: [
            {
              type: 'rich_text',
              block_id: randomId('', 5).toLowerCase(),
              elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: o.text }] }],
            },
          ],
        }),
    team: teamId,
    ...(o.threadTs !== undefined ? { thread_ts: o.threadTs } : {}),
    ts,
    channel,
    event_ts: ts,
    ...(o.type === 'message' ? { channel_type: channelType } : {}),
  };
  return JSON.stringify({
    token: VERIFICATION_TOKEN,
    team_id: teamId,
    context_team_id: teamId,
    context_enterprise_id: null,
    api_app_id: o.apiAppId ?? DEFAULT_APP_ID,
    event,
    type: 'event_callback',
    event_id: o.eventId ?? randomId('Ev'),
    event_time: o.eventTime ?? Math.floor(Date.now() / 1000),
    authorizations: [
      { enterprise_id: null, team_id: teamId, user_id: o.botUserId ?? DEFAULT_BOT_USER_ID, is_bot: true, is_enterprise_install: false },
    ],
    is_ext_shared_channel: false,
    event_context: `4-${randomId('', 24).toLowerCase()}`,
  });
}

function channelTypeOf(channel: string): NonNullable<EventBodyOptions['channelType']> {
  if (channel.startsWith('D')) return 'im';
  if (channel.startsWith('G')) return 'group';
  return 'channel';
}

export interface SlashCommandOptions {
  command?: string;
  text: string;
  userId?: string;
  userName?: string;
  channelId?: string;
  channelName?: string;
  responseUrl?: string;
  triggerId?: string;
  teamId?: string;
  apiAppId?: string;
}

/** A slash command POST body, form-encoded in Slack's field order. Default command `/patent`. */
export function slashCommandBody(o: SlashCommandOptions): string {
  const channelId = o.channelId ?? 'C0001';
  const userId = o.userId ?? DEFAULT_USER_ID;
  return new URLSearchParams({
    token: VERIFICATION_TOKEN,
    team_id: o.teamId ?? DEFAULT_TEAM_ID,
    team_domain: TEAM_DOMAIN,
    channel_id: channelId,
    channel_name: o.channelName ?? (channelId.startsWith('D') ? 'directmessage' : `channel-${channelId.toLowerCase()}`),
    user_id: userId,
    user_name: o.userName ?? `user_${userId.toLowerCase()}`,
    command: o.command ?? '/patent',
    text: o.text,
    api_app_id: o.apiAppId ?? DEFAULT_APP_ID,
    is_enterprise_install: 'false',
    response_url: o.responseUrl ?? UNROUTABLE_RESPONSE_URL,
    trigger_id: o.triggerId ?? triggerId(),
  }).toString();
}

function triggerId(): string {
  return `${nextSeq()}${Date.now() % 1_000_000}.${Date.now()}.${randomUUID().replace(/-/g, '')}`;
}

export interface BlockActionOptions {
  actionId: string;
  value: string;
  userId?: string;
  channelId?: string;
  /** ts of the message holding the button (default the fake's first ts, 1700000000.000100). */
  messageTs?: string;
  threadTs?: string;
  responseUrl?: string;
  blockId?: string;
  buttonText?: string;
  messageText?: string;
  /** The message's blocks as Slack echoes them (default: one actions block with this button). */
  messageBlocks?: unknown[];
  triggerId?: string;
  teamId?: string;
  apiAppId?: string;
  botUserId?: string;
  botId?: string;
}

/** A `block_actions` interaction for a button click in a bot message: form-encoded `payload=<json>`. */
export function blockActionBody(o: BlockActionOptions): string {
  const teamId = o.teamId ?? DEFAULT_TEAM_ID;
  const userId = o.userId ?? DEFAULT_USER_ID;
  const channelId = o.channelId ?? 'D0001';
  const messageTs = o.messageTs ?? '1700000000.000100';
  const blockId = o.blockId ?? randomId('', 5).toLowerCase();
  const buttonText = { type: 'plain_text', text: o.buttonText ?? o.value, emoji: true };
  const button = { type: 'button', action_id: o.actionId, block_id: blockId, text: buttonText, value: o.value };
  const payload = {
    type: 'block_actions',
    user: { id: userId, username: `user_${userId.toLowerCase()}`, name: `user_${userId.toLowerCase()}`, team_id: teamId },
    api_app_id: o.apiAppId ?? DEFAULT_APP_ID,
    token: VERIFICATION_TOKEN,
    container: {
      type: 'message',
      message_ts: messageTs,
      channel_id: channelId,
      is_ephemeral: false,
      ...(o.threadTs !== undefined ? { thread_ts: o.threadTs } : {}),
    },
    trigger_id: o.triggerId ?? triggerId(),
    team: { id: teamId, domain: TEAM_DOMAIN },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channelId, name: channelId.startsWith('D') ? 'directmessage' : `channel-${channelId.toLowerCase()}` },
    message: {
      user: o.botUserId ?? DEFAULT_BOT_USER_ID,
      type: 'message',
      ts: messageTs,
      bot_id: o.botId ?? DEFAULT_BOT_ID,
      app_id: o.apiAppId ?? DEFAULT_APP_ID,
      text: o.messageText ?? '',
      team: teamId,
      ...(o.threadTs !== undefined ? { thread_ts: o.threadTs } : {}),
      blocks: o.messageBlocks ?? [
        { type: 'actions', block_id: blockId, elements: [{ type: 'button', action_id: o.actionId, text: buttonText, value: o.value }] },
      ],
    },
    state: { values: {} },
    response_url: o.responseUrl ?? UNROUTABLE_RESPONSE_URL,
    actions: [{ ...button, action_ts: freshTs() }],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** The Events API URL-verification handshake body (JSON). The app must answer `{ challenge }`. */
export function urlVerificationBody(challenge: string): string {
  return JSON.stringify({ token: VERIFICATION_TOKEN, challenge, type: 'url_verification' });
}

