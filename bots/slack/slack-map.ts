/**
 * Slack payload → InboundMessage plus where the answer goes. DMs (`message.im`), mentions
 * (`app_mention`), the `/patent` slash command and button presses; the bot's own and other bots'
 * messages, edits and other subtypes are ignored. Replies go to the thread the question came from
 * (a mention in a channel opens one), slash commands and ephemeral buttons answer via response_url.
 */
import { decodeAction } from '../../src/core/actions.js';
import type { CommandName } from '../../src/core/commands.js';
import type { InboundMessage } from '../../src/core/types.js';

export type SlackTarget = { kind: 'channel'; channel: string; threadTs?: string } | { kind: 'response_url'; url: string };

export type SlackMapped =
  | { kind: 'message'; msg: InboundMessage; target: SlackTarget }
  | { kind: 'expired-button'; target: SlackTarget }
  | { kind: 'ignore'; reason: string };

type Obj = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Slack's message text is escaped and marks up mentions and links: turn it back into what was typed. */
export function slackToPlain(text: string, botUserId: string): string {
  return text
    .replace(new RegExp(`<@${botUserId}(?:\\|[^>]*)?>`, 'g'), ' ')
    .replace(/<(?:[@#!][^>|]*\|)([^>]*)>/g, '$1')
    .replace(/<([^>|]*)\|([^>]*)>/g, '$2')
    .replace(/<([^>]*)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A stable id for dedupe: the event id for events, the trigger for commands and buttons. */
export function slackUpdateId(body: Obj): string | undefined {
  if (body.type === 'event_callback') return str(body.event_id);
  if (str(body.command)) return str(body.trigger_id) && `cmd:${body.trigger_id}`;
  if (body.type === 'block_actions') {
    const a = (body.actions as Obj[] | undefined)?.[0];
    return str(body.trigger_id) ? `act:${body.trigger_id}` : a && str(a.action_ts) ? `act:${a.action_ts}` : undefined;
  }
  return undefined;
}

/**
 * The payload as stored in the inbox: everything but Slack's legacy verification `token`, a shared
 * secret that every payload repeats (requests are verified by their signature instead).
 */
export function slackStorable(body: Obj): Obj {
  const { token: _token, ...rest } = body;
  return rest;
}

export function slackChatId(body: Obj): string | undefined {
  if (body.type === 'event_callback') return str((body.event as Obj | undefined)?.channel);
  if (str(body.command)) return str(body.channel_id);
  return str((body.channel as Obj | undefined)?.id);
}

export function mapSlack(body: Obj, botUserId: string, now = new Date()): SlackMapped {
  const updateId = slackUpdateId(body);
  if (!updateId) return { kind: 'ignore', reason: 'no id to deduplicate on' };
  const base = { platform: 'slack' as const, updateId, receivedAt: now, raw: body };

  if (body.type === 'event_callback') {
    const ev = (body.event ?? {}) as Obj;
    const user = str(ev.user);
    if (str(ev.bot_id) || str(ev.subtype) || !user || user === botUserId) return { kind: 'ignore', reason: 'from a bot, an edit, or ourselves' };
    const channel = str(ev.channel);
    if (!channel) return { kind: 'ignore', reason: 'no channel' };
    const isDm = ev.channel_type === 'im';
    if (ev.type === 'message' && !isDm) return { kind: 'ignore', reason: 'channel message without a mention' };
    if (ev.type !== 'message' && ev.type !== 'app_mention') return { kind: 'ignore', reason: `event ${String(ev.type)}` };
    const threadTs = str(ev.thread_ts) ?? (isDm ? undefined : str(ev.ts));
    return {
      kind: 'message',
      msg: { ...base, userId: user, chatId: channel, conversation: isDm ? 'private' : 'group', text: slackToPlain(String(ev.text ?? ''), botUserId) },
      target: { kind: 'channel', channel, ...(threadTs ? { threadTs } : {}) },
    };
  }

  if (str(body.command)) {
    const user = str(body.user_id);
    const url = str(body.response_url);
    if (!user || !url) return { kind: 'ignore', reason: 'slash command without user or response_url' };
    const text = slackToPlain(String(body.text ?? ''), botUserId);
    // `/patent join CODE`, `/patent inbox`, `/patent lead L-… won`: the first word names the command.
    const sub = /^(join|inbox|lead|language|broadcast|console)(?:\s+([\s\S]*))?$/i.exec(text);
    const command = sub ? { name: sub[1]!.toLowerCase() as CommandName, args: (sub[2] ?? '').trim() } : text ? undefined : { name: 'help' as const, args: '' };
    const name = str(body.user_name);
    return {
      kind: 'message',
      msg: { ...base, userId: user, chatId: str(body.channel_id) ?? user, conversation: 'private', ...(name ? { displayName: name.slice(0, 60) } : {}), ...(command ? { command } : { text }) },
      target: { kind: 'response_url', url },
    };
  }

  if (body.type === 'block_actions') {
    const user = str((body.user as Obj | undefined)?.id);
    const channel = str((body.channel as Obj | undefined)?.id);
    const message = (body.message ?? {}) as Obj;
    const container = (body.container ?? {}) as Obj;
    const url = str(body.response_url);
    const ephemeral = container.is_ephemeral === true;
    if (!user) return { kind: 'ignore', reason: 'button press without a user' };
    const isChannel = !!channel && /^[CG]/.test(channel);
    const threadTs = str(message.thread_ts) ?? (isChannel ? str(message.ts) : undefined);
    const target: SlackTarget | undefined =
      ephemeral && url ? { kind: 'response_url', url } : channel ? { kind: 'channel', channel, ...(threadTs ? { threadTs } : {}) } : url ? { kind: 'response_url', url } : undefined;
    if (!target) return { kind: 'ignore', reason: 'nowhere to answer' };
    const value = str(((body.actions as Obj[] | undefined)?.[0] ?? {}).value);
    const action = value ? decodeAction(value) : undefined;
    if (!action) return { kind: 'expired-button', target };
    const u = (body.user ?? {}) as Obj;
    const name = str(u.name) ?? str(u.username);
    const conversation = target.kind === 'response_url' || (channel !== undefined && /^D/.test(channel)) ? ('private' as const) : ('group' as const);
    return { kind: 'message', msg: { ...base, userId: user, chatId: channel ?? user, conversation, action, ...(name ? { displayName: name.slice(0, 60) } : {}) }, target };
  }
  return { kind: 'ignore', reason: `payload ${String(body.type)}` };
}
