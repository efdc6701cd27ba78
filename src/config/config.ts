/**
 * Configuration, parsed once from the environment (SPEC §4). This is the only module that reads
 * `process.env`; everything else receives a `Config`. A bad value fails fast with one line naming
 * the variable (ConfigError), which the CLI prints without a stack.
 */
import path from 'node:path';
import { z } from 'zod';
import { parseTrustedProxy } from '../http/client-address.js';

const url = (protocols: string[]) =>
  z.string().refine((s) => {
    try {
      return protocols.includes(new URL(s).protocol);
    } catch {
      return false;
    }
  }, `must be a URL (${protocols.join(' or ')})`);

const optional = <T extends z.ZodTypeAny>(t: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), t.optional());

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  CONTENT_DIR: z.string().min(1).default('./content'),
  DATABASE_URL: optional(url(['postgres:', 'postgresql:'])),
  MEILI_URL: optional(url(['http:', 'https:'])),
  MEILI_MASTER_KEY: optional(z.string().min(16, 'must be at least 16 characters')),
  TELEGRAM_BOT_TOKEN: optional(z.string().regex(/^\d+:[\w-]+$/, 'must look like 123456:ABC-DEF…')),
  TELEGRAM_API_ROOT: url(['http:', 'https:']).default('https://api.telegram.org'),
  TELEGRAM_WEBHOOK_SECRET: optional(z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, 'may only contain A-Z a-z 0-9 _ -')),
  PUBLIC_URL: optional(url(['https:', 'http:'])),
  /** The site's ICP filing number (e.g. 湘ICP备12345678号-1), shown in the web chat's footer, linked to the MIIT filing system; unset: no line. */
  ICP_FILING: optional(z.string().trim().min(4).max(60).regex(/^[^<>&"']+$/, 'may not contain < > & " \'')),
  SLACK_BOT_TOKEN: optional(z.string().min(1)),
  SLACK_SIGNING_SECRET: optional(z.string().min(1)),
  /** An app-level token with connections:write: Slack payloads over Socket Mode (no public URL needed). */
  SLACK_APP_TOKEN: optional(z.string().regex(/^xapp-[A-Za-z0-9-]+$/, 'must be an app-level token (xapp-…)')),
  SLACK_API_URL: url(['http:', 'https:']).default('https://slack.com/api/'),
  /** DingTalk (Stream mode): the app's Client ID (AppKey) and Client Secret (AppSecret); the robot code defaults to the Client ID. */
  DINGTALK_CLIENT_ID: optional(z.string().min(1)),
  DINGTALK_CLIENT_SECRET: optional(z.string().min(1)),
  DINGTALK_ROBOT_CODE: optional(z.string().min(1)),
  /** OpenAPI base: the Stream gateway, OAuth and the robot API all live there. */
  DINGTALK_API_URL: url(['http:', 'https:']).default('https://api.dingtalk.com'),
  /** Feishu/Lark self-built app: long connection by default, HTTP events at /feishu/events when PUBLIC_URL is set. */
  FEISHU_APP_ID: optional(z.string().regex(/^cli_[0-9a-f]{16}$/i, 'must look like cli_ followed by 16 hex digits')),
  FEISHU_APP_SECRET: optional(z.string().min(1)),
  FEISHU_ENCRYPT_KEY: optional(z.string().min(1)),
  FEISHU_VERIFICATION_TOKEN: optional(z.string().min(1)),
  FEISHU_DOMAIN: url(['http:', 'https:']).default('https://open.feishu.cn'),
  /** WeCom (企业微信): the self-built app for members and 微信客服 for WeChat users share one callback (/wecom/callback). */
  WECOM_CORP_ID: optional(z.string().regex(/^[A-Za-z0-9]{4,64}$/, 'must be the corp id (ww…)')),
  WECOM_TOKEN: optional(z.string().regex(/^[A-Za-z0-9]{1,32}$/, 'must be 1–32 letters or digits, as set in the callback settings')),
  WECOM_ENCODING_AES_KEY: optional(z.string().regex(/^[A-Za-z0-9+/]{43}$/, 'must be the 43-character EncodingAESKey')),
  WECOM_AGENT_ID: optional(z.coerce.number().int().positive()),
  WECOM_APP_SECRET: optional(z.string().min(1)),
  WECOM_KF_SECRET: optional(z.string().min(1)),
  WECOM_KF_OPEN_KFID: optional(z.string().regex(/^[\w-]{1,64}$/, 'must be the open_kfid (wk…)')),
  WECOM_API_URL: url(['http:', 'https:']).default('https://qyapi.weixin.qq.com'),
  WECOM_MEMBER_PER_MINUTE: z.coerce.number().int().min(1).max(30).default(30),
  /** The published 微信客服 contact link (kf/add_contact_way with a scene), shown on the web chat page. */
  WECOM_KF_URL: optional(url(['https:'])),
  /** E-mail delivery for web-only subscribers (announcements, reminders, lead news): off unless SMTP_URL is set. */
  SMTP_URL: optional(url(['smtp:', 'smtps:'])),
  MAIL_FROM: optional(z.string().regex(/^[^\r\n]*<?[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+>?$/, 'must be an address, optionally with a name: Alliance <noreply@example.org>')),
  /** Mails per minute over all replicas (the mail provider's sending limit). */
  MAIL_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(30),
  /** Key of the unsubscribe links' signatures; default derived from SMTP_URL and MAIL_FROM (links then change with them). */
  MAIL_LINK_SECRET: optional(z.string().min(16, 'must be at least 16 characters')),
  OPENAI_API_KEY: optional(z.string().min(1)),
  OPENAI_BASE_URL: optional(url(['http:', 'https:'])),
  OPENAI_MODEL: optional(z.string().min(1)),
  /**
   * Optional semantic search: an OpenAI-compatible embeddings API (DashScope, Ollama serving bge-m3,
   * vLLM …) that Meilisearch itself calls as a REST embedder (`<EMBEDDING_BASE_URL>/embeddings`).
   * Off unless EMBEDDING_BASE_URL is set; SEMANTIC_RATIO is Meilisearch's hybrid semanticRatio.
   */
  EMBEDDING_BASE_URL: optional(url(['http:', 'https:'])),
  EMBEDDING_MODEL: optional(z.string().min(1).max(200)),
  EMBEDDING_API_KEY: optional(z.string().min(1)),
  EMBEDDING_DIMENSIONS: optional(z.coerce.number().int().min(2).max(8192)),
  SEMANTIC_RATIO: z.coerce.number().min(0).max(1).default(0.5),
  ADMIN_TOKEN: optional(z.string().min(16, 'must be at least 16 characters')),
  /** Trade leads: open leads one person may submit per 24 hours; working hours an agency has to claim; notice attempts before dead-lettering. */
  LEAD_DAILY_LIMIT: z.coerce.number().int().min(1).max(1000).default(3),
  LEAD_CLAIM_HOURS: z.coerce.number().positive().max(200).default(4),
  LEAD_NOTICE_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(15),
  /** Platform limits, held across replicas through the database (Telegram: ~30/s overall, 1/s per chat; Slack: 1/s per channel). */
  TELEGRAM_MAX_PER_SECOND: z.coerce.number().positive().max(1000).default(30),
  TELEGRAM_CHAT_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  SLACK_MAX_PER_SECOND: z.coerce.number().positive().max(1000).default(20),
  SLACK_CHANNEL_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  /** DingTalk: messages per group per minute (DingTalk throttles a robot for 10 minutes beyond 20) and API calls per second (20 QPS per app, standard edition). */
  DINGTALK_GROUP_PER_MINUTE: z.coerce.number().int().min(1).max(20).default(20),
  DINGTALK_MAX_PER_SECOND: z.coerce.number().positive().max(1000).default(20),
  /** Feishu: 50 messages per second per app, 5 per second per chat or person. */
  FEISHU_MAX_PER_SECOND: z.coerce.number().positive().max(1000).default(50),
  FEISHU_CHAT_PER_SECOND: z.coerce.number().positive().max(100).default(5),
  /** Broadcast sends in flight per platform and process: also the most recipients a crash can double. */
  BROADCAST_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(8),
  /** The optional model: per-call timeout and retries, the offline confidence below which it is asked, calls per person per day. */
  LLM_TIMEOUT_MS: z.coerce.number().int().min(200).max(60_000).default(4000),
  /** All model calls for one inbound message (and their retries) share this budget; then the offline answer. */
  LLM_MESSAGE_BUDGET_MS: z.coerce.number().int().min(200).max(120_000).default(5000),
  LLM_MAX_RETRIES: z.coerce.number().int().min(0).max(3).default(1),
  LLM_CONFIDENCE: z.coerce.number().min(0).max(1).default(0.8),
  LLM_DAILY_CALLS: z.coerce.number().int().min(1).max(10_000).default(50),
  /** Messages one person may send: a burst, then a steady rate per minute (polite reply beyond it). */
  RATE_LIMIT_BURST: z.coerce.number().int().min(1).max(10_000).default(20),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().min(1).max(100_000).default(30),
  /** Requests one address may make to the web chat and console sign-in: a burst, then a steady rate per minute (429 beyond it). */
  ADDRESS_RATE_LIMIT_BURST: z.coerce.number().int().min(1).max(100_000).default(60),
  ADDRESS_RATE_LIMIT_PER_MINUTE: z.coerce.number().min(1).max(1_000_000).default(60),
  /** Reverse proxies in front of the service, whose X-Forwarded-For is believed: a number of hops, or their addresses/subnets (comma-separated). Empty: none, the socket's address counts. */
  TRUSTED_PROXY: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const r = parseTrustedProxy(v);
      if (r.ok) return r.value;
      ctx.addIssue({ code: 'custom', message: 'must be a number of hops (0–10) or a comma-separated list of IP addresses or subnets (10.0.0.0/8)' });
      return z.NEVER;
    }),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
});

export type Env = z.infer<typeof schema>;

/** Every variable the configuration reads, for the README's table (a test holds the two together). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(schema.shape);

export interface Config extends Env {
  dataDir: string;
  contentDir: string;
  /** true when no DATABASE_URL/MEILI_URL: PGlite in-process and a spawned Meilisearch. */
  embeddedDb: boolean;
  embeddedSearch: boolean;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    // Never echo the value: it may be a secret.
    throw new ConfigError(variable, `invalid value (${issue.message})`);
  }
  const e = parsed.data;
  if (e.MEILI_URL && !e.MEILI_MASTER_KEY) throw new ConfigError('MEILI_MASTER_KEY', 'is required when MEILI_URL is set');
  if (e.SLACK_BOT_TOKEN && !e.SLACK_SIGNING_SECRET && !e.SLACK_APP_TOKEN)
    throw new ConfigError('SLACK_SIGNING_SECRET', 'is required when SLACK_BOT_TOKEN is set (or SLACK_APP_TOKEN for Socket Mode)');
  if (e.SLACK_APP_TOKEN && !e.SLACK_BOT_TOKEN) throw new ConfigError('SLACK_BOT_TOKEN', 'is required when SLACK_APP_TOKEN is set');
  if (e.DINGTALK_CLIENT_ID && !e.DINGTALK_CLIENT_SECRET) throw new ConfigError('DINGTALK_CLIENT_SECRET', 'is required when DINGTALK_CLIENT_ID is set');
  if (e.DINGTALK_CLIENT_SECRET && !e.DINGTALK_CLIENT_ID) throw new ConfigError('DINGTALK_CLIENT_ID', 'is required when DINGTALK_CLIENT_SECRET is set');
  if (e.FEISHU_APP_ID && !e.FEISHU_APP_SECRET) throw new ConfigError('FEISHU_APP_SECRET', 'is required when FEISHU_APP_ID is set');
  if (e.SMTP_URL && !e.MAIL_FROM) throw new ConfigError('MAIL_FROM', 'is required when SMTP_URL is set (the sender of every mail)');
  // With PUBLIC_URL Feishu posts events to us: they must be encrypted and carry our token.
  if (e.FEISHU_APP_ID && e.PUBLIC_URL && !e.FEISHU_ENCRYPT_KEY) throw new ConfigError('FEISHU_ENCRYPT_KEY', 'is required when FEISHU_APP_ID and PUBLIC_URL are set (HTTP events)');
  if (e.FEISHU_APP_ID && e.PUBLIC_URL && !e.FEISHU_VERIFICATION_TOKEN) throw new ConfigError('FEISHU_VERIFICATION_TOKEN', 'is required when FEISHU_APP_ID and PUBLIC_URL are set (HTTP events)');
  if (e.EMBEDDING_BASE_URL && !e.EMBEDDING_MODEL) throw new ConfigError('EMBEDDING_MODEL', 'is required when EMBEDDING_BASE_URL is set');
  if (e.WECOM_CORP_ID) {
    for (const name of ['WECOM_TOKEN', 'WECOM_ENCODING_AES_KEY'] as const) if (!e[name]) throw new ConfigError(name, 'is required when WECOM_CORP_ID is set');
    if (!e.WECOM_APP_SECRET && !e.WECOM_KF_SECRET) throw new ConfigError('WECOM_APP_SECRET', 'or WECOM_KF_SECRET is required when WECOM_CORP_ID is set');
    if (e.WECOM_APP_SECRET && !e.WECOM_AGENT_ID) throw new ConfigError('WECOM_AGENT_ID', 'is required when WECOM_APP_SECRET is set');
    if (e.WECOM_KF_SECRET && !e.WECOM_KF_OPEN_KFID) throw new ConfigError('WECOM_KF_OPEN_KFID', 'is required when WECOM_KF_SECRET is set');
  }
  return {
    ...e,
    dataDir: path.resolve(cwd, e.DATA_DIR),
    contentDir: path.resolve(cwd, e.CONTENT_DIR),
    embeddedDb: !e.DATABASE_URL,
    embeddedSearch: !e.MEILI_URL,
  };
}
