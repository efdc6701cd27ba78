/**
 * Lead operations that touch both the store and the agency inboxes: delivering pending notices
 * (the outbox worker), expiring unclaimed offers, claim / pass / status with the notice edited in
 * place. The store decides every race; this class only posts what the store decided.
 *
 * Delivery guarantee: a notice is sent at least once and, apart from a crash between the platform
 * accepting it and `markSent`, exactly once; a repeat carries the same reference.
 */
import { lt } from '../core/lead-strings.js';
import type { Locale, Reply } from '../core/types.js';
import { COORDINATOR } from '../domain/lead-routing.js';
import { addWorkingHours, CHINA_OFFICE_HOURS, type WorkingHours } from '../domain/working-hours.js';
import type { AgencyDirectory } from '../domain/policy.js';
import type { Logger } from '../util/log.js';
import type { Metrics } from '../util/metrics.js';
import type { AssignResult, LeadInput, LeadOffer, LeadStatus, LeadStore, Lead, CreateResult, ClaimResult } from './lead-store.js';
import { renderLeadNotice, type NoticeState } from './lead-notice.js';
import type { Notifier } from './notifier.js';
import { OutletError, type Outlet } from './outlet.js';
import type { PatentStore } from './patent-store.js';
import type { StaffMember, StaffStore } from './staff-store.js';

export interface LeadServiceOptions {
  store: LeadStore;
  staff: StaffStore;
  patents: PatentStore;
  agencies: AgencyDirectory;
  notifier: Notifier;
  log: Logger;
  metrics?: Metrics;
  clock: () => Date;
  /** Working hours an agency has to claim before the lead moves on (default 4). */
  claimHours?: number;
  /** The calendar those hours are counted on (default China's office hours and working days). */
  workingHours?: WorkingHours;
  /** Notice attempts before the job is dead-lettered (default 15: about 45 minutes of back-off). */
  maxAttempts?: number;
  pollMs?: number;
  sweepMs?: number;
}

export function agencyName(agencies: AgencyDirectory, slug: string, locale: Locale): string {
  if (slug === COORDINATOR) return locale === 'zh' ? '服务联盟协调员' : 'the alliance coordinator';
  return agencies.agencies.find((a) => a.slug === slug)?.name[locale] ?? slug;
}

export class LeadService {
  private readonly outlets: Partial<Record<string, Outlet>> = {};
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private lastSweep = 0;

  constructor(private readonly o: LeadServiceOptions) {}

  get store(): LeadStore {
    return this.o.store;
  }

  registerOutlet(platform: string, outlet: Outlet): void {
    this.outlets[platform] = outlet;
  }

  async submit(input: LeadInput): Promise<CreateResult> {
    const res = await this.o.store.create(input, this.o.clock());
    if (res.kind === 'created') {
      this.o.metrics?.leads.inc({ type: input.type });
      this.kick();
    }
    return res;
  }

  start(): void {
    const poll = () => {
      this.kick();
      this.timer = setTimeout(poll, this.o.pollMs ?? 1000);
      this.timer.unref();
    };
    poll();
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Resolves when no delivery pass is running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Runs a delivery pass now (coalesced: one at a time, one more if kicked meanwhile). */
  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        const now = this.o.clock().getTime();
        if (now - this.lastSweep >= (this.o.sweepMs ?? 30_000)) {
          this.lastSweep = now;
          await this.sweep().catch((err) => this.o.log.error('lead sweep failed', { err }));
        }
        await this.deliverDue().catch((err) => this.o.log.error('lead delivery pass failed', { err }));
      } while (this.again);
    })().finally(() => (this.running = undefined));
  }

  /** Sends every due notice once; returns how many were sent. */
  async deliverDue(): Promise<number> {
    let sent = 0;
    for (;;) {
      const batch = await this.o.store.claimDue(this.o.clock());
      if (!batch.length) return sent;
      const results = await Promise.all(batch.map((offer) => this.deliver(offer)));
      sent += results.filter(Boolean).length;
    }
  }

  private async inboxLocale(slug: string): Promise<Locale> {
    const inbox = (await this.o.staff.inboxes()).find((i) => i.agencySlug === slug);
    return inbox?.locale === 'en' ? 'en' : 'zh';
  }

  private async render(lead: Lead, offer: LeadOffer, state: NoticeState): Promise<Reply> {
    const locale = await this.inboxLocale(offer.agencySlug);
    const patent = lead.patentId ? await this.o.patents.get(lead.patentId) : undefined;
    const title = patent ? (locale === 'en' && patent.titleEn ? patent.titleEn : patent.title) : undefined;
    return renderLeadNotice(lead, offer, title, locale, state);
  }

  private async deliver(offer: LeadOffer & { lead: Lead }): Promise<boolean> {
    const { store, log, metrics, clock } = this.o;
    const outlet = this.outlets[offer.platform];
    const now = clock();
    const coordinator = offer.agencySlug === COORDINATOR;
    const deadline = coordinator ? null : addWorkingHours(now, this.o.claimHours ?? 4, this.o.workingHours ?? CHINA_OFFICE_HOURS);
    try {
      if (!outlet) throw new OutletError(`${offer.platform} is not running in this process`, false);
      const messageId = await outlet.send(offer.chatId, await this.render(offer.lead, offer, { kind: 'open', deadline, coordinator }));
      await store.markSent(offer, messageId, deadline, clock());
      metrics?.leadNotices.inc({ platform: offer.platform, result: 'sent' });
      metrics?.leadNoticeLatency.observe({ platform: offer.platform }, Math.max(0, clock().getTime() - offer.createdAt.getTime()) / 1000);
      log.info('lead notice sent', { ref: offer.lead.ref, agency: offer.agencySlug, attempt: offer.attempts });
      return true;
    } catch (err) {
      const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      const permanent = err instanceof OutletError && err.permanent;
      if (permanent || offer.attempts >= (this.o.maxAttempts ?? 15)) {
        const next = await store.markFailed(offer, reason, permanent, clock());
        metrics?.leadNotices.inc({ platform: offer.platform, result: 'dead' });
        log.error('lead notice dead-lettered', { ref: offer.lead.ref, agency: offer.agencySlug, attempts: offer.attempts, reason, movedOn: !!next });
        if (next) this.again = true;
      } else {
        const delay = Math.min(300_000, 2000 * 2 ** (offer.attempts - 1)) * (0.8 + Math.random() * 0.4);
        await store.markRetry(offer, reason, new Date(clock().getTime() + delay));
        metrics?.leadNotices.inc({ platform: offer.platform, result: 'retry' });
        log.warn('lead notice failed; will retry', { ref: offer.lead.ref, agency: offer.agencySlug, attempt: offer.attempts, delayMs: Math.round(delay), reason });
      }
      return false;
    }
  }

  /** Unclaimed past the deadline → next agency; leads waiting for an inbox → routed again. */
  async sweep(): Promise<number> {
    const now = this.o.clock();
    let moved = 0;
    for (const offer of await this.o.store.overdue(now)) {
      const res = await this.o.store.release(offer.id, 'expired', 'system', now);
      if (!res) continue;
      moved++;
      await this.editNotice(res.offer, { kind: 'expired' });
    }
    moved += (await this.o.store.routeWaiting(now)).length;
    return moved;
  }

  /** Best effort: the decision is already stored; a failed edit only leaves old buttons, which then answer "no longer open". */
  private async editNotice(offer: LeadOffer, state: NoticeState): Promise<void> {
    const outlet = this.outlets[offer.platform];
    const lead = await this.o.store.byId(offer.leadId);
    if (!outlet || !offer.messageId || !lead) return;
    try {
      await outlet.edit(offer.chatId, offer.messageId, await this.render(lead, offer, state));
    } catch (err) {
      this.o.log.warn('lead notice edit failed', { ref: lead.ref, err });
    }
  }

  private staffName(m: StaffMember, locale: Locale): string {
    return m.displayName?.trim() || (lt(locale, 'someone') as string);
  }

  async claim(offerId: number, member: StaffMember): Promise<ClaimResult & { byName?: string }> {
    const res = await this.o.store.claim(offerId, member.id, this.o.clock());
    if (res.kind === 'claimed') {
      const locale = await this.inboxLocale(res.offer.agencySlug);
      await this.editNotice(res.offer, { kind: 'claimed', by: this.staffName(member, locale), at: res.lead.claimedAt ?? this.o.clock() });
      if (res.noticeId) await this.o.notifier.pushNotice(res.noticeId).catch((err) => this.o.log.warn('lead author push failed', { err }));
      this.o.log.info('lead claimed', { ref: res.lead.ref, agency: res.offer.agencySlug });
    }
    if (res.kind === 'taken' && res.lead.claimedBy) {
      const by = await this.o.staff.byId(res.lead.claimedBy);
      return { ...res, ...(by ? { byName: this.staffName(by, 'zh') } : {}) };
    }
    return res;
  }

  /** The agencies a lead can be handed to by hand: every agency of agencies.yaml and the coordinator. */
  assignable(): string[] {
    return [...this.o.agencies.agencies.map((a) => a.slug), COORDINATOR];
  }

  /** An operator assigns a lead waiting for an agency (see LeadStore.assign); `unknown-agency` for a slug not in agencies.yaml. */
  async assign(lead: Lead, agencySlug: string, actor = 'admin'): Promise<AssignResult | { kind: 'unknown-agency' }> {
    if (!this.assignable().includes(agencySlug)) return { kind: 'unknown-agency' };
    const res = await this.o.store.assign(lead.id, agencySlug, actor, this.o.clock());
    if (res.kind === 'assigned') {
      if (res.noticeId) await this.o.notifier.pushNotice(res.noticeId).catch((err) => this.o.log.warn('lead author push failed', { err }));
      this.o.log.info('lead assigned by hand', { ref: res.lead.ref, agency: agencySlug });
    }
    return res;
  }

  async pass(offerId: number, member: StaffMember): Promise<boolean> {
    const res = await this.o.store.release(offerId, 'passed', `staff:${member.id}`, this.o.clock());
    if (!res) return false;
    await this.editNotice(res.offer, { kind: 'passed' });
    this.kick();
    return true;
  }

  async setStatus(lead: Lead, member: StaffMember, to: LeadStatus): ReturnType<LeadStore['setStatus']> {
    const res = await this.o.store.setStatus(lead.id, member.id, member.scope, to, this.o.clock());
    if (res.kind === 'ok') {
      const offer = (await this.o.store.offersOf(lead.id)).find((o) => o.status === 'claimed');
      const by = res.lead.claimedBy ? await this.o.staff.byId(res.lead.claimedBy) : undefined;
      if (offer) {
        const locale = await this.inboxLocale(offer.agencySlug);
        await this.editNotice(offer, { kind: 'claimed', by: by ? this.staffName(by, locale) : (lt(locale, 'someone') as string), at: res.lead.claimedAt ?? this.o.clock() });
      }
    }
    return res;
  }
}
