/**
 * Slash commands (SPEC §8), platform-neutral: adapters parse `/search 锂电池@bot` into
 * `{ name: 'search', args: '锂电池' }`; the pipeline dispatches through COMMAND_HANDLERS.
 */
export const COMMANDS = ['start', 'help', 'search', 'policy', 'expo', 'register', 'mine', 'cancel', 'lead', 'language', 'stop', 'forget', 'join'] as const;
export type CommandName = (typeof COMMANDS)[number];

export interface Command {
  name: CommandName;
  /** Text after the command, trimmed (may be empty). */
  args: string;
}

export function isCommandName(s: string): s is CommandName {
  return (COMMANDS as readonly string[]).includes(s);
}
