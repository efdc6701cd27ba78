/**
 * The Stream-mode connection the DingTalk channel holds (dingtalk-channel.ts), as the SDK's DWClient
 * with what the channel needs changed: our gateway URL, defensive frame parsing, the reason a
 * connect failed, and a promise for the socket's close (the channel supervises reconnects itself).
 */
import { DWClient, type DWClientDownStream } from 'dingtalk-stream';
import type { WebSocket } from 'ws';

/**
 * DWClient with the gateway URL taken from our configuration (2.1.5 hard-codes api.dingtalk.com and
 * overwrites `endpoint`), frames parsed defensively, and a hook on every socket it opens.
 */
export class DingTalkStreamClient extends DWClient {
  lastError = '';
  closed?: Promise<void>;

  constructor(
    opts: { clientId: string; clientSecret: string },
    private readonly gateway: string,
    private readonly onMalformed: (why: string) => void,
  ) {
    super({ ...opts, keepAlive: true });
    // The SDK's reconnect loop is replaced by the channel's supervision.
    (this.config as { autoReconnect?: boolean }).autoReconnect = false;
  }

  override async getEndpoint(): Promise<this> {
    const res = await fetch(`${this.gateway}/v1.0/gateway/connections/open`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ clientId: this.config.clientId, clientSecret: this.config.clientSecret, ua: 'patent-bridge', subscriptions: this.config.subscriptions }),
      signal: AbortSignal.timeout(20_000),
    }).catch((err: Error) => {
      this.lastError = `gateway unreachable: ${err.message}`;
      throw err;
    });
    const body = (await res.json().catch(() => ({}))) as { endpoint?: string; ticket?: string; code?: string };
    if (!res.ok || !body.endpoint || !body.ticket) {
      this.lastError = `gateway answered ${res.status} ${body.code ?? ''}`.trim();
      throw new Error(this.lastError);
    }
    (this as unknown as { dw_url: string }).dw_url = `${body.endpoint}?ticket=${encodeURIComponent(body.ticket)}`;
    return this;
  }

  override async _connect(): Promise<void> {
    await super._connect().catch((err: Error) => {
      this.lastError = `WebSocket failed: ${err.message}`;
      throw err;
    });
    const ws = (this as unknown as { socket?: WebSocket }).socket;
    this.closed = ws ? new Promise((resolve) => ws.once('close', () => resolve())) : Promise.resolve();
  }

  override onDownStream(data: string): void {
    try {
      const frame = JSON.parse(String(data)) as Partial<DWClientDownStream> | null;
      if (!frame || typeof frame !== 'object' || typeof frame.type !== 'string' || typeof frame.headers !== 'object' || frame.headers === null) throw new Error('not a frame');
      super.onDownStream(String(data));
    } catch (err) {
      this.onMalformed(err instanceof Error ? err.message : String(err));
    }
  }

  override onSystem(downstream: DWClientDownStream): void {
    super.onSystem(downstream);
    // DingTalk announces a gateway restart; reconnect now instead of waiting for it to close us.
    if (downstream.headers.topic === 'disconnect') (this as unknown as { socket?: WebSocket }).socket?.close();
  }
}
