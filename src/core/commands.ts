/**
 * Slash commands (SPEC §8), platform-neutral: adapters parse `/search 锂电池@bot` into
 * `{ name: 'search', args: '锂电池' }`; the pipeline dispatches through COMMAND_HANDLERS.
 */
export const COMMANDS = ['start', 'help', 'search', 'policy', 'expo', 'register', 'mine', 'cancel', 'lead', 'language', 'stop', 'forget', 'join', 'inbox', 'broadcast', 'console'] as const;
export type CommandName = (typeof COMMANDS)[number];

import type { Intent } from './intents.js';

/** Commands that stand for an intent; `language`, `join`, `inbox`, `broadcast` and `console` are handled on their own. */
export const COMMAND_INTENT: Record<Exclude<CommandName, 'language' | 'join' | 'inbox' | 'broadcast' | 'console'>, Intent> = {
  start: 'greet',
  help: 'help',
  search: 'search_patents',
  policy: 'explain_policy',
  expo: 'expo_info',
  register: 'register_expo',
  mine: 'my_registrations',
  cancel: 'cancel_registration',
  lead: 'submit_lead',
  stop: 'unsubscribe',
  forget: 'forget_me',
};

export interface Command {
  name: CommandName;
  /** Text after the command, trimmed (may be empty). */
  args: string;
}

export function isCommandName(s: string): s is CommandName {
  return (COMMANDS as readonly string[]).includes(s);
}
