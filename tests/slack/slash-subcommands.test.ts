import { describe, expect, it } from 'vitest';
import { mapSlack } from '../../bots/slack/slack-map.js';
import { slashCommandBody } from '../support/fake-slack.js';

const BOT = 'UBOT';
/** What Bolt hands us for a form-encoded slash command: its fields as an object. */
const slash = (text: string, o: { userName?: string; userId?: string; channelId?: string } = {}) =>
  Object.fromEntries(new URLSearchParams(slashCommandBody({ text, triggerId: 'tr-1', responseUrl: 'https://hooks.slack.com/commands/T1/1/x', ...o })));

type Msg = { msg: { command?: { name: string; args: string }; text?: string; displayName?: string; userId: string; chatId: string }; target: unknown };
const map = (text: string, o?: Parameters<typeof slash>[1]) => {
  const m = mapSlack(slash(text, o), BOT, new Date('2024-06-03T02:00:00Z'));
  expect(m.kind).toBe('message');
  return m as unknown as Msg & { kind: 'message' };
};

describe('mapSlack: /patent sub-commands', () => {
  it('/patent join CODE → join command with the code as args', () => {
    const m = map('join ABCDE-23456');
    expect(m.msg.command).toEqual({ name: 'join', args: 'ABCDE-23456' });
    expect(m.msg.text).toBeUndefined();
    expect(m.target).toEqual({ kind: 'response_url', url: 'https://hooks.slack.com/commands/T1/1/x' });
  });

  it('/patent inbox → inbox command without args', () => {
    expect(map('inbox').msg.command).toEqual({ name: 'inbox', args: '' });
  });

  it('/patent lead REF STATUS → lead command with the rest as args', () => {
    const m = map('lead L-7K3M9Q won');
    expect(m.msg.command).toEqual({ name: 'lead', args: 'L-7K3M9Q won' });
    expect(m.msg.text).toBeUndefined();
  });

  it('is case-insensitive on the sub-command and trims extra whitespace', () => {
    expect(map('JOIN   ABCDE-23456  ').msg.command).toEqual({ name: 'join', args: 'ABCDE-23456' });
    expect(map('  Inbox ').msg.command).toEqual({ name: 'inbox', args: '' });
  });

  it('keeps a search query as text', () => {
    const m = map('锂电池');
    expect(m.msg.command).toBeUndefined();
    expect(m.msg.text).toBe('锂电池');
    // Words that merely start like a sub-command are not one.
    expect(map('joiner robot').msg).toMatchObject({ text: 'joiner robot' });
    expect(map('inboxes').msg.command).toBeUndefined();
    expect(map('湖北 lead battery').msg).toMatchObject({ text: '湖北 lead battery' });
  });

  it('an empty /patent is help', () => {
    expect(map('').msg.command).toEqual({ name: 'help', args: '' });
  });

  it('takes user id, channel and displayName from the command body', () => {
    const m = map('inbox', { userName: 'li.wei', userId: 'U77', channelId: 'C42' });
    expect(m.msg).toMatchObject({ userId: 'U77', chatId: 'C42', displayName: 'li.wei' });
    expect(map('锂电池', { userName: 'zhang' }).msg.displayName).toBe('zhang');
    expect(map('inbox', { userName: 'x'.repeat(80) }).msg.displayName).toBe('x'.repeat(60));
  });

  it('ignores a command without a response_url', () => {
    const body = { ...slash('inbox'), response_url: '' };
    expect(mapSlack(body, BOT).kind).toBe('ignore');
  });
});
