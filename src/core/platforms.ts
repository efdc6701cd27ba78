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

/**
 * 微信客服 lets us write to a customer only within 48 hours of their last message, and at most 5
 * messages in that time (developer.work.weixin.qq.com/document/path/94677, kf/send_msg); a
 * broadcast reaches WeChat customers inside that window only.
 */
export const WECHAT_WINDOW = { hours: 48, replies: 5 } as const;

/** WeChat customers in an audience who cannot be reached now, and why. */
export interface WechatClosed {
  /** More than 48 hours since their last message (or none recorded). */
  wechatExpired: number;
  /** Inside the 48 hours, but the 5 messages are used. */
  wechatUsedUp: number;
}

/**
 * "Telegram 38 人，Slack 2 人" / "Telegram 38, Slack 2": the platforms with anyone on them, else 0;
 * with WeChat customers outside their window, how many and why.
 */
export function recipientsByPlatform(counts: Record<PushPlatform, number> & Partial<WechatClosed>, locale: Locale): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const expired = counts.wechatExpired ?? 0;
  const used = counts.wechatUsedUp ?? 0;
  const closed = expired + used;
  const parts = PUSH_PLATFORMS.filter((p) => counts[p] > 0 || (p === 'wechat' && closed > 0)).map((p) => {
    const base = locale === 'zh' ? `${PLATFORM_NAMES[p].zh} ${n(counts[p])} 人` : `${PLATFORM_NAMES[p].en} ${n(counts[p])}`;
    if (p !== 'wechat' || closed === 0) return base;
    const h = WECHAT_WINDOW.hours;
    const r = WECHAT_WINDOW.replies;
    return locale === 'zh'
      ? `${base}（另有 ${n(closed)} 人无法送达：超过 ${h} 小时未发消息 ${n(expired)} 人，${r} 条回复已用完 ${n(used)} 人）`
      : `${base} (${n(closed)} more cannot be reached: no message from them in ${h} hours ${n(expired)}, all ${r} replies used ${n(used)})`;
  });
  if (parts.length === 0) return locale === 'zh' ? '0 人' : '0';
  return parts.join(locale === 'zh' ? '，' : ', ');
}
