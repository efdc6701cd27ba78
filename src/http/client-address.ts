/**
 * The address a request came from, for per-address limits. Without a trusted proxy it is the
 * socket's peer, and X-Forwarded-For is ignored (anyone can send it). With TRUSTED_PROXY:
 * - a number N: that many reverse proxies stand in front of the service; the socket's peer is the
 *   last of them, and the client is the address the first one saw (N-th entry of X-Forwarded-For
 *   counted from the right);
 * - a list of addresses or subnets (`10.0.0.1, 192.168.0.0/16, fd00::/8`): hops are skipped from
 *   the socket's peer leftwards through X-Forwarded-For while they are in the list; the first
 *   address outside it is the client.
 * A malformed X-Forwarded-For entry stops the walk at the last trusted address.
 */
import { BlockList, isIP } from 'node:net';
import type { Context } from 'hono';

export type TrustedProxy = { hops: number } | { list: string[] } | undefined;

/** For config.ts: '' → none, '2' → two hops, 'a, b/24' → those proxies; undefined when malformed. */
export function parseTrustedProxy(raw: string | undefined): { ok: true; value: TrustedProxy } | { ok: false } {
  const s = (raw ?? '').trim();
  if (!s) return { ok: true, value: undefined };
  if (/^\d+$/.test(s)) {
    const hops = Number(s);
    return hops >= 0 && hops <= 10 ? { ok: true, value: hops === 0 ? undefined : { hops } } : { ok: false };
  }
  const list = s.split(',').map((x) => x.trim());
  for (const entry of list) {
    const [addr, bits, ...rest] = entry.split('/');
    const v = isIP(addr ?? '');
    if (!v || rest.length || (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= (v === 4 ? 32 : 128)))) return { ok: false };
  }
  return { ok: true, value: { list } };
}

const strip = (a: string) => (a.startsWith('::ffff:') && isIP(a.slice(7)) === 4 ? a.slice(7) : a);

export function clientAddressResolver(trusted: TrustedProxy): (c: Context) => string {
  let blocks: BlockList | undefined;
  if (trusted && 'list' in trusted) {
    blocks = new BlockList();
    for (const entry of trusted.list) {
      const [addr, bits] = entry.split('/') as [string, string | undefined];
      const type = isIP(addr) === 6 ? 'ipv6' : 'ipv4';
      if (bits === undefined) blocks.addAddress(addr, type);
      else blocks.addSubnet(addr, Number(bits), type);
    }
  }
  const isTrusted = (a: string) => !!blocks && blocks.check(a, isIP(a) === 6 ? 'ipv6' : 'ipv4');
  return (c) => {
    const peer = strip((c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress ?? 'unknown');
    if (!trusted || peer === 'unknown') return peer;
    const chain = (c.req.header('x-forwarded-for') ?? '')
      .split(',')
      .map((x) => strip(x.trim()))
      .filter(Boolean)
      .reverse();
    // hops: [peer, ...chain][hops] is the client; list: skip trusted hops from the peer on.
    const hops = [peer, ...chain];
    if ('hops' in trusted) {
      for (let i = 1; i <= trusted.hops && i < hops.length; i++) if (!isIP(hops[i]!)) return hops[i - 1]!;
      return hops[Math.min(trusted.hops, hops.length - 1)]!;
    }
    let i = 0;
    while (i < hops.length - 1 && isTrusted(hops[i]!) && isIP(hops[i + 1]!)) i++;
    return hops[i]!;
  };
}

export type AddressEnv = { Variables: { clientAddress: string } };

/** The client address the HTTP app's first middleware resolved for this request ('unknown' without a socket). */
export const addressOf = (c: Context): string => (c as unknown as Context<AddressEnv>).get('clientAddress') ?? 'unknown';
