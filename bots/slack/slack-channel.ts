/**
 * The Slack channel on Bolt. `POST /slack/events` (events, interactivity and the /patent command on
 * one URL) is verified on the raw body, recorded in the inbox, and acknowledged at once; Slack's
 * retries and duplicate event ids are recorded once and so answered once. With an app-level token
 * the same payloads also arrive over Socket Mode (slack-socket.ts) and take the same path (`accept`).
 * A worker then feeds each payload to Bolt (`app.processEvent`), whose middleware maps it and runs the pipeline.
 */
import { App, LogLevel, type Logger as BoltLogger, type Receiver } from '@slack/bolt';
import type { Pipeline } from '../../src/core/pipeline.js';
import { t } from '../../src/core/strings.js';
import type { InboxRow, InboxStore } from '../../src/services/inbox-store.js';
import { InboxWorker } from '../../src/services/inbox-worker.js';
import type { Logger } from '../../src/util/log.js';
import type { Metrics } from '../../src/util/metrics.js';
import { renderSlack, type SlackOut } from './slack-blocks.js';
import { mapSlack, slackChatId, slackStorable, slackUpdateId, type SlackTarget } from './slack-map.js';
import { SlackSender } from './slack-sender.js';
import { verifySlackSignature } from './slack-signature.js';
import { SlackSocket } from './slack-socket.js';
import type { Reply } from '../../src/core/types.js';
import { OutletError, type Outlet } from '../../src/services/outlet.js';
import { answerUpdate } from '../../src/core/answer-update.js';

export const EVENTS_PATH = '/slack/events';

export interface SlackChannelOptions {
  token: string;
  /** For POST /slack/events; without it every HTTP request is refused (Socket Mode only). */
  signingSecret?: string;
  /** An app-level token (`xapp-…`): payloads also arrive over Socket Mode. */
  appToken?: string;
  apiUrl: string;
  pipeline: Pipeline;
  inbox: InboxStore;
  log: Logger;
  sender?: ConstructorParameters<typeof SlackSender>[2];
  metrics?: Metrics;
  /** For the signature's timestamp window. */
  clock?: () => Date;
}

/** Our HTTP server owns the socket; Bolt only needs a receiver to exist. */
class MountedReceiver implements Receiver {
  init(): void {}
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
}

/** Bolt logs through ours, so its messages are redacted and structured like the rest. */
export function boltLogger(log: Logger): BoltLogger {
  let level = LogLevel.WARN;
  const fmt = (args: unknown[]) => args.map((a) => (a instanceof Error ? a.message : typeof a === 'string' ? a : JSON.stringify(a))).join(' ').slice(0, 500);
  return {
    debug: () => {},
    info: () => {},
    warn: (...a: unknown[]) => log.warn(`bolt: ${fmt(a)}`),
    error: (...a: unknown[]) => log.error(`bolt: ${fmt(a)}`),
    setLevel: (l: LogLevel) => void (level = l),
    getLevel: () => level,
    setName: () => {},
  };
}

type Row = InboxRow & { payload: { body: Record<string, unknown> } };
/** What one pass of Bolt's middleware tells the worker: `taken` when another attempt stored replies first. */
type Turn = { taken: boolean };

export class SlackChannel {
  readonly app: App;
  private readonly sender: SlackSender;
  private readonly worker: InboxWorker;
  private readonly socket?: SlackSocket;
  private botUserId = '';

  constructor(private readonly o: SlackChannelOptions) {
    this.app = new App({
      token: o.token,
      receiver: new MountedReceiver(),
      deferInitialization: true,
      logger: boltLogger(o.log),
      clientOptions: { slackApiUrl: o.apiUrl, timeout: 20_000, retryConfig: { retries: 3, factor: 1.5, minTimeout: 200, maxTimeout: 5000 } },
    });
    this.sender = new SlackSender(this.app.client, o.log, o.sender);
    this.worker = new InboxWorker(o.inbox, 'slack', (row) => this.handleRow(row as Row), o.log);
    if (o.appToken) {
      this.socket = new SlackSocket({ appToken: o.appToken, apiUrl: o.apiUrl, log: o.log, logger: boltLogger(o.log), record: async (body) => (await this.accept(body)).status < 500 });
    }
    // Every payload the worker hands to Bolt ends here; the row travels in the context.
    this.app.use(async ({ body, context }) => {
      await this.answer(body as Record<string, unknown>, context.row as Row, context.turn as Turn);
    });
  }

  async start(): Promise<void> {
    await this.app.init();
    const auth = await this.app.client.auth.test();
    this.botUserId = String(auth.user_id ?? '');
    await this.socket?.start();
    this.worker.start();
    this.o.log.info('slack channel started', { team: auth.team_id, socketMode: !!this.socket });
  }

  async stop(): Promise<void> {
    await this.socket?.stop();
    await this.worker.stop();
  }

  /** A message the platform sends on its own (a reminder), as a DM: posting to a user id opens it. */
  async push(userId: string, text: string): Promise<boolean> {
    let ok = true;
    for (const out of renderSlack([{ text }])) ok = (await this.sender.send({ kind: 'channel', channel: userId }, out)) === 'sent' && ok;
    return ok;
  }

  /** Lead notices in agency channels: posted, then edited in place with chat.update. */
  readonly outlet: Outlet = {
    send: async (channel: string, reply: Reply) => {
      const [out] = renderSlack([reply]);
      const r = await this.sender.post({ kind: 'channel', channel }, out!);
      this.o.metrics?.deliveries.inc({ platform: 'slack', result: r.result });
      if (r.result !== 'sent' || !r.ts) throw new OutletError(`Slack ${r.result} the message`, true);
      return r.ts;
    },
    edit: async (channel: string, ts: string, reply: Reply) => {
      const [out] = renderSlack([reply]);
      await this.app.client.chat.update({ channel, ts, text: out!.text, blocks: out!.blocks });
    },
    post: async (channel: string, reply: Reply) => {
      const [out] = renderSlack([reply]);
      const { result } = await this.sender.post({ kind: 'channel', channel }, out!);
      this.o.metrics?.deliveries.inc({ platform: 'slack', result });
      return result;
    },
  };

  /** Verify, record, acknowledge. Nothing slow happens before the answer; a failure to record is a 5xx so Slack retries. */
  async handleRequest(req: Request): Promise<Response> {
    const bytes = new Uint8Array(await req.arrayBuffer());
    const check = verifySlackSignature({
      signingSecret: this.o.signingSecret ?? '',
      body: bytes,
      signature: req.headers.get('x-slack-signature'),
      timestamp: req.headers.get('x-slack-request-timestamp'),
      now: (this.o.clock ?? (() => new Date()))(),
    });
    if (!check.ok) return json(401, { error: { code: 'BAD_SIGNATURE', message: 'missing, invalid or stale Slack signature' } });
    let raw: string;
    try {
      raw = new TextDecoder('utf-8', { fatal: true }).decode(bytes); // a leading BOM is dropped
    } catch {
      return json(400, { error: { code: 'BAD_ENCODING', message: 'body is not UTF-8' } });
    }
    let body: Record<string, unknown>;
    try {
      body = parseBody(raw, req.headers.get('content-type') ?? '');
    } catch {
      return json(400, { error: { code: 'BAD_BODY', message: 'body is neither JSON nor a Slack form payload' } });
    }
    if (body.type === 'url_verification') return json(200, { challenge: String(body.challenge ?? '') });
    if (body.ssl_check) return new Response(null, { status: 200 });
    return this.accept(body);
  }

  /** Records one payload (HTTP or Socket Mode) in the inbox: 200 once stored or not ours to act on, 503 when it could not be stored. */
  async accept(body: Record<string, unknown>): Promise<Response> {
    const id = slackUpdateId(body);
    if (!id) return new Response(null, { status: 200 }); // a payload we do not act on
    try {
      await this.o.inbox.accept('slack', id, slackChatId(body) ?? null, { body: slackStorable(body) });
    } catch (err) {
      this.o.log.error('slack payload not recorded', { err });
      return json(503, { error: { code: 'NOT_RECORDED', message: 'payload could not be stored; retry' } });
    }
    this.worker.kick();
    return new Response(null, { status: 200 });
  }

  private async handleRow(row: Row): Promise<void> {
    try {
      if (row.replies) await this.deliver(row, row.replies as { target: SlackTarget; out: SlackOut }[]);
      else {
        const turn: Turn = { taken: false };
        await this.app.processEvent({ body: row.payload.body, ack: async () => {}, customProperties: { row, turn } });
        if (turn.taken) return;
      }
      await this.o.inbox.markDone(row);
    } catch (err) {
      const outcome = await this.o.inbox.markFailed(row, err instanceof Error ? `${err.name}: ${err.message}` : String(err)).catch(() => 'retry');
      this.o.log.error('slack payload failed', { updateId: row.updateId, attempts: row.attempts, outcome, err });
    }
  }

  /** Runs inside Bolt's middleware chain for one inbox row. */
  private async answer(body: Record<string, unknown>, row: Row, turn: Turn): Promise<void> {
    const mapped = mapSlack(body, this.botUserId);
    if (mapped.kind === 'ignore') return;
    let planned: { target: SlackTarget; out: SlackOut }[];
    let state: Awaited<ReturnType<typeof answerUpdate>>['state'];
    if (mapped.kind === 'expired-button') {
      planned = renderSlack([{ text: `${t('zh', 'buttonExpired')} / ${t('en', 'buttonExpired')}` }]).map((out) => ({ target: mapped.target, out }));
    } else {
      // The row is the dedupe: it is keyed by slackUpdateId, the id the pipeline sees (event_id for
      // events, the trigger for commands and buttons), and Slack retries a delivery at most 3 times
      // (at once, after 1 min, after 5 min) while a finished row is kept 7 days (InboxStore.prune).
      const res = await answerUpdate(this.o.pipeline, mapped.msg, row.attempts, { inbox: true });
      planned = renderSlack(res.replies).map((out) => ({ target: mapped.target, out }));
      state = res.state;
    }
    if ((await this.o.inbox.saveReplies(row, planned, state)) === 'taken') return void (turn.taken = true);
    await this.deliver({ ...row, sent: 0 }, planned);
  }

  private async deliver(row: Row, planned: { target: SlackTarget; out: SlackOut }[]): Promise<void> {
    for (let i = row.sent; i < planned.length; i++) {
      const result = await this.sender.send(planned[i]!.target, planned[i]!.out);
      this.o.metrics?.deliveries.inc({ platform: 'slack', result });
      await this.o.inbox.markSent(row, i + 1);
      if (result === 'unreachable') break;
    }
  }
}

/** A JSON object (events) or a form (commands; interactivity as its `payload` field); anything else throws. */
function parseBody(raw: string, contentType: string): Record<string, unknown> {
  if (contentType.includes('application/json')) return jsonObject(raw);
  const form = Object.fromEntries(new URLSearchParams(raw));
  if (typeof form.payload === 'string') return jsonObject(form.payload);
  if (Object.keys(form).length === 0) throw new Error('empty body');
  return form;
}

function jsonObject(raw: string): Record<string, unknown> {
  const v: unknown = JSON.parse(raw);
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not a JSON object');
  return v as Record<string, unknown>;
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}
