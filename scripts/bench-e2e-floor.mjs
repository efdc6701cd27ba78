/**
 * The framework floor for `npm run bench:e2e`: a telegraf bot that only echoes, served as a webhook
 * on node:http, talking to the bench's fake Bot API. Run as a child of the bench (plain node, no
 * tsx): FLOOR_TOKEN, FLOOR_API_ROOT, FLOOR_SECRET, FLOOR_PATH; prints "listening <port>".
 */
import { createServer } from 'node:http';
import { Telegraf } from 'telegraf';

const { FLOOR_TOKEN, FLOOR_API_ROOT, FLOOR_SECRET, FLOOR_PATH = '/telegram/webhook' } = process.env;
const bot = new Telegraf(FLOOR_TOKEN, { telegram: { apiRoot: FLOOR_API_ROOT, webhookReply: false } });
bot.on('text', (ctx) => ctx.reply(ctx.message.text));
bot.botInfo = await bot.telegram.getMe();
const server = createServer(bot.webhookCallback(FLOOR_PATH, { secretToken: FLOOR_SECRET }));
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
