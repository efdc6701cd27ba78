/** The port-finding step the scripts and tests that spawn a server share. */
import { createServer } from 'node:net';

/** A port nobody listens on right now (the child binds it a moment later). */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}
