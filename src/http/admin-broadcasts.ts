/**
 * The admin API for organiser broadcasts (behind the same Bearer ADMIN_TOKEN check as the rest of
 * /admin/api): the list with delivery counts, one broadcast with its texts, a preview (audience
 * counts and the exact texts recipients would get, nothing created), create, and cancel.
 */
import type { Hono } from 'hono';
import { z } from 'zod';
import { renderBroadcast, type BroadcastService } from '../services/broadcast-service.js';
import { audienceSchema, type Audience, type AudienceCounts, type Broadcast, type Counts } from '../services/broadcast-store.js';
import type { Logger } from '../util/log.js';
import { readJson } from './body-limit.js';

export type BroadcastWithCounts = Broadcast & { counts: Counts };

/** What the routes need; `broadcastAdmin` builds it from the BroadcastService. */
export interface BroadcastAdmin {
  list(limit: number): Promise<BroadcastWithCounts[]>;
  get(id: number): Promise<BroadcastWithCounts | undefined>;
  audienceCounts(audience: Audience): Promise<AudienceCounts>;
  /** Creates the broadcast and starts sending; undefined when nobody in the audience can be reached. */
  create(input: { audience: Audience; textZh?: string; textEn?: string; linkUrl?: string }): Promise<BroadcastWithCounts | undefined>;
  /** False when the broadcast is not sending (done, cancelled or unknown). */
  cancel(id: number): Promise<boolean>;
}

export function broadcastAdmin(broadcasts: BroadcastService): BroadcastAdmin {
  const store = broadcasts.store;
  const withCounts = async (b: Broadcast): Promise<BroadcastWithCounts> => ({ ...b, counts: await store.counts(b.id) });
  return {
    list: async (limit) => Promise.all((await store.list(limit)).map(withCounts)),
    async get(id) {
      const b = await store.get(id);
      return b && withCounts(b);
    },
    audienceCounts: (audience) => store.audienceCounts(audience),
    async create(input) {
      const b = await broadcasts.create(input);
      return b && withCounts(b);
    },
    cancel: (id) => broadcasts.cancel(id),
  };
}

const MAX_LIMIT = 500;
const MAX_ID = 2_147_483_647;
/** A broadcast request is small; the HTTP app enforces this on POST /admin/api/broadcasts (src/http/body-limit.ts). */
export const MAX_BROADCAST_BODY = 64 * 1024;
const MAX_TEXT = 3000;

/** Counted in characters (code points), as the chat dialogue counts them; surrounding blanks do not count. */
const text = z
  .string()
  .trim()
  .refine((s) => s.length > 0, 'must not be empty')
  .refine((s) => !s.includes('\u0000'), 'must not contain a NUL character')
  .refine((s) => [...s].length <= MAX_TEXT, `must be at most ${MAX_TEXT} characters`);

export const broadcastRequestSchema = z
  .strictObject({
    audience: audienceSchema,
    textZh: text.optional(),
    textEn: text.optional(),
    linkUrl: z
      .string()
      .trim()
      .max(500, 'must be at most 500 characters')
      .regex(/^https?:\/\/[^\s<>"]+$/i, 'must be an http:// or https:// address')
      .optional(),
    preview: z.boolean().optional(),
  })
  .refine((b) => b.textZh !== undefined || b.textEn !== undefined, { message: 'at least one of textZh and textEn is needed', path: ['textZh'] });

function error(code: string, message: string) {
  return { error: { code, message } };
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

function summary(b: BroadcastWithCounts) {
  return { id: b.id, audience: b.audience, status: b.status, total: b.total, counts: b.counts, createdAt: iso(b.createdAt), finishedAt: iso(b.finishedAt) };
}

function detail(b: BroadcastWithCounts) {
  return { ...summary(b), textZh: b.textZh, textEn: b.textEn, linkUrl: b.linkUrl };
}

/** The id in the path: undefined when it is not a whole number; 0 (no such broadcast) when out of range. */
function parseId(idText: string): number | undefined {
  if (!/^\d{1,12}$/.test(idText)) return undefined;
  const id = Number(idText);
  return id >= 1 && id <= MAX_ID ? id : 0;
}

/** Mounts the broadcast routes; the caller has already put the admin token check on /admin/api/*. */
export function mountBroadcastAdmin(app: Hono, api: BroadcastAdmin, log: Logger): void {
  app.get('/admin/api/broadcasts', async (c) => {
    const limitText = c.req.query('limit');
    const limit = limitText === undefined ? 50 : /^\d{1,4}$/.test(limitText) ? Number(limitText) : NaN;
    if (!(limit >= 1 && limit <= MAX_LIMIT)) return c.json(error('BAD_LIMIT', `limit must be a whole number from 1 to ${MAX_LIMIT}`), 400);
    return c.json({ broadcasts: (await api.list(limit)).map(summary) });
  });

  app.get('/admin/api/broadcasts/:id', async (c) => {
    const idText = c.req.param('id');
    const id = parseId(idText);
    if (id === undefined) return c.json(error('BAD_REQUEST', 'broadcast id must be a whole number'), 400);
    const b = id ? await api.get(id) : undefined;
    if (!b) return c.json(error('NOT_FOUND', `no broadcast ${idText}`), 404);
    return c.json({ broadcast: detail(b) });
  });

  app.post(
    '/admin/api/broadcasts',
    async (c) => {
      const body = await readJson(c);
      const parsed = broadcastRequestSchema.safeParse(body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        return c.json(error('BAD_BROADCAST', `${issue.path.join('.') || 'body'}: ${issue.message}`), 400);
      }
      const { preview, audience, textZh, textEn, linkUrl } = parsed.data;
      const input = { audience, ...(textZh !== undefined ? { textZh } : {}), ...(textEn !== undefined ? { textEn } : {}), ...(linkUrl !== undefined ? { linkUrl } : {}) };
      if (preview) {
        const draft = { textZh: textZh ?? null, textEn: textEn ?? null, linkUrl: linkUrl ?? null };
        return c.json({
          preview: {
            counts: await api.audienceCounts(audience),
            ...(textZh !== undefined ? { zh: renderBroadcast(draft, 'zh').text } : {}),
            ...(textEn !== undefined ? { en: renderBroadcast(draft, 'en').text } : {}),
          },
        });
      }
      const b = await api.create(input);
      if (!b) return c.json(error('NO_RECIPIENTS', 'no one in that audience can be reached; nothing was created'), 422);
      log.info('admin created broadcast', { id: b.id, total: b.total, audience: b.audience.kind });
      return c.json({ broadcast: detail(b) }, 201);
    },
  );

  app.post('/admin/api/broadcasts/:id/cancel', async (c) => {
    const idText = c.req.param('id');
    const id = parseId(idText);
    if (id === undefined) return c.json(error('BAD_REQUEST', 'broadcast id must be a whole number'), 400);
    if (id && (await api.cancel(id))) {
      log.info('admin cancelled broadcast', { id });
      return c.json({ cancelled: true });
    }
    if (!id || !(await api.get(id))) return c.json(error('NOT_FOUND', `no broadcast ${idText}`), 404);
    return c.json(error('NOT_RUNNING', `broadcast ${idText} is not sending (already finished or cancelled)`), 409);
  });
}
