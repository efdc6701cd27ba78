/**
 * The system of record (SPEC §2). Meilisearch indexes are derived from these tables and can be
 * rebuilt at any time with `reindex`. Migrations under drizzle/ are generated from this file by
 * drizzle-kit and applied unchanged to PGlite (PostgreSQL 18) and the server (PostgreSQL ≥ 15).
 */
import { sql } from 'drizzle-orm';
import { boolean, date, doublePrecision, index, integer, jsonb, pgTable, primaryKey, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

/** One row per person per platform. Personal fields live elsewhere so forget_me can drop them. */
export const users = pgTable(
  'users',
  {
    id: serial('id').primaryKey(),
    platform: text('platform').notNull(),
    platformUserId: text('platform_user_id').notNull(),
    locale: text('locale').notNull().default('zh'),
    /** True when the person chose the language; otherwise it follows each message. */
    localeFixed: boolean('locale_fixed').notNull().default(false),
    subscribed: boolean('subscribed').notNull().default(false),
    /** Set by "unsubscribe": no broadcast of any kind (expo announcements included) reaches this person. */
    unsubscribedAt: timestamp('unsubscribed_at', { withTimezone: true }),
    /** Set when the platform refuses delivery (Telegram 403: the user blocked the bot). */
    unreachableAt: timestamp('unreachable_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('users_platform_user_uq').on(t.platform, t.platformUserId)],
);

/** Dialogue state per user: the last search (for paging) and any open multi-step dialogue. */
export const conversations = pgTable('conversations', {
  userId: integer('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  state: jsonb('state').notNull().default(sql`'{}'::jsonb`),
  updatedAt: updatedAt(),
});

/**
 * Dedupe key of every inbound update; inserted before any side effect. `replies` is stored once the
 * update was handled, so a retry (an inbox row taken over after a crash, a web client resending)
 * gets the same answer instead of none; a claim without replies that is older than a minute is
 * taken over and handled again.
 */
export const processedUpdates = pgTable(
  'processed_updates',
  {
    platform: text('platform').notNull(),
    updateId: text('update_id').notNull(),
    processedAt: timestamp('processed_at', { withTimezone: true }).notNull().defaultNow(),
    replies: jsonb('replies'),
  },
  (t) => [primaryKey({ columns: [t.platform, t.updateId] }), index('processed_updates_at_idx').on(t.processedAt)],
);

/**
 * Inbox of platform updates that arrive before they are handled (Telegram webhook and polling).
 * A row is written before the platform is acknowledged, so nothing acknowledged can be lost; the
 * replies are stored before sending, so a crash mid-way resends only what was not yet sent.
 */
export const inboundUpdates = pgTable(
  'inbound_updates',
  {
    platform: text('platform').notNull(),
    updateId: text('update_id').notNull(),
    chatId: text('chat_id'),
    payload: jsonb('payload').notNull(),
    /** pending → sending → done | failed; rejected: acknowledged, never handled (unusable input, no payload kept) */
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    replies: jsonb('replies'),
    sent: integer('sent').notNull().default(0),
    /** A worker owns the row until then; an expired lease lets another worker (or replica) take over. */
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    error: text('error'),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.platform, t.updateId] }), index('inbound_updates_status_idx').on(t.status, t.receivedAt)],
);

export const patents = pgTable(
  'patents',
  {
    /** The publication number as published (e.g. CN218751475U): the upsert key. */
    id: text('id').primaryKey(),
    title: text('title').notNull(),
    titleEn: text('title_en'),
    abstract: text('abstract'),
    applicants: text('applicants').array().notNull().default(sql`'{}'::text[]`),
    inventors: text('inventors').array().notNull().default(sql`'{}'::text[]`),
    applicationNumber: text('application_number'),
    grantPublicationNumber: text('grant_publication_number'),
    applicationDate: date('application_date'),
    publicationDate: date('publication_date'),
    grantDate: date('grant_date'),
    ipc: text('ipc').array().notNull().default(sql`'{}'::text[]`),
    /** invention | utility_model | design, or null when the source does not say. */
    patentType: text('patent_type'),
    legalStatus: text('legal_status'),
    applicantAddress: text('applicant_address'),
    /** One of the six provinces (canonical English) or null when outside them. */
    province: text('province'),
    /** The province as the source wrote it (e.g. 广东省), for display. */
    provinceRaw: text('province_raw'),
    city: text('city'),
    language: text('language'),
    source: text('source'),
    sourceCategory: text('source_category').array().notNull().default(sql`'{}'::text[]`),
    tradeModes: text('trade_modes').array().notNull().default(sql`'{}'::text[]`),
    demo: boolean('demo').notNull().default(false),
    /** Hash of the normalised record; an import that would not change it skips the row. */
    contentHash: text('content_hash').notNull(),
    /** content_hash of the version last confirmed in Meilisearch; differs → the row must be (re)indexed. */
    indexedHash: text('indexed_hash'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('patents_application_number_idx').on(t.applicationNumber),
    index('patents_grant_number_idx').on(t.grantPublicationNumber),
    index('patents_updated_at_idx').on(t.updatedAt),
  ],
);

/**
 * Expo registrations. Personal fields are nulled by forget_me (the row stays, anonymised, so seat
 * counts and the audit of who was promoted keep adding up). At most one active registration per
 * person and edition; codes are unique per edition.
 */
export const registrations = pgTable(
  'registrations',
  {
    id: serial('id').primaryKey(),
    expoSlug: text('expo_slug').notNull(),
    userId: integer('user_id').references(() => users.id, { onDelete: 'set null' }),
    name: text('name'),
    organisation: text('organisation'),
    role: text('role'),
    phone: text('phone'),
    email: text('email'),
    consentAt: timestamp('consent_at', { withTimezone: true }),
    /** confirmed | waitlisted | cancelled */
    status: text('status').notNull(),
    code: text('code').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('registrations_code_uq').on(t.expoSlug, t.code),
    uniqueIndex('registrations_active_uq').on(t.expoSlug, t.userId).where(sql`status in ('confirmed', 'waitlisted')`),
    index('registrations_queue_idx').on(t.expoSlug, t.status, t.createdAt),
  ],
);

/**
 * E-mail addresses web users gave, with their consent, to receive announcements, reminders and
 * lead-status news (they have no chat to push to). One per person; deleted with the person
 * (forget_me) and on unsubscribe. `permanentFailures` counts SMTP refusals (5xx) since the last
 * accepted mail; `bouncedAt` is set after repeated ones, and nothing is sent there any more.
 */
export const emailAddresses = pgTable('email_addresses', {
  userId: integer('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  address: text('address').notNull(),
  consentedAt: timestamp('consented_at', { withTimezone: true }).notNull(),
  permanentFailures: integer('permanent_failures').notNull().default(0),
  bouncedAt: timestamp('bounced_at', { withTimezone: true }),
  updatedAt: updatedAt(),
});

/** Messages for a person that arise outside their own conversation (a waitlist promotion); shown with their next reply. */
export const notices = pgTable(
  'notices',
  {
    id: serial('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    textZh: text('text_zh').notNull(),
    textEn: text('text_en').notNull(),
    createdAt: createdAt(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
  },
  (t) => [index('notices_user_idx').on(t.userId, t.deliveredAt)],
);

/** "I'm interested" presses, kept so the trade-lead flow can follow up on them. */
export const patentInterests = pgTable(
  'patent_interests',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    patentId: text('patent_id')
      .notNull()
      .references(() => patents.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.patentId] })],
);

/**
 * Staff and organisers: a platform identity bound to an agency (staff) or an expo edition
 * (organiser) by redeeming an invite code. Roles are decided here, by code, never by message text.
 */
export const staff = pgTable(
  'staff',
  {
    id: serial('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** staff | organiser */
    role: text('role').notNull(),
    /** The agency slug (staff; `coordinator` for the alliance coordinator) or the expo slug (organiser). */
    scope: text('scope').notNull(),
    /** How the person is shown to colleagues ("claimed by …"); from the platform profile at join time. */
    displayName: text('display_name'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('staff_user_role_scope_uq').on(t.userId, t.role, t.scope)],
);

/** One-time invite codes. Only a SHA-256 of the code is stored, so a database copy does not let anyone join. */
export const invites = pgTable('invites', {
  codeHash: text('code_hash').primaryKey(),
  role: text('role').notNull(),
  scope: text('scope').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
  usedBy: integer('used_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: createdAt(),
});

/** The chat (Telegram group, Slack channel) where an agency receives its lead notices; bound by one of its staff. */
export const leadInboxes = pgTable('lead_inboxes', {
  agencySlug: text('agency_slug').primaryKey(),
  platform: text('platform').notNull(),
  chatId: text('chat_id').notNull(),
  boundBy: integer('bound_by').references(() => users.id, { onDelete: 'set null' }),
  /** Notices are written in the language of the staff member who bound the inbox. */
  locale: text('locale').notNull().default('zh'),
  updatedAt: updatedAt(),
});

/**
 * Trade leads (SPEC §7). status: new → notified → claimed → contacted → won | lost. Contact fields
 * are shared with the agency only because the author consented (consent_at); forget_me nulls them.
 */
export const leads = pgTable(
  'leads',
  {
    id: serial('id').primaryKey(),
    ref: text('ref').notNull(),
    /** The update that submitted it (`platform:update id`): handling the same update again finds this lead instead of making a second. */
    sourceKey: text('source_key'),
    userId: integer('user_id').references(() => users.id, { onDelete: 'set null' }),
    type: text('type').notNull(),
    patentId: text('patent_id'),
    need: text('need'),
    province: text('province'),
    phone: text('phone'),
    email: text('email'),
    notes: text('notes'),
    locale: text('locale').notNull(),
    consentAt: timestamp('consent_at', { withTimezone: true }).notNull(),
    status: text('status').notNull().default('new'),
    /** The agency the lead is currently offered to or claimed by. */
    agencySlug: text('agency_slug'),
    claimedBy: integer('claimed_by').references(() => staff.id, { onDelete: 'set null' }),
    claimedAt: timestamp('claimed_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('leads_ref_uq').on(t.ref), uniqueIndex('leads_source_uq').on(t.sourceKey), index('leads_user_idx').on(t.userId, t.createdAt), index('leads_status_idx').on(t.status, t.createdAt)],
);

/**
 * One offer of a lead to one agency inbox, which is also the durable notification job (an outbox
 * row written in the lead's transaction). status: pending → sent → claimed | passed | expired;
 * pending → failed (retries exhausted or the inbox refused: the dead-letter list).
 */
export const leadOffers = pgTable(
  'lead_offers',
  {
    id: serial('id').primaryKey(),
    leadId: integer('lead_id')
      .notNull()
      .references(() => leads.id, { onDelete: 'cascade' }),
    agencySlug: text('agency_slug').notNull(),
    platform: text('platform').notNull(),
    chatId: text('chat_id').notNull(),
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    /** The platform's id of the notice (Telegram message_id, Slack ts), for editing it in place. */
    messageId: text('message_id'),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    deadlineAt: timestamp('deadline_at', { withTimezone: true }),
    error: text('error'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('lead_offers_due_idx').on(t.status, t.nextAttemptAt), index('lead_offers_lead_idx').on(t.leadId), index('lead_offers_agency_idx').on(t.agencySlug, t.id)],
);

/** Audit trail of every lead change: who (actor), when, from → to. Kept after forget_me; it holds no personal fields. */
export const leadEvents = pgTable(
  'lead_events',
  {
    id: serial('id').primaryKey(),
    leadId: integer('lead_id')
      .notNull()
      .references(() => leads.id, { onDelete: 'cascade' }),
    /** `user:<id>`, `staff:<id>`, `system`, `admin` */
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status'),
    agencySlug: text('agency_slug'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('lead_events_lead_idx').on(t.leadId, t.at)],
);

/**
 * Organiser broadcasts. status: sending → done | cancelled. The audience is resolved into one
 * delivery row per recipient when the organiser confirms, in the same transaction.
 */
export const broadcasts = pgTable('broadcasts', {
  id: serial('id').primaryKey(),
  /** `{ kind: 'registrants', expo, status?, role? }` or `{ kind: 'subscribers' }` */
  audience: jsonb('audience').notNull(),
  textZh: text('text_zh'),
  textEn: text('text_en'),
  linkUrl: text('link_url'),
  createdBy: integer('created_by').references(() => staff.id, { onDelete: 'set null' }),
  /** Where the organiser watches progress (edited in place) and gets the summary. */
  progressPlatform: text('progress_platform'),
  progressChat: text('progress_chat'),
  progressMessageId: text('progress_message_id'),
  progressLocale: text('progress_locale').notNull().default('zh'),
  /** One replica at a time refreshes the progress message: whoever moves this forward. */
  progressAt: timestamp('progress_at', { withTimezone: true }),
  status: text('status').notNull().default('sending'),
  total: integer('total').notNull().default(0),
  createdAt: createdAt(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
});

/**
 * One row per recipient and broadcast (unique), which is also the send job. status: pending →
 * sending (leased) → sent | unreachable | failed | skipped (unsubscribed meanwhile) | cancelled.
 */
export const broadcastDeliveries = pgTable(
  'broadcast_deliveries',
  {
    id: serial('id').primaryKey(),
    broadcastId: integer('broadcast_id')
      .notNull()
      .references(() => broadcasts.id, { onDelete: 'cascade' }),
    userId: integer('user_id').references(() => users.id, { onDelete: 'set null' }),
    platform: text('platform').notNull(),
    chatId: text('chat_id').notNull(),
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    error: text('error'),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('broadcast_deliveries_uq').on(t.broadcastId, t.platform, t.chatId),
    index('broadcast_deliveries_due_idx').on(t.platform, t.status, t.nextAttemptAt),
    index('broadcast_deliveries_progress_idx').on(t.broadcastId, t.status),
  ],
);

/**
 * Send pacing shared by every process on this database: per key (a platform, or a platform and
 * chat) the earliest time the next message may go. Each send books its slot with one statement,
 * so the platform's limits hold across replicas. Rows in the past are pruned. UNLOGGED (set in
 * migration 0008): no WAL flush per send; after a server crash the table starts empty, which only
 * forgets waits that have passed or will soon.
 */
export const sendClock = pgTable('send_clock', {
  key: text('key').primaryKey(),
  nextAt: timestamp('next_at', { withTimezone: true, precision: 6 }).notNull().defaultNow(),
});

/**
 * Token buckets (the per-person message limit, …) shared by every replica: `tokens` as of `at`,
 * refilled on each take with the database's clock. A bucket is full again at `full_at`; after that
 * the row says nothing and is pruned. UNLOGGED (migration 0008) like send_clock: a crash refills
 * every bucket, and a take costs no WAL flush.
 */
export const rateBuckets = pgTable('rate_buckets', {
  key: text('key').primaryKey(),
  tokens: doublePrecision('tokens').notNull(),
  at: timestamp('at', { withTimezone: true, precision: 6 }).notNull(),
  fullAt: timestamp('full_at', { withTimezone: true, precision: 6 }).notNull(),
});

/** Model calls per person per day (China date), for the LLM budget; shared by every replica. */
export const llmUsage = pgTable(
  'llm_usage',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    day: date('day').notNull(),
    calls: integer('calls').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.userId, t.day] })],
);

/** One-time sign-in links the bot sends staff and organisers (`/console`); only a hash is stored. */
export const consoleLinks = pgTable('console_links', {
  tokenHash: text('token_hash').primaryKey(),
  staffId: integer('staff_id')
    .notNull()
    .references(() => staff.id, { onDelete: 'cascade' }),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
  createdAt: createdAt(),
});

/** Console sessions: an operator (ADMIN_TOKEN) or one staff/organiser role; only a hash of the cookie is stored. */
export const consoleSessions = pgTable('console_sessions', {
  idHash: text('id_hash').primaryKey(),
  /** operator | staff | organiser */
  kind: text('kind').notNull(),
  staffId: integer('staff_id').references(() => staff.id, { onDelete: 'cascade' }),
  /** The agency (staff) or expo (organiser) this session may see; null for the operator. */
  scope: text('scope'),
  csrf: text('csrf').notNull(),
  locale: text('locale').notNull().default('zh'),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  createdAt: createdAt(),
});

/**
 * 微信客服: where each KF account's kf/sync_msg stream was read up to. The cursor moves in the same
 * transaction that writes the page's messages to inbound_updates, so a restart neither loses nor
 * repeats a message.
 */
export const wecomKfCursors = pgTable('wecom_kf_cursors', {
  openKfId: text('open_kfid').primaryKey(),
  cursor: text('cursor').notNull(),
  updatedAt: updatedAt(),
});

/**
 * 微信客服 reply window per customer: WeCom lets us send at most 5 messages within 48 hours of the
 * customer's last message. `sent` counts what we sent since that message.
 */
export const wecomKfCustomers = pgTable('wecom_kf_customers', {
  externalUserId: text('external_userid').primaryKey(),
  openKfId: text('open_kfid').notNull(),
  lastMessageAt: timestamp('last_message_at', { withTimezone: true }).notNull(),
  sent: integer('sent').notNull().default(0),
  updatedAt: updatedAt(),
});
