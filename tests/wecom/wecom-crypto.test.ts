import { createCipheriv } from 'node:crypto';
import * as oracle from '@wecom/crypto';
import { describe, expect, it } from 'vitest';
import { WecomCrypto, WecomCryptoError, signature } from '../../bots/wecom/wecom-crypto.js';

const KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';
const CORP = 'wwcorp123';
const NOW = new Date(1_700_000_000_000);
const crypto = (o: Partial<ConstructorParameters<typeof WecomCrypto>[0]> = {}) => new WecomCrypto({ token: 'tok', encodingAesKey: KEY, receiveId: CORP, clock: () => NOW, ...o });

// Made once with @wecom/crypto: encrypt(KEY, '<xml><Content>你好</Content></xml>', CORP, 16 × 0x07) and getSignature('tok', '1700000000', 'nonce1', …).
const FIXTURE = 'q0ysNi5GBe4lFFBIAtQxbFYkw/+xp0nVHayePFkjeIRt7vV32mWf5MTf9UaWBFDx/p2+IBZPfmzCBZeJxBDdZAqSJmaOiD0zzPYhAix/z3kz0+/9tjSrohthOecfyTaJ';
const FIXTURE_SIG = '8ef9d3a43be8f02ef5c409976cb9e06a8444a779';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof WecomCryptoError) return err.code;
    throw err;
  }
  return undefined;
}

/** Encrypts arbitrary bytes (already padded by the caller) with the key, to forge bad plaintexts. */
function rawEncrypt(plain: Buffer): string {
  const key = Buffer.from(`${KEY}=`, 'base64');
  const c = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  c.setAutoPadding(false);
  return Buffer.concat([c.update(plain), c.final()]).toString('base64');
}

describe('WeCom callback crypto', () => {
  it('decrypts and verifies the fixed fixture', () => {
    expect(crypto().open(FIXTURE_SIG, '1700000000', 'nonce1', FIXTURE)).toBe('<xml><Content>你好</Content></xml>');
  });

  it('produces the fixture byte for byte with the same random prefix', () => {
    expect(crypto().encrypt('<xml><Content>你好</Content></xml>', Buffer.alloc(16, 7))).toBe(FIXTURE);
    expect(signature('tok', '1700000000', 'nonce1', FIXTURE)).toBe(FIXTURE_SIG);
  });

  it('agrees with @wecom/crypto both ways, for lengths around the 32-byte block', () => {
    for (const n of [0, 1, 11, 12, 13, 31, 32, 33, 100, 2048]) {
      const msg = '企'.repeat(n % 7) + 'x'.repeat(n);
      expect(crypto().decrypt(oracle.encrypt(KEY, msg, CORP))).toBe(msg);
      const ours = crypto().encrypt(msg);
      expect(oracle.decrypt(KEY, ours)).toMatchObject({ message: msg, id: CORP });
      expect(crypto().sign('1700000001', `n${n}`, ours)).toBe(oracle.getSignature('tok', '1700000001', `n${n}`, ours));
    }
  });

  it('refuses a bad signature, in constant-time comparison, with BAD_SIGNATURE', () => {
    expect(code(() => crypto().open(FIXTURE_SIG.replace(/^8/, '9'), '1700000000', 'nonce1', FIXTURE))).toBe('BAD_SIGNATURE');
    expect(code(() => crypto().open('', '1700000000', 'nonce1', FIXTURE))).toBe('BAD_SIGNATURE');
    expect(code(() => crypto({ token: 'other' }).open(FIXTURE_SIG, '1700000000', 'nonce1', FIXTURE))).toBe('BAD_SIGNATURE');
  });

  it('refuses a timestamp outside the window', () => {
    const late = crypto({ clock: () => new Date(NOW.getTime() + 301_000) });
    expect(code(() => late.open(FIXTURE_SIG, '1700000000', 'nonce1', FIXTURE))).toBe('STALE_TIMESTAMP');
    expect(code(() => crypto({ clock: () => new Date(NOW.getTime() + 299_000) }).open(FIXTURE_SIG, '1700000000', 'nonce1', FIXTURE))).toBeUndefined();
  });

  it('refuses a message meant for another corp with WRONG_RECEIVE_ID', () => {
    expect(code(() => crypto().decrypt(oracle.encrypt(KEY, '<xml/>', 'wwother')))).toBe('WRONG_RECEIVE_ID');
    // An AI bot's empty receive id is not ours either.
    expect(code(() => crypto().decrypt(oracle.encrypt(KEY, '<xml/>', '')))).toBe('WRONG_RECEIVE_ID');
  });

  it('refuses tampered ciphertext, bad padding and bad lengths', () => {
    const bytes = Buffer.from(FIXTURE, 'base64');
    bytes[bytes.length - 1]! ^= 0x55; // flips the last block's plaintext: the padding breaks
    expect(code(() => crypto().decrypt(bytes.toString('base64')))).toBe('BAD_PADDING');
    expect(code(() => crypto().decrypt(FIXTURE.slice(0, 40)))).toBe('BAD_CIPHERTEXT');
    expect(code(() => crypto().decrypt('not base64!'))).toBe('BAD_CIPHERTEXT');
    expect(code(() => crypto().decrypt(''))).toBe('BAD_CIPHERTEXT');
    // 16-byte padding where WeCom pads to 32: a valid PKCS#7 for AES, still refused when a byte of it differs.
    const body = Buffer.concat([Buffer.alloc(16), Buffer.from([0, 0, 0, 2]), Buffer.from('hi'), Buffer.from(CORP)]);
    const padded = Buffer.concat([body, Buffer.alloc(64 - body.length - 1, 7), Buffer.from([33])]);
    expect(code(() => crypto().decrypt(rawEncrypt(padded)))).toBe('BAD_PADDING');
    const longer = Buffer.concat([body, Buffer.from('123456789')]); // 40 bytes: 24 bytes of padding
    const mixed = Buffer.concat([longer, Buffer.alloc(24, 24)]);
    mixed[mixed.length - 5] = 9;
    expect(code(() => crypto().decrypt(rawEncrypt(mixed)))).toBe('BAD_PADDING');
    // A declared length past the end of the plaintext.
    const long = Buffer.concat([Buffer.alloc(16), Buffer.from([0, 0, 1, 0]), Buffer.from('hi')]);
    expect(code(() => crypto().decrypt(rawEncrypt(Buffer.concat([long, Buffer.alloc(32 - long.length, 32 - long.length)]))))).toBe('BAD_LENGTH');
  });

  it('refuses an EncodingAESKey that is not 43 base64 characters', () => {
    expect(code(() => crypto({ encodingAesKey: KEY.slice(1) }))).toBe('BAD_AES_KEY');
    expect(code(() => crypto({ encodingAesKey: `${KEY.slice(1)}!` }))).toBe('BAD_AES_KEY');
  });
});
