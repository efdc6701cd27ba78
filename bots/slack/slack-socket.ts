/**
 * Slack Socket Mode (SLACK_APP_TOKEN, `xapp-…` with connections:write): for a Slack app that cannot
 * get a public URL. The client opens a WebSocket from `apps.connections.open` and reconnects when
 * Slack asks or the connection drops. Each envelope (events, interactivity, slash commands) goes
 * to `record` — the same inbox and dedupe path as POST /slack/events — and is acknowledged only
 * after that has stored it, as the HTTP 200 is; an envelope that could not be stored is left
 * unacknowledged, so Slack delivers it again. Redeliveries carry the same event id or trigger id
 * and are recorded once.
 */
import { SocketModeClient } from '@slack/socket-mode';
import type { Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from '../../src/util/log.js';

const ENVELOPES = new Set(['events_api', 'interactive', 'slash_commands']);

export interface SlackSocketOptions {
  appToken: string;
  apiUrl: string;
  log: Logger;
  logger: SlackLogger;
  /** Stores one payload; resolves true once it is stored (or deliberately ignored), false when it could not be. */
  record: (body: Record<string, unknown>) => Promise<boolean>;
}

export class SlackSocket {
  private readonly client: SocketModeClient;

  constructor(private readonly o: SlackSocketOptions) {
    this.client = new SocketModeClient({
      appToken: o.appToken,
      logger: o.logger,
      clientOptions: { slackApiUrl: o.apiUrl, timeout: 20_000, retryConfig: { retries: 10, factor: 1.5, minTimeout: 500, maxTimeout: 30_000 } },
    });
    this.client.on('slack_event', (e: { ack: () => Promise<void>; type: string; body: unknown; envelope_id: string }) => void this.onEnvelope(e));
  }

  /** Resolves once Slack has said hello on the first connection. */
  async start(): Promise<void> {
    await this.client.start();
  }

  async stop(): Promise<void> {
    await this.client.disconnect();
  }

  private async onEnvelope(e: { ack: () => Promise<void>; type: string; body: unknown; envelope_id: string }): Promise<void> {
    const body = e.body;
    const usable = ENVELOPES.has(e.type) && typeof body === 'object' && body !== null && !Array.isArray(body);
    let stored = true;
    if (usable) {
      stored = await this.o.record(body as Record<string, unknown>).catch((err: unknown) => {
        this.o.log.error('slack envelope not recorded', { type: e.type, err });
        return false;
      });
    }
    // Not stored: no ack, so Slack redelivers. Anything we do not act on is acknowledged so it stops.
    if (!stored) return;
    await e.ack().catch((err: unknown) => this.o.log.warn('slack envelope recorded but not acknowledged; Slack will redeliver it (recorded once)', { type: e.type, err }));
  }
}
