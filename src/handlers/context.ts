import type { EmailStore } from '../services/email-store.js';
import type { PatentSearch } from '../../search/patent-search.js';
import type { NluResult } from '../core/intents.js';
import type { InboundMessage, Locale, Reply } from '../core/types.js';
import type { ExpoCalendar } from '../domain/expo.js';
import type { Faq } from '../domain/faq.js';
import type { PatentStore } from '../services/patent-store.js';
import type { Notifier } from '../services/notifier.js';
import type { RegistrationStore } from '../services/registration-store.js';
import type { PolicyService } from '../services/policy-service.js';
import type { LeadService } from '../services/lead-service.js';
import type { StaffStore } from '../services/staff-store.js';
import type { BroadcastService } from '../services/broadcast-service.js';
import type { LlmBudget } from '../llm/llm-budget.js';
import type { LlmClient } from '../llm/llm-client.js';
import type { LlmDeadline } from '../llm/llm-deadline.js';
import type { ConversationState, User, UserStore } from '../services/user-store.js';
import type { Logger } from '../util/log.js';
import type { Metrics } from '../util/metrics.js';

/** What a handler may use. Everything arrives from the composition root. */
export interface HandlerServices {
  users: UserStore;
  search: PatentSearch;
  patents: PatentStore;
  policies: PolicyService;
  expos: ExpoCalendar;
  registrations: RegistrationStore;
  notifier: Notifier;
  staff: StaffStore;
  leads: LeadService;
  broadcasts: BroadcastService;
  /** content/faq.yaml: short sourced answers about the platform (how to reach it, how a transfer works). */
  faq?: Faq;
  /** Absolute address of the privacy notice (the web app's /privacy), linked next to every consent question. */
  privacyUrl?: string;
  /**
   * Present when a model is configured; every call takes one from the person's daily budget, and all
   * calls for one message share `messageBudgetMs` (the pipeline's LlmDeadline).
   */
  llm?: { client: LlmClient; budget: LlmBudget; messageBudgetMs: number };
  metrics?: Metrics;
  /** Web users' e-mail addresses, when e-mail delivery is on (SMTP_URL). */
  emails?: EmailStore;
  /** One-time console sign-in links (`/console`), when the console is served. */
  consoleLink?: (staffId: number) => Promise<string>;
  log: Logger;
  clock: () => Date;
}

export interface HandlerContext {
  msg: InboundMessage;
  user: User;
  locale: Locale;
  /** Mutable: the pipeline persists it after the handler returns. */
  state: ConversationState;
  nlu?: NluResult;
  /** The model budget of this message, when a model is configured (started by the pipeline). */
  llmDeadline?: LlmDeadline;
  services: HandlerServices;
  /** Set by forget_me: the user no longer exists, so nothing must be saved for them. */
  forgotten?: boolean;
}

export type Handler = (ctx: HandlerContext) => Promise<Reply[]>;
