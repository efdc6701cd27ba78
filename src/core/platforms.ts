/**
 * The platforms the product can push to (broadcasts, reminders, lead notices, claim notices) and how
 * they are named to people. Each channel adapter adds its platform here once; everything that counts
 * or lists recipients per platform goes through this table, so no product code names a platform.
 */
import type { Locale, Platform } from './types.js';

export const PUSH_PLATFORMS = ['telegram', 'slack', 'dingtalk', 'feishu', 'wecom', 'wechat', 'email'] as const satisfies readonly Platform[];
export type PushPlatform = (typeof PUSH_PLATFORMS)[number];

export const PLATFORM_NAMES: Record<PushPlatform, Record<Locale, string>> = {
  telegram: { zh: 'Telegram', en: 'Telegram' },
  slack: { zh: 'Slack', en: 'Slack' },
  dingtalk: { zh: '钉钉', en: 'DingTalk' },
  feishu: { zh: '飞书', en: 'Feishu' },
  /** WeCom self-built app: members of the alliance's WeCom (agency staff, organisers). */
  wecom: { zh: '企业微信', en: 'WeCom' },
  /** 微信客服: ordinary WeChat users; reachable only within 48 h of their last message. */
  wechat: { zh: '微信', en: 'WeChat' },
  /** Web-chat users who gave an e-mail address and consented (broadcasts address them by user id). */
  email: { zh: '电子邮件', en: 'E-mail' },
};

export function isPushPlatform(p: string): p is PushPlatform {
  return (PUSH_PLATFORMS as readonly string[]).includes(p);
}

/** "Telegram 38 人，Slack 2 人" / "Telegram 38, Slack 2": the platforms with anyone on them, else 0. */
export function recipientsByPlatform(counts: Record<PushPlatform, number>, locale: Locale): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const parts = PUSH_PLATFORMS.filter((p) => counts[p] > 0).map((p) => (locale === 'zh' ? `${PLATFORM_NAMES[p].zh} ${n(counts[p])} 人` : `${PLATFORM_NAMES[p].en} ${n(counts[p])}`));
  if (parts.length === 0) return locale === 'zh' ? '0 人' : '0';
  return parts.join(locale === 'zh' ? '，' : ', ');
}
