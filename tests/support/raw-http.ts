/**
 * HTTP/1.1 over a bare TCP socket, for tests that need what fetch hides: keep-alive reuse of one
 * connection, a body that is never finished, a request line with bytes fetch would refuse.
 */
import { connect, type Socket } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface RawConnection {
  socket: Socket;
  /** Resolves with the next complete response (Content-Length or chunked), or undefined when the socket ends first. */
  next(): Promise<RawResponse | undefined>;
  /** Resolves once the server has closed the connection. */
  closed: Promise<void>;
  write(data: string | Buffer): Promise<void>;
}

export async function openConnection(port: number): Promise<RawConnection> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let buf = Buffer.alloc(0);
  let ended = false;
  const waiters: (() => void)[] = [];
  const wake = () => waiters.splice(0).forEach((w) => w());
  socket.on('data', (d: Buffer) => ((buf = Buffer.concat([buf, d])), wake()));
  const closed = new Promise<void>((resolve) => socket.once('close', () => ((ended = true), wake(), resolve())));
  socket.on('error', () => {}); // a reset after the answer is one of the outcomes under test
  const parse = (): RawResponse | undefined => {
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const [statusLine, ...lines] = buf.subarray(0, end).toString('latin1').split('\r\n');
    const headers: Record<string, string> = {};
    for (const l of lines) headers[l.slice(0, l.indexOf(':')).toLowerCase()] = l.slice(l.indexOf(':') + 1).trim();
    const rest = buf.subarray(end + 4);
    let body: Buffer | undefined;
    let used = 0;
    if (headers['transfer-encoding'] === 'chunked') {
      const parts: Buffer[] = [];
      for (let at = 0; ; ) {
        const eol = rest.indexOf('\r\n', at);
        if (eol < 0) return undefined;
        const size = parseInt(rest.subarray(at, eol).toString(), 16);
        if (rest.length < eol + 2 + size + 2) return undefined;
        if (size === 0) {
          used = eol + 4;
          break;
        }
        parts.push(rest.subarray(eol + 2, eol + 2 + size));
        at = eol + 2 + size + 2;
      }
      body = Buffer.concat(parts);
    } else {
      const len = Number(headers['content-length'] ?? 0);
      if (rest.length < len) return undefined;
      body = rest.subarray(0, len);
      used = len;
    }
    buf = rest.subarray(used);
    return { status: Number(statusLine!.split(' ')[1]), headers, body: body.toString('utf8') };
  };
  return {
    socket,
    closed,
    async next() {
      for (;;) {
        const r = parse();
        if (r) return r;
        if (ended) return undefined;
        await new Promise<void>((w) => waiters.push(w));
      }
    },
    write: (data) => new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.write(data, () => resolve()))),
  };
}
