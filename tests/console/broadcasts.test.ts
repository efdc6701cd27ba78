/**
 * The console's Broadcasts page: preview shows exactly what recipients get and creates nothing;
 * confirm creates through BroadcastService.create (the chat dialogue's path) once per preview;
 * validation as in the chat and the admin API; progress and per-recipient outcomes with masked chat
 * ids; Stop once; who may see and stop what.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { broadcastsPage } from '../../src/console/pages/broadcasts-page.js';
import { escapeHtml } from '../../src/console/html.js';
import { renderBroadcast } from '../../src/services/broadcast-service.js';
import { createLogger } from '../../src/util/log.js';
import { hiddenFields, openHarness, type Harness } from './console-harness.js';

const WUHAN = 'expo-2026-wuhan';
const CHANGSHA = 'expo-2027-changsha';
let h: Harness;

const count = async (table: 'broadcasts' | 'broadcast_deliveries') => (await h.services.database.rows<{ n: number }>(sql.raw(`select count(*)::int as n from ${table}`)))[0]!.n;
const idFrom = (res: Response) => Number(/^\/console\/broadcasts\/(\d+)$/.exec(res.headers.get('location') ?? '')?.[1]);

/** Wuhan: two confirmed Telegram registrants (zh, en), one waitlisted, one web-only; Changsha: one; plus one subscriber. */
async function seed() {
  const people = [
    { chat: '900000001234', expo: WUHAN, status: 'confirmed', role: 'buyer', locale: 'zh' },
    { chat: '900000005678', expo: WUHAN, status: 'confirmed', role: 'patentee', locale: 'en' },
    { chat: '900000009999', expo: WUHAN, status: 'waitlisted', role: 'buyer', locale: 'zh' },
    { chat: 'web-only-1', expo: WUHAN, status: 'confirmed', role: 'buyer', locale: 'zh', platform: 'web' },
    { chat: '900000004444', expo: CHANGSHA, status: 'confirmed', role: 'visitor', locale: 'zh' },
    { chat: '900000007777', subscribed: true, locale: 'en' },
  ];
  for (const [i, p] of people.entries()) {
    const [u] = await h.services.database.rows<{ id: number }>(sql`
      insert into users (platform, platform_user_id, locale, subscribed) values (${p.platform ?? 'telegram'}, ${p.chat}, ${p.locale}, ${!!p.subscribed}) returning id`);
    if (p.expo)
      await h.services.database.rows(sql`
        insert into registrations (expo_slug, user_id, name, organisation, role, status, code, consent_at)
        values (${p.expo}, ${u!.id}, 'n', 'o', ${p.role!}, ${p.status!}, ${`BC${i}XYZ`}, now()) returning id`);
  }
}

beforeAll(async () => {
  h = await openHarness({ pages: (s) => [broadcastsPage({ broadcasts: s.broadcasts, expos: s.expos, log: createLogger('silent') })] });
  await seed();
});
afterAll(async () => {
  await h?.services.broadcasts.stop();
  await h?.close();
});

describe('console broadcasts', () => {
  let first = 0;

  it('previews the exact texts and counts and creates nothing; refuses what the chat and the admin API refuse', async () => {
    const org = await h.member('organiser', WUHAN);
    const token = await org.csrf('/console/broadcasts');
    const form = { _csrf: token, audience: 'confirmed', role: '', zh: '  展会<b>通知</b>\r\n第二行  ', en: 'Expo notice & "news"', link: 'https://example.com/a?b=1&c=2' };
    const res = await org.post('/console/broadcasts/preview', form);
    expect(res.status).toBe(200);
    const page = await res.text();
    const draft = { textZh: '展会<b>通知</b>\n第二行', textEn: 'Expo notice & "news"', linkUrl: 'https://example.com/a?b=1&c=2' };
    expect(page).toContain(`<pre style="white-space:pre-wrap;font:inherit;margin:0" data-test="text-zh">${escapeHtml(renderBroadcast(draft, 'zh').text)}</pre>`);
    expect(page).toContain(`data-test="text-en">${escapeHtml(renderBroadcast(draft, 'en').text)}</pre>`);
    expect(page).not.toContain('<b>通知</b>');
    expect(page).toContain(`href="${escapeHtml(draft.linkUrl)}"`);
    expect(page).toContain('data-test="audience-counts">收件人：Telegram 2 人；已退订不发送 0 人；仅用网页聊天、无法推送 1 人。<');
    expect(page).toContain('data-test="confirm"');
    expect(await count('broadcasts')).toBe(0);

    const bad = async (over: Record<string, string>, message: string) => {
      const r = await org.post('/console/broadcasts/preview', { ...form, ...over });
      expect(r.status).toBe(400);
      expect(await r.text()).toContain(`data-test="error">${escapeHtml(message)}<`);
    };
    await bad({ zh: ' ', en: '' }, '至少需要中文或英文内容之一。请发送中文内容。');
    await bad({ zh: '字'.repeat(3001) }, '内容需为 1–3000 个字。');
    await bad({ link: 'javascript:alert(1)' }, '网址需以 http:// 或 https:// 开头，且不超过 500 个字符。');
    await bad({ link: `https://example.com/${'a'.repeat(500)}` }, '网址需以 http:// 或 https:// 开头，且不超过 500 个字符。');
    await bad({ audience: 'everyone' }, '请选择有效的收件人范围。');
    await bad({ role: 'admin' }, '请选择有效的收件人范围。');
    // 3000 characters (counted as characters, not UTF-16 units) are fine.
    expect((await org.post('/console/broadcasts/preview', { ...form, zh: '𠀀'.repeat(3000) })).status).toBe(200);
    // Oversized forms are refused before they are read; missing CSRF tokens too.
    expect((await org.post('/console/broadcasts/preview', { ...form, zh: 'x'.repeat(300 * 1024) })).status).toBe(413);
    const { _csrf: _, ...noToken } = form;
    expect((await org.post('/console/broadcasts/preview', noToken)).status).toBe(403);
    expect(await count('broadcasts')).toBe(0);
  });

  it('confirm creates the broadcast once through BroadcastService; an organiser stays on their own expo', async () => {
    const org = await h.member('organiser', WUHAN);
    const token = await org.csrf('/console/broadcasts');
    // The expo field is ignored for organisers: the audience is their own edition.
    const preview = await (await org.post('/console/broadcasts/preview', { _csrf: token, expo: CHANGSHA, audience: 'active', role: 'buyer', zh: '买方专场\r\n欢迎', en: '', link: '' })).text();
    const fields = hiddenFields(preview, 'confirm');
    expect(fields.zh).toBe('买方专场\n欢迎');
    const res = await org.post('/console/broadcasts', fields);
    expect(res.status).toBe(303);
    first = idFrom(res);
    expect(first).toBeGreaterThan(0);
    // A second click on the same preview's button creates nothing more.
    expect((await org.post('/console/broadcasts', fields)).headers.get('location')).toBe(`/console/broadcasts/${first}`);
    expect(await count('broadcasts')).toBe(1);
    const b = (await h.services.broadcasts.store.get(first))!;
    expect(b.audience).toEqual({ kind: 'registrants', expo: WUHAN, status: 'active', role: 'buyer' });
    expect(b.createdBy).toBe(org.staffId);
    expect([b.textZh, b.textEn, b.linkUrl, b.status, b.total]).toEqual(['买方专场\n欢迎', null, null, 'sending', 2]);
    // Without an outlet nothing is sent: the rows wait.
    expect((await h.services.broadcasts.store.counts(first)).pending).toBe(2);
    // A confirm without the preview's token is refused.
    const { nonce: _, ...noNonce } = fields;
    expect((await org.post('/console/broadcasts', noNonce)).status).toBe(400);
    expect(await count('broadcasts')).toBe(1);
  });

  it('shows progress with masked chat ids, refreshing while it sends; stops once; other organisers see nothing', async () => {
    const org = await h.member('organiser', WUHAN);
    const page = await org.text(`/console/broadcasts/${first}`);
    expect(page).toContain('<meta http-equiv="refresh" content="2">');
    expect(page).toContain('data-test="progress">0%<');
    expect(page).toContain('<td>***1234</td>');
    expect(page).toContain('<td>***9999</td>');
    expect(page).not.toContain('900000001234');
    expect(page).toContain('data-test="cancel"');
    const list = await org.text('/console/broadcasts');
    expect(list).toContain(`href="/console/broadcasts/${first}"`);

    const other = await h.member('organiser', CHANGSHA);
    expect((await other.req(`/console/broadcasts/${first}`)).status).toBe(404);
    expect(await other.text('/console/broadcasts')).not.toContain(`href="/console/broadcasts/${first}"`);
    const otherToken = await other.csrf('/console/broadcasts');
    expect((await other.post(`/console/broadcasts/${first}/cancel`, { _csrf: otherToken })).status).toBe(404);
    expect((await h.services.broadcasts.store.get(first))!.status).toBe('sending');
    const staff = await h.member('staff', 'xiangjiang-ip-trading');
    expect((await staff.req('/console/broadcasts')).status).toBe(403);
    expect((await staff.req(`/console/broadcasts/${first}`)).status).toBe(403);

    const token = await org.csrf(`/console/broadcasts/${first}`);
    expect((await org.post(`/console/broadcasts/${first}/cancel`, { _csrf: token })).headers.get('location')).toBe(`/console/broadcasts/${first}?done=1`);
    expect((await org.post(`/console/broadcasts/${first}/cancel`, { _csrf: token })).headers.get('location')).toBe(`/console/broadcasts/${first}?gone=1`);
    expect(await h.services.broadcasts.store.counts(first)).toMatchObject({ pending: 0, cancelled: 2 });
    const after = await org.text(`/console/broadcasts/${first}?done=1`);
    expect(after).toContain('data-test="progress">100%<');
    expect(after).toContain('data-status="cancelled"');
    expect(after).not.toContain('http-equiv="refresh"');
    expect(after).not.toContain('data-test="cancel"');
  });

  it('lets the operator write to any edition or all subscribers and see every broadcast; delivery reaches 100%', async () => {
    const op = await h.operator();
    const token = await op.csrf('/console/broadcasts');
    const preview = await (await op.post('/console/broadcasts/preview', { _csrf: token, expo: CHANGSHA, audience: 'confirmed', role: '', zh: '', en: 'Changsha news', link: 'http://example.org' })).text();
    expect(preview).toContain('Telegram 1 人');
    expect(preview).not.toContain('data-test="preview-zh"');
    const bogus = await op.post('/console/broadcasts/preview', { _csrf: token, expo: 'expo-1999-nowhere', audience: 'confirmed', role: '', zh: 'x', en: '', link: '' });
    expect(bogus.status).toBe(400);

    // Nobody reachable: nothing is created.
    const none = await (await op.post('/console/broadcasts/preview', { _csrf: token, expo: CHANGSHA, audience: 'waitlisted', role: '', zh: 'x', en: '', link: '' })).text();
    expect(none).toContain('data-test="no-recipients"');
    expect(none).not.toContain('data-test="confirm"');

    // A platform to deliver to: the broadcast runs to 100%.
    const posted: string[] = [];
    h.services.broadcasts.registerOutlet('telegram', { send: async () => '1', edit: async () => {}, post: async (chat) => (posted.push(chat), 'sent') });
    const subs = await (await op.post('/console/broadcasts/preview', { _csrf: token, expo: WUHAN, audience: 'subscribers', role: '', zh: '订阅者公告', en: 'For subscribers', link: '' })).text();
    expect(subs).toContain('Telegram 1 人');
    const res = await op.post('/console/broadcasts', hiddenFields(subs, 'confirm'));
    const id = idFrom(res);
    expect((await h.services.broadcasts.store.get(id))!.audience).toEqual({ kind: 'subscribers' });
    await h.services.broadcasts.idle();
    expect(posted).toEqual(['900000007777']);
    await h.services.broadcasts.tick();
    const page = await op.text(`/console/broadcasts/${id}`);
    expect(page).toContain('data-test="progress">100%<');
    expect(page).toContain('data-status="done"');
    expect(page).toContain('<td>***7777</td><td>telegram</td><td data-status="sent">已送达</td>');

    const list = await op.text('/console/broadcasts');
    expect(list).toContain(`href="/console/broadcasts/${first}"`);
    expect(list).toContain(`href="/console/broadcasts/${id}"`);
    // An organiser sees a subscribers broadcast only if they created it.
    const org = await h.member('organiser', WUHAN);
    expect((await org.req(`/console/broadcasts/${id}`)).status).toBe(404);
  });
});
