/**
 * E-mail as a push target for web users who gave an address (src/services/email-store.ts): an
 * Outlet for broadcasts (chat id = the person's user id, so no address is copied into delivery
 * rows) and a Push for reminders and lead news. Not a chat channel: nothing comes back by mail.
 *
 * Every mail is plain text in the person's language with an unsubscribe link (a signed token, see
 * unsubscribeToken) in its footer and in `List-Unsubscribe` / `List-Unsubscribe-Post` (RFC 2369,
 * RFC 8058 one-click). Sending keeps `perMinute` mails per minute through the send clock (shared
 * by replicas when it is the database clock). The SMTP server's answer decides the outcome: 250 →
 * sent; a 5xx refusal → counted against the address (marked bounced after BOUNCE_LIMIT in a row)
 * and reported unreachable; a 4xx, a timeout or no connection → thrown, so the caller retries.
 * Addresses never reach the log; the metric is deliveries_total{platform="email",result}.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import { bt } from '../core/broadcast-strings.js';
import type { Locale, Reply } from '../core/types.js';
import type { Logger } from '../util/log.js';
import type { Metrics } from '../util/metrics.js';
import { BOUNCE_LIMIT, type EmailStore, type Mailbox } from './email-store.js';
import { OutletError, type Outlet } from './outlet.js';
import { SendSlots, type SlotOptions } from './send-slots.js';

export const UNSUBSCRIBE_PATH = '/email/unsubscribe';

export interface EmailOutletOptions {
  smtpUrl: string;
  from: string;
  /** Base URL of this service for the unsubscribe link (PUBLIC_URL, else the listen address). */
  baseUrl: string;
  /** Key of the unsubscribe links' signatures. */
  secret: string;
  store: EmailStore;
  log: Logger;
  metrics?: Metrics;
  perMinute: number;
  shared?: SlotOptions['shared'];
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const SUBJECT: Record<Locale, string> = { zh: '专利技术转化服务平台通知', en: 'Patent Technology Conversion Service Platform' };
const FOOTER: Record<Locale, (link: string) => string> = {
  zh: (link) => `——\n您收到此邮件，是因为您在平台网页对话中订阅了公告并同意通过电子邮件接收。\n退订（无需登录）：${link}`,
  en: (link) => `—\nYou receive this because you subscribed to announcements in the platform's web chat and agreed to receive them by e-mail.\nUnsubscribe (no sign-in needed): ${link}`,
};

/** The links' key: MAIL_LINK_SECRET, else derived from the SMTP settings (identical on every replica). */
export function linkSecret(o: { MAIL_LINK_SECRET?: string | undefined; SMTP_URL: string; MAIL_FROM: string }): string {
  return o.MAIL_LINK_SECRET ?? createHash('sha256').update(`patent-bridge unsubscribe links\0${o.SMTP_URL}\0${o.MAIL_FROM}`).digest('base64url');
}

/** HMAC-SHA256 of the user id, base64url: the link unsubscribes that person and no one else. */
export function unsubscribeToken(secret: string, userId: number): string {
  return createHmac('sha256', secret).update(`unsubscribe:${userId}`).digest('base64url');
}

export function checkUnsubscribeToken(secret: string, userId: number, token: string): boolean {
  const want = Buffer.from(unsubscribeToken(secret, userId));
  const got = Buffer.from(token);
  return got.length === want.length && timingSafeEqual(got, want);
}

export class EmailOutlet {
  private readonly transport: Transporter;
  private readonly slots: SendSlots;

  constructor(private readonly o: EmailOutletOptions) {
    this.transport = nodemailer.createTransport(o.smtpUrl);
    this.slots = new SendSlots({
      perKeyIntervalMs: Math.ceil(60_000 / o.perMinute),
      perSecond: Number.MAX_SAFE_INTEGER,
      ...(o.shared ? { shared: o.shared } : {}),
      ...(o.now ? { now: o.now } : {}),
      ...(o.sleep ? { sleep: o.sleep } : {}),
    });
  }

  unsubscribeLink(userId: number): string {
    const url = new URL(UNSUBSCRIBE_PATH, this.o.baseUrl);
    url.searchParams.set('u', String(userId));
    url.searchParams.set('t', unsubscribeToken(this.o.secret, userId));
    return url.toString();
  }

  /** Broadcasts: chatId is the user id the broadcast store wrote for e-mail recipients. */
  readonly outlet: Outlet = {
    post: async (chatId: string, reply: Reply) => {
      const mailbox = await this.o.store.mailbox(Number(chatId));
      if (!mailbox) return 'unreachable';
      return this.deliver(mailbox, mailText(reply));
    },
    send: () => Promise.reject(new OutletError('e-mail carries no lead inboxes', true)),
    edit: () => Promise.reject(new OutletError('e-mail carries no lead inboxes', true)),
  };

  /** Reminders and lead news for a web user (the notifier addresses them by their web id). */
  push = async (webUserId: string, text: string): Promise<boolean> => {
    const mailbox = await this.o.store.mailboxOfWebUser(webUserId);
    return mailbox ? (await this.deliver(mailbox, text)) === 'sent' : false;
  };

  async deliver(mb: Mailbox, text: string): Promise<'sent' | 'unreachable'> {
    const link = this.unsubscribeLink(mb.userId);
    await this.slots.take('smtp');
    try {
      await this.transport.sendMail({
        from: this.o.from,
        to: mb.address,
        subject: SUBJECT[mb.locale],
        text: `${text}\n\n${FOOTER[mb.locale](link)}\n`,
        headers: { 'List-Unsubscribe': `<${link}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      });
    } catch (err) {
      const code = (err as { responseCode?: unknown }).responseCode;
      if (typeof code === 'number' && code >= 500 && code < 600) {
        const bounced = await this.o.store.recordOutcome(mb.userId, 'permanent');
        this.o.metrics?.deliveries.inc({ platform: 'email', result: bounced ? 'bounced' : 'permanent_failure' });
        this.o.log.warn(bounced ? `mail address marked bounced after ${BOUNCE_LIMIT} refusals` : 'mail refused by the SMTP server', { responseCode: code, user: mb.userId });
        return 'unreachable';
      }
      this.o.metrics?.deliveries.inc({ platform: 'email', result: 'retry' });
      throw new OutletError(`SMTP did not take the mail (${typeof code === 'number' ? code : ((err as { code?: string }).code ?? 'no answer')})`, false);
    }
    await this.o.store.recordOutcome(mb.userId, 'accepted');
    this.o.metrics?.deliveries.inc({ platform: 'email', result: 'sent' });
    return 'sent';
  }

  close(): void {
    this.transport.close();
  }
}

/** A reply as mail text: the chat-only "send 退订" footer gives way to the mail's own; a link is spelled out. */
function mailText(reply: Reply): string {
  let text = reply.text;
  for (const l of ['zh', 'en'] as const) text = text.replace(`\n\n${bt(l, 'footer')}`, '');
  return reply.link ? `${text}\n\n${reply.link.label}: ${reply.link.url}` : text;
}
