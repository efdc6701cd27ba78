import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';

describe('loadConfig', () => {
  it('wants the whole WeCom set once WECOM_CORP_ID is given, naming what is missing', () => {
    const key = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';
    const base = { WECOM_CORP_ID: 'wwcorp1', WECOM_TOKEN: 'tok', WECOM_ENCODING_AES_KEY: key };
    expect(() => loadConfig({ WECOM_CORP_ID: 'wwcorp1' })).toThrow(/WECOM_TOKEN/);
    expect(() => loadConfig(base)).toThrow(/WECOM_APP_SECRET/);
    expect(() => loadConfig({ ...base, WECOM_APP_SECRET: 's' })).toThrow(/WECOM_AGENT_ID/);
    expect(() => loadConfig({ ...base, WECOM_KF_SECRET: 's' })).toThrow(/WECOM_KF_OPEN_KFID/);
    expect(() => loadConfig({ ...base, WECOM_ENCODING_AES_KEY: key.slice(1), WECOM_KF_SECRET: 's', WECOM_KF_OPEN_KFID: 'wk1' })).toThrow(/WECOM_ENCODING_AES_KEY/);
    const c = loadConfig({ ...base, WECOM_KF_SECRET: 's', WECOM_KF_OPEN_KFID: 'wkABC' });
    expect(c.WECOM_API_URL).toBe('https://qyapi.weixin.qq.com');
    expect(c.WECOM_MEMBER_PER_MINUTE).toBe(30);
  });

  it('defaults to the embedded mode on port 3000', () => {
    const c = loadConfig({}, '/srv/app');
    expect(c.PORT).toBe(3000);
    expect(c.HOST).toBe('127.0.0.1');
    expect(c.dataDir).toBe('/srv/app/data');
    expect(c.embeddedDb).toBe(true);
    expect(c.embeddedSearch).toBe(true);
  });

  it('fails fast naming the variable, without echoing its value', () => {
    try {
      loadConfig({ DATABASE_URL: 'nonsense-secret-value' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).variable).toBe('DATABASE_URL');
      expect((err as Error).message).toMatch(/^DATABASE_URL: /);
      expect((err as Error).message).not.toContain('nonsense-secret-value');
    }
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/^PORT: /);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/^LOG_LEVEL: /);
    expect(() => loadConfig({ MEILI_URL: 'http://127.0.0.1:7700' })).toThrow(/^MEILI_MASTER_KEY: /);
  });

  it('switches to server mode when URLs are given', () => {
    const c = loadConfig({ DATABASE_URL: 'postgres://u@127.0.0.1:5432/test', MEILI_URL: 'http://127.0.0.1:7700', MEILI_MASTER_KEY: 'x'.repeat(16) });
    expect(c.embeddedDb).toBe(false);
    expect(c.embeddedSearch).toBe(false);
  });
});
