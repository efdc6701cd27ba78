/**
 * Slack's request signature (v0), checked on the bytes as they arrived: `v0=` + hex HMAC-SHA256 of
 * `v0:<timestamp>:<raw body>` with the signing secret, compared in constant time. The timestamp must
 * be within ±5 minutes of our clock either way (a request "from the future" is as replayable as an
 * old one). Decoding comes after: a BOM or invalid UTF-8 is the body handler's problem, not a reason
 * to call a correctly signed request forged.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_WINDOW_SECONDS = 5 * 60;

export type SignatureCheck = { ok: true } | { ok: false; reason: 'missing' | 'stale' | 'mismatch' };

export function verifySlackSignature(o: {
  signingSecret: string;
  body: Uint8Array;
  signature: string | null;
  timestamp: string | null;
  now: Date;
}): SignatureCheck {
  if (!o.signingSecret || !o.signature || !o.timestamp || !/^\d{1,12}$/.test(o.timestamp)) return { ok: false, reason: 'missing' };
  const skew = Math.abs(o.now.getTime() / 1000 - Number(o.timestamp));
  if (skew > SIGNATURE_WINDOW_SECONDS) return { ok: false, reason: 'stale' };
  const expected = Buffer.from(
    `v0=${createHmac('sha256', o.signingSecret).update(`v0:${o.timestamp}:`).update(o.body).digest('hex')}`,
  );
  const given = Buffer.from(o.signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'mismatch' };
  return { ok: true };
}
