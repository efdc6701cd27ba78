/**
 * Feishu's HTTP callbacks, checked by us rather than the SDK (which re-serializes the parsed body
 * before hashing, compares with ===, has no time window and skips the check without an encrypt
 * key): X-Lark-Signature = sha256(timestamp + nonce + encryptKey + raw body), compared in constant
 * time, timestamp within ±5 minutes of our clock; the body `{ encrypt }` is AES-256-CBC with
 * key = sha256(encryptKey) and the IV in its first 16 bytes.
 */
import { createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_WINDOW_SECONDS = 300;

export function verifyFeishuSignature(raw: string, headers: Headers, encryptKey: string, now: Date): boolean {
  const ts = headers.get('x-lark-request-timestamp') ?? '';
  const nonce = headers.get('x-lark-request-nonce') ?? '';
  const given = headers.get('x-lark-signature') ?? '';
  if (!/^\d{1,12}$/.test(ts) || !nonce || !/^[0-9a-f]{64}$/i.test(given)) return false;
  if (Math.abs(now.getTime() / 1000 - Number(ts)) > SIGNATURE_WINDOW_SECONDS) return false;
  const want = createHash('sha256').update(ts + nonce + encryptKey + raw).digest();
  return timingSafeEqual(want, Buffer.from(given, 'hex'));
}

/** The decrypted text, or undefined when it does not decrypt (wrong key, corrupted, not base64). */
export function decryptFeishu(encrypt: string, encryptKey: string): string | undefined {
  try {
    const buf = Buffer.from(encrypt, 'base64');
    if (buf.length < 32 || buf.length % 16 !== 0) return undefined;
    const key = createHash('sha256').update(encryptKey).digest();
    const d = createDecipheriv('aes-256-cbc', key, buf.subarray(0, 16));
    return Buffer.concat([d.update(buf.subarray(16)), d.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
