/**
 * WeCom's callback crypto (WXBizMsgCrypt), on node:crypto. The same scheme serves the self-built
 * app and 微信客服 callbacks:
 *  - msg_signature = SHA-1 of the sorted strings token, timestamp, nonce, encrypt, joined (hex);
 *    compared in constant time, and the timestamp must lie within `windowSeconds` of our clock;
 *  - AES-256-CBC with key = base64(EncodingAESKey + '='), IV = key[0..16], PKCS#7 padding to a
 *    32-byte block (not 16: WeCom pads to 32), checked byte by byte on the way in;
 *  - plaintext = random(16) ‖ length(4, big-endian) ‖ message ‖ receiveid. The receive id must equal
 *    ours (the corp id for apps): neither npm library checks it, WeCom's own code answers -40007.
 * Every refusal is a WecomCryptoError whose `code` says which check failed.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export type WecomCryptoCode =
  | 'BAD_AES_KEY'
  | 'BAD_SIGNATURE'
  | 'STALE_TIMESTAMP'
  | 'BAD_CIPHERTEXT'
  | 'BAD_PADDING'
  | 'BAD_LENGTH'
  | 'WRONG_RECEIVE_ID';

export class WecomCryptoError extends Error {
  constructor(
    readonly code: WecomCryptoCode,
    message: string,
  ) {
    super(`WeCom callback refused (${code}): ${message}`);
    this.name = 'WecomCryptoError';
  }
}

const BLOCK = 32;

export interface WecomCryptoOptions {
  token: string;
  /** The 43-character EncodingAESKey from the callback settings. */
  encodingAesKey: string;
  /** The corp id (self-built app and 微信客服). */
  receiveId: string;
  /** How far a callback's timestamp may be from our clock; WeCom retries within seconds, 5 minutes is generous. */
  windowSeconds?: number;
  clock?: () => Date;
}

export function signature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  return createHash('sha1').update([token, timestamp, nonce, encrypt].sort().join('')).digest('hex');
}

export class WecomCrypto {
  private readonly key: Buffer;
  private readonly iv: Buffer;
  private readonly windowSeconds: number;
  private readonly clock: () => Date;

  constructor(private readonly o: WecomCryptoOptions) {
    if (!/^[A-Za-z0-9+/]{43}$/.test(o.encodingAesKey)) throw new WecomCryptoError('BAD_AES_KEY', 'EncodingAESKey must be 43 characters of A-Z a-z 0-9 + /');
    this.key = Buffer.from(`${o.encodingAesKey}=`, 'base64');
    if (this.key.length !== 32) throw new WecomCryptoError('BAD_AES_KEY', 'EncodingAESKey does not decode to 32 bytes');
    this.iv = this.key.subarray(0, 16);
    this.windowSeconds = o.windowSeconds ?? 300;
    this.clock = o.clock ?? (() => new Date());
  }

  sign(timestamp: string, nonce: string, encrypt: string): string {
    return signature(this.o.token, timestamp, nonce, encrypt);
  }

  /** Signature (constant time) and timestamp window; throws WecomCryptoError. */
  verify(msgSignature: string, timestamp: string, nonce: string, encrypt: string): void {
    const want = Buffer.from(this.sign(timestamp, nonce, encrypt), 'hex');
    const got = /^[0-9a-f]{40}$/i.test(msgSignature) ? Buffer.from(msgSignature, 'hex') : Buffer.alloc(0);
    if (got.length !== want.length || !timingSafeEqual(got, want)) throw new WecomCryptoError('BAD_SIGNATURE', 'msg_signature does not match');
    const ts = /^\d{1,12}$/.test(timestamp) ? Number(timestamp) : NaN;
    const now = this.clock().getTime() / 1000;
    if (!Number.isFinite(ts) || Math.abs(now - ts) > this.windowSeconds) throw new WecomCryptoError('STALE_TIMESTAMP', `timestamp is more than ${this.windowSeconds} s from now`);
  }

  /** verify + decrypt: the plaintext message of an authentic callback. */
  open(msgSignature: string, timestamp: string, nonce: string, encrypt: string): string {
    this.verify(msgSignature, timestamp, nonce, encrypt);
    return this.decrypt(encrypt);
  }

  decrypt(encrypt: string): string {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encrypt)) throw new WecomCryptoError('BAD_CIPHERTEXT', 'ciphertext is not base64');
    const data = Buffer.from(encrypt, 'base64');
    if (data.length === 0 || data.length % BLOCK !== 0) throw new WecomCryptoError('BAD_CIPHERTEXT', `ciphertext is ${data.length} bytes, not a multiple of ${BLOCK}`);
    const decipher = createDecipheriv('aes-256-cbc', this.key, this.iv);
    decipher.setAutoPadding(false);
    const plain = Buffer.concat([decipher.update(data), decipher.final()]);
    const pad = plain[plain.length - 1]!;
    if (pad < 1 || pad > BLOCK || plain.subarray(plain.length - pad).some((b) => b !== pad)) throw new WecomCryptoError('BAD_PADDING', 'PKCS#7 padding is invalid (tampered ciphertext or wrong key)');
    const body = plain.subarray(0, plain.length - pad);
    if (body.length < 20) throw new WecomCryptoError('BAD_LENGTH', 'plaintext is shorter than its header');
    const len = body.readUInt32BE(16);
    if (20 + len > body.length) throw new WecomCryptoError('BAD_LENGTH', 'message length runs past the plaintext');
    const receiveId = body.subarray(20 + len).toString('utf8');
    if (receiveId !== this.o.receiveId) throw new WecomCryptoError('WRONG_RECEIVE_ID', 'receive id is not our corp id');
    return body.subarray(20, 20 + len).toString('utf8');
  }

  encrypt(message: string, random: Buffer = randomBytes(16)): string {
    const msg = Buffer.from(message, 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32BE(msg.length, 0);
    const body = Buffer.concat([random, len, msg, Buffer.from(this.o.receiveId, 'utf8')]);
    const pad = BLOCK - (body.length % BLOCK);
    const cipher = createCipheriv('aes-256-cbc', this.key, this.iv);
    cipher.setAutoPadding(false);
    return Buffer.concat([cipher.update(Buffer.concat([body, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64');
  }
}
