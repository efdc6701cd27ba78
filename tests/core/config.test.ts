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

  it('takes Feishu by long connection by default and needs both secrets for HTTP events', () => {
    const app = { FEISHU_APP_ID: 'cli_a1b2c3d4e5f60718', FEISHU_APP_SECRET: 's' };
    expect(loadConfig(app)).toMatchObject({ FEISHU_DOMAIN: 'https://open.feishu.cn', FEISHU_MAX_PER_SECOND: 50, FEISHU_CHAT_PER_SECOND: 5 });
    expect(() => loadConfig({ FEISHU_APP_ID: 'app-1', FEISHU_APP_SECRET: 's' })).toThrow(/^FEISHU_APP_ID: /);
    expect(() => loadConfig({ FEISHU_APP_ID: app.FEISHU_APP_ID })).toThrow(/^FEISHU_APP_SECRET: /);
    expect(() => loadConfig({ ...app, PUBLIC_URL: 'https://bot.example.cn' })).toThrow(/^FEISHU_ENCRYPT_KEY: /);
    expect(() => loadConfig({ ...app, PUBLIC_URL: 'https://bot.example.cn', FEISHU_ENCRYPT_KEY: 'k' })).toThrow(/^FEISHU_VERIFICATION_TOKEN: /);
    expect(loadConfig({ ...app, PUBLIC_URL: 'https://bot.example.cn', FEISHU_ENCRYPT_KEY: 'k', FEISHU_VERIFICATION_TOKEN: 'v' }).FEISHU_ENCRYPT_KEY).toBe('k');
  });

  it('e-mail delivery: SMTP_URL needs MAIL_FROM; off without SMTP_URL; the secret in the URL is never echoed', () => {
    expect(loadConfig({}).SMTP_URL).toBeUndefined();
    expect(() => loadConfig({ SMTP_URL: 'smtp://user:hunter2@mail.example:587' })).toThrow(/^MAIL_FROM: /);
    expect(() => loadConfig({ SMTP_URL: 'http://mail.example', MAIL_FROM: 'a@b.example' })).toThrow(/^SMTP_URL: /);
    expect(() => loadConfig({ SMTP_URL: 'http://u:hunter2@mail.example', MAIL_FROM: 'a@b.example' })).not.toThrow(/hunter2/);
    expect(() => loadConfig({ SMTP_URL: 'smtps://mail.example', MAIL_FROM: 'not an address' })).toThrow(/^MAIL_FROM: /);
    const c = loadConfig({ SMTP_URL: 'smtps://mail.example', MAIL_FROM: 'Alliance <noreply@alliance.example>', MAIL_PER_MINUTE: '10' });
    expect([c.MAIL_FROM, c.MAIL_PER_MINUTE]).toEqual(['Alliance <noreply@alliance.example>', 10]);
  });

  it('switches to server mode when URLs are given', () => {
    const c = loadConfig({ DATABASE_URL: 'postgres://u@127.0.0.1:5432/test', MEILI_URL: 'http://127.0.0.1:7700', MEILI_MASTER_KEY: 'x'.repeat(16) });
    expect(c.embeddedDb).toBe(false);
    expect(c.embeddedSearch).toBe(false);
  });

  it('takes DingTalk credentials as a pair, with the OpenAPI base and group limit defaulted', () => {
    const c = loadConfig({ DINGTALK_CLIENT_ID: 'dingabc', DINGTALK_CLIENT_SECRET: 's' });
    expect(c.DINGTALK_API_URL).toBe('https://api.dingtalk.com');
    expect(c.DINGTALK_GROUP_PER_MINUTE).toBe(20);
    expect(c.DINGTALK_ROBOT_CODE).toBeUndefined();
    expect(() => loadConfig({ DINGTALK_CLIENT_ID: 'dingabc' })).toThrow(/^DINGTALK_CLIENT_SECRET: /);
    expect(() => loadConfig({ DINGTALK_CLIENT_SECRET: 's' })).toThrow(/^DINGTALK_CLIENT_ID: /);
    expect(() => loadConfig({ DINGTALK_CLIENT_ID: 'a', DINGTALK_CLIENT_SECRET: 's', DINGTALK_GROUP_PER_MINUTE: '21' })).toThrow(/^DINGTALK_GROUP_PER_MINUTE: /);
  });

  it('reads TRUSTED_PROXY as a number of hops or a list of proxies, and the per-address limit', () => {
    expect(loadConfig({}).TRUSTED_PROXY).toBeUndefined();
    expect(loadConfig({ TRUSTED_PROXY: '' }).TRUSTED_PROXY).toBeUndefined();
    expect(loadConfig({ TRUSTED_PROXY: '0' }).TRUSTED_PROXY).toBeUndefined();
    expect(loadConfig({ TRUSTED_PROXY: '2' }).TRUSTED_PROXY).toEqual({ hops: 2 });
    expect(loadConfig({ TRUSTED_PROXY: '10.0.0.1, 10.8.0.0/16,fd00::/8' }).TRUSTED_PROXY).toEqual({ list: ['10.0.0.1', '10.8.0.0/16', 'fd00::/8'] });
    for (const bad of ['yes', '11', '10.0.0.0/33', 'proxy.example', '10.0.0.1,'])
      expect(() => loadConfig({ TRUSTED_PROXY: bad }), bad).toThrow(/^TRUSTED_PROXY: /);
    const c = loadConfig({ ADDRESS_RATE_LIMIT_BURST: '10', ADDRESS_RATE_LIMIT_PER_MINUTE: '5' });
    expect([c.ADDRESS_RATE_LIMIT_BURST, c.ADDRESS_RATE_LIMIT_PER_MINUTE]).toEqual([10, 5]);
    expect(() => loadConfig({ ADDRESS_RATE_LIMIT_BURST: '0' })).toThrow(/^ADDRESS_RATE_LIMIT_BURST: /);
  });
});
