/** `patent-bridge chat`: the web chat's pipeline in a terminal, buttons as numbered choices. */
import { randomUUID } from 'node:crypto';
import readline from 'node:readline';
import { createServices } from '../app.js';
import { emptyIndexHint } from './commands.js';
import type { Config } from '../config/config.js';
import type { Action } from '../core/actions.js';
import { PipelineError } from '../core/pipeline.js';
import type { Reply } from '../core/types.js';
import type { Logger } from '../util/log.js';

export function renderTerminal(replies: Reply[], choices: Action[]): string {
  const out: string[] = [];
  const button = (label: string, a: Action) => {
    choices.push(a);
    return `[${choices.length}] ${label}`;
  };
  for (const r of replies) {
    out.push(r.text);
    for (const item of r.items ?? []) {
      out.push(`\n• ${item.title}`);
      for (const l of item.lines) out.push(`  ${l}`);
      if (item.buttons?.length) out.push('  ' + item.buttons.map((b) => button(b.label, b.action)).join('  '));
    }
    for (const row of r.buttons ?? []) out.push(row.map((b) => button(b.label, b.action)).join('  '));
  }
  return out.join('\n');
}

export async function runChat(config: Config, log: Logger): Promise<number> {
  const s = await createServices(config, log);
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  const session = randomUUID();
  let choices: Action[] = [];
  process.stdout.write('patent-bridge chat — type a message, a number to press a button, or Ctrl-D to quit.\n');
  const hint = await emptyIndexHint(s).catch(() => undefined); // a hint only: the chat goes on
  if (hint) process.stderr.write(`patent-bridge: chat: patent searches will find nothing: ${hint}\n`);
  rl.setPrompt('> ');
  rl.prompt();
  try {
    // Iterating the interface (not rl.question) keeps lines that arrive while a reply is computed.
    for await (const line of rl) {
      const n = /^\s*(\d{1,2})\s*$/.exec(line);
      const action = n ? choices[Number(n[1]) - 1] : undefined;
      choices = [];
      try {
        const res = await s.pipeline.handle({
          platform: 'cli',
          conversation: 'private',
          updateId: randomUUID(),
          userId: session,
          chatId: session,
          ...(action ? { action } : { text: line }),
          receivedAt: new Date(),
        });
        process.stdout.write(renderTerminal(res.replies, choices) + '\n');
      } catch (err) {
        if (!(err instanceof PipelineError)) throw err;
        process.stdout.write((err.locale === 'en' ? 'Something went wrong; please try again.' : '出错了，请稍后再试。') + '\n');
      }
      rl.prompt();
    }
  } finally {
    rl.close();
    await s.close();
  }
  return 0;
}
