/**
 * Slack's Socket Mode side of the fake (tests/support/fake-slack.ts wires it in): `apps.connections.open`
 * (app-level token `xapp-…` only) answers a `ws://127.0.0.1:PORT/link/?ticket=…` URL on the same
 * server, where a real WebSocket (package `ws`) greets with `{type:'hello'}` and then carries
 * envelopes `{ envelope_id, type: 'events_api' | 'interactive' | 'slash_commands', payload,
 * retry_attempt, retry_reason, accepts_response_payload }`. The app acknowledges each by sending
 * `{ envelope_id, payload? }` back; Slack redelivers an envelope that is not acknowledged in time.
 *
 *   const ack = await fake.socket.deliver({ type: 'events_api', payload: JSON.parse(eventBody(...)) });
 *   fake.socket.acks  // every acknowledgement, with the time it arrived
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

export type EnvelopeType = 'events_api' | 'interactive' | 'slash_commands';

export interface Envelope {
  envelope_id?: string;
  type: EnvelopeType;
  payload: Record<string, unknown>;
  retry_attempt?: number;
  retry_reason?: string;
}

export interface SocketAck {
  envelope_id: string;
  payload?: unknown;
  /** Date.now() when it arrived. */
  at: number;
}

export interface FakeSlackSocket {
  /** Open connections (those that were sent `hello`). */
  connections(): number;
  /** Resolves once at least `count` (default 1) connections are open. */
  waitForConnection(count?: number, timeoutMs?: number): Promise<void>;
  /**
   * Sends one envelope on the newest connection (a fresh envelope_id unless given) and resolves with
   * its acknowledgement; rejects after `timeoutMs` (default 5000) without one.
   */
  deliver(envelope: Envelope, timeoutMs?: number): Promise<SocketAck>;
  /** Every acknowledgement received, in order (unknown envelope ids included). */
  acks: SocketAck[];
  /** Asks every connection to reconnect, as Slack does before recycling a server. */
  requestReconnect(): void;
}

export interface SocketModeServer extends FakeSlackSocket {
  /** A URL for apps.connections.open. */
  url(): string;
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): void;
}

export function createSocketModeServer(base: () => string, appId: string): SocketModeServer {
  const wss = new WebSocketServer({ noServer: true });
  const tickets = new Set<string>();
  const open: WebSocket[] = [];
  const acks: SocketAck[] = [];
  const pending = new Map<string, (ack: SocketAck) => void>();
  const connectWaiters = new Set<() => void>();

  const onConnection = (ws: WebSocket): void => {
    open.push(ws);
    ws.on('message', (data) => {
      let msg: unknown;
      try {
        msg = JSON.parse(String(data));
      } catch {
        return;
      }
      if (typeof msg !== 'object' || msg === null || typeof (msg as { envelope_id?: unknown }).envelope_id !== 'string') return;
      const m = msg as { envelope_id: string; payload?: unknown };
      const ack: SocketAck = { envelope_id: m.envelope_id, ...(m.payload !== undefined ? { payload: m.payload } : {}), at: Date.now() };
      acks.push(ack);
      pending.get(m.envelope_id)?.(ack);
      pending.delete(m.envelope_id);
    });
    ws.on('close', () => open.splice(open.indexOf(ws) >>> 0, 1));
    ws.send(JSON.stringify({ type: 'hello', num_connections: open.length, debug_info: { host: 'fake-slack', approximate_connection_time: 18060 }, connection_info: { app_id: appId } }));
    for (const w of [...connectWaiters]) w();
  };

  return {
    url() {
      const ticket = randomUUID();
      tickets.add(ticket);
      return `${base().replace(/^http/, 'ws')}/link/?ticket=${ticket}&app_id=${appId}`;
    },
    handleUpgrade(req, socket, head) {
      const u = new URL(req.url ?? '/', 'http://127.0.0.1');
      const ticket = u.searchParams.get('ticket') ?? '';
      // A ticket is good for one connection, as Slack's are.
      if (u.pathname !== '/link/' || !tickets.delete(ticket)) {
        socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, onConnection);
    },
    connections: () => open.length,
    waitForConnection(count = 1, timeoutMs = 5000) {
      if (open.length >= count) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          connectWaiters.delete(check);
          reject(new Error(`fake Slack socket: ${open.length} connection(s) after ${timeoutMs} ms, wanted ${count}`));
        }, timeoutMs);
        const check = () => {
          if (open.length < count) return;
          connectWaiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        connectWaiters.add(check);
      });
    },
    deliver(envelope, timeoutMs = 5000) {
      const ws = open.at(-1);
      if (!ws) return Promise.reject(new Error('fake Slack socket: no connection to deliver on'));
      const id = envelope.envelope_id ?? randomUUID();
      const accepts = envelope.type !== 'events_api';
      return new Promise<SocketAck>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`fake Slack socket: envelope ${id} not acknowledged within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, (ack) => {
          clearTimeout(timer);
          resolve(ack);
        });
        ws.send(JSON.stringify({ accepts_response_payload: accepts, retry_attempt: 0, retry_reason: '', ...envelope, envelope_id: id }));
      });
    },
    acks,
    requestReconnect() {
      for (const ws of open) ws.send(JSON.stringify({ type: 'disconnect', reason: 'refresh_requested', debug_info: { host: 'fake-slack' } }));
    },
    close() {
      for (const ws of [...open]) ws.terminate();
      wss.close();
    },
  };
}
