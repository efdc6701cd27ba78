/**
 * The console's Patents page (operator only): index status, a JSONL/CSV upload imported in the
 * background by the `import` command's importer with progress on its own page, clear refusals of
 * other files (in the operator's language, never the API's JSON), indexing of pending rows, and the
 * patent list with search and paging.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PATENT_UPLOADS, patentsPage } from '../../src/console/pages/patents-page.js';
import { createLogger } from '../../src/util/log.js';
import { PACKAGE_ROOT } from '../../src/util/paths.js';
import { openHarness, type Browser, type Harness } from './console-harness.js';

let h: Harness;
const demo = readFileSync(path.join(PACKAGE_ROOT, 'content/demo-patents.jsonl'), 'utf8').split('\n').filter(Boolean);
const ids = demo.map((l) => (JSON.parse(l) as { id: string }).id);

const fileForm = (token: string | undefined, name: string, content: string) => {
  const form = new FormData();
  if (token) form.set('_csrf', token);
  form.set('file', new File([content], name, { type: 'application/octet-stream' }));
  return form;
};

/** Follows the job page until the import is no longer running. */
async function finished(b: Browser, location: string): Promise<string> {
  for (let i = 0; i < 300; i++) {
    const page = await b.text(location);
    if (!page.includes('data-status="running"')) return page;
    expect(page).toContain('<meta http-equiv="refresh" content="2">');
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('import did not finish');
}

beforeAll(async () => {
  h = await openHarness({ uploads: PATENT_UPLOADS, pages: (s) => [patentsPage({ store: s.store, index: s.index, search: s.search, log: createLogger('silent'), clock: () => new Date() })] });
});
afterAll(async () => {
  await h?.close();
});

describe('console patents', () => {
  it('imports a small JSONL upload in the background; the count grows', async () => {
    const op = await h.operator();
    const before = await op.text('/console/patents');
    expect(before).toContain('data-test="patents-total">0<');
    expect(before).toContain('enctype="multipart/form-data"');
    const token = await op.csrf('/console/patents');
    const res = await op.upload('/console/patents/imports', fileForm(token, 'three.jsonl', demo.slice(0, 3).join('\n') + '\n'));
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    expect(location).toMatch(/^\/console\/patents\/imports\/\d+$/);
    const page = await finished(op, location);
    expect(page).toContain('data-status="done"');
    expect(page).toContain('data-test="progress">100%<');
    expect(page).toContain('data-test="inserted">3<');
    expect(page).toContain('data-test="rejected">0<');
    expect(page).toContain('three.jsonl');
    expect(page).not.toContain('http-equiv="refresh"');
    expect(await h.services.store.count()).toBe(3);
    const after = await op.text('/console/patents');
    expect(after).toContain('data-test="patents-total">3<');
    expect(after).toContain('data-test="patents-pending">0<');
    expect(after).toContain(`href="${location}"`);
  });

  it('imports CSV and reports rejected lines', async () => {
    const op = await h.operator();
    const token = await op.csrf('/console/patents');
    const csv = `id,title,applicants\n${ids[3]},测试专利 <script>x</script>,甲公司;乙公司\n,missing id,\n`;
    const res = await op.upload('/console/patents/imports', fileForm(token, 'more.CSV', csv));
    expect(res.status).toBe(303);
    const page = await finished(op, res.headers.get('location')!);
    expect(page).toContain('data-test="inserted">1<');
    expect(page).toContain('data-test="rejected">1<');
    expect(page).toContain('data-test="rejects"');
    expect(await h.services.store.count()).toBe(4);
    expect((await h.services.store.get(ids[3]!))!.title).toBe('测试专利 <script>x</script>');
  });

  it('refuses other file types, empty and missing files, and uploads without the CSRF token', async () => {
    const op = await h.operator();
    const token = await op.csrf('/console/patents');
    const refused = async (form: FormData, status: number, message: string) => {
      const res = await op.upload('/console/patents/imports', form);
      expect(res.status).toBe(status);
      expect(await res.text()).toContain(`data-test="message">${message}<`);
    };
    await refused(fileForm(token, 'patents.json', demo[0]!), 400, '只接受 .jsonl 或 .csv 文件。');
    await refused(fileForm(token, 'patents.jsonl.exe', demo[0]!), 400, '只接受 .jsonl 或 .csv 文件。');
    await refused(fileForm(token, 'empty.jsonl', ''), 400, '文件是空的。');
    const noFile = new FormData();
    noFile.set('_csrf', token);
    await refused(noFile, 400, '请选择要导入的文件。');
    expect((await op.upload('/console/patents/imports', fileForm(undefined, 'x.jsonl', demo[0]!))).status).toBe(403);
    // Without a session (it expired): a sign-in page saying so, in the browser's language, not JSON.
    const expired = await h.browser().upload('/console/patents/imports', fileForm(token, 'x.jsonl', demo[0]!));
    expect(expired.status).toBe(401);
    expect(expired.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await expired.text()).toContain('您尚未登录或登录已过期，提交的内容未做任何处理。');
    // Over the limit by its declared length: refused before the body is read.
    const big = await op.req('/console/patents/imports', { method: 'POST', body: 'x', headers: { origin: 'http://localhost', 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(60 * 1024 * 1024) } });
    expect(big.status).toBe(413);
    expect(big.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await big.text()).toContain('data-test="message">提交的内容太大：上限为 50 MB，未做任何处理。<');
    expect(await h.services.store.count()).toBe(4);
  });

  it('indexes pending rows', async () => {
    const op = await h.operator();
    await h.services.database.rows(sql`update patents set indexed_hash = null where id = ${ids[0]!} returning id`);
    expect(await op.text('/console/patents')).toContain('data-test="patents-pending">1<');
    const token = await op.csrf('/console/patents');
    const res = await op.post('/console/patents/reindex', { _csrf: token });
    expect(res.headers.get('location')).toBe('/console/patents?reindexed=1');
    const page = await op.text('/console/patents?reindexed=1');
    expect(page).toContain('data-test="patents-pending">0<');
    expect(page).toContain('已索引 1 条待处理记录。');
  });

  it('is for the operator only', async () => {
    const org = await h.member('organiser', 'expo-2026-wuhan');
    expect((await org.req('/console/patents')).status).toBe(403);
    // Their own session's valid token does not get them in.
    const orgToken = await org.csrf('/console/patents');
    expect((await org.upload('/console/patents/imports', fileForm(orgToken, 'x.jsonl', demo[5]!))).status).toBe(403);
    expect((await org.post('/console/patents/reindex', { _csrf: orgToken })).status).toBe(403);
    const staff = await h.member('staff', 'xiangjiang-ip-trading');
    expect((await staff.req('/console/patents')).status).toBe(403);
    expect((await staff.req('/console/patents/imports/1')).status).toBe(403);
    expect(await h.services.store.count()).toBe(4);
  });

  it('words every kind of rejected line and a failed import in Chinese', async () => {
    const op = await h.operator();
    const lines = [
      '{"id": "CN1',
      '[1, 2]',
      '{"title": "无编号"}',
      '{"id": "12345", "title": "x"}',
      `{"id": "${ids[0]}"}`,
      `{"id": "${ids[0]}", "title": "x", "tradeModes": ["gift"]}`,
      `{"id": "${ids[0]}", "title": "x", "patentType": "idea"}`,
      `{"id": "${ids[0]}", "title": "x", "applicationDate": "2020-13-40"}`,
      `{"id": "${ids[0]}", "title": {"a": 1}}`,
    ];
    const res = await op.upload('/console/patents/imports', fileForm(await op.csrf('/console/patents'), 'bad.jsonl', lines.join('\n') + '\n'));
    const page = await finished(op, res.headers.get('location')!);
    const reasons = [...(/data-test="rejects"[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(page)?.[1] ?? '').matchAll(/<tr><td>\d+<\/td><td class="long">([^<]*)<\/td><\/tr>/g)].map((m) => m[1]!);
    expect(reasons).toEqual([
      '这一行不是有效的 JSON（每行应是一个完整的 JSON 对象）。',
      '这一行不是 JSON 对象（应为 {…}）。',
      '缺少公开号（id 或 publicationNumber 字段）。',
      '“12345”不是公开号（格式如 CN218751475U）。',
      '缺少名称（title 字段）。',
      expect.stringMatching(/^交易方式 tradeModes 的值“gift”无效，应为 \S+ 之一。$/),
      expect.stringMatching(/^专利类型 patentType 的值“idea”无效，应为 .+ 之一。$/),
      '字段 applicationDate 应为 YYYY-MM-DD 格式的日期（文件中为“2020-13-40”）。',
      '字段 title 应为文本。',
    ]);
    expect(page).not.toMatch(/invalid JSON|not a JSON object|missing title/);
    expect(page).toContain('开始时间');

    const csv = await op.upload('/console/patents/imports', fileForm(await op.csrf('/console/patents'), 'bad.csv', `id,title\n${ids[0]},a,b\n${ids[1]},"open\n`));
    const csvPage = await finished(op, csv.headers.get('location')!);
    expect(csvPage).toContain('表头有 2 列，这一行有 3 列（含逗号的值请用英文双引号括起）。');
    expect(csvPage).toContain('引号没有闭合');
    const noHeader = await op.upload('/console/patents/imports', fileForm(await op.csrf('/console/patents'), 'nohead.csv', `name,abstract\nx,y\n`));
    const failed = await finished(op, noHeader.headers.get('location')!);
    expect(failed).toContain('data-status="failed"');
    expect(failed).toContain('data-test="import-error">CSV 的第一行（表头）至少要包含 id（或 publicationNumber）和 title 两列；文件未导入。<');
    // In English the importer's own sentence is the operator's language.
    await op.post('/console/lang', { _csrf: await op.csrf('/console/patents'), lang: 'en' });
    expect(await op.text(noHeader.headers.get('location')!)).toContain('CSV header must name at least the columns id (or publicationNumber) and title');
  });

  it('lists the patents with paging, and searches them with the chat’s search', async () => {
    const op = await h.operator();
    const res = await op.upload('/console/patents/imports', fileForm(await op.csrf('/console/patents'), 'demo.jsonl', demo.join('\n') + '\n'));
    expect((await finished(op, res.headers.get('location')!))).toContain('data-status="done"');
    const rowIds = (page: string) => [...page.matchAll(/<tr data-id="([^"]+)">/g)].map((m) => m[1]!);
    const first = await op.text('/console/patents');
    expect(rowIds(first)).toHaveLength(20);
    expect(first).toContain(`data-test="patent-count">第 1–20 条，共 ${demo.length} 条<`);
    expect(first).toContain('href="/console/patents?page=2#list"');
    const second = await op.text('/console/patents?page=2');
    expect(rowIds(second)).toHaveLength(20);
    expect(rowIds(second).some((id) => rowIds(first).includes(id))).toBe(false);
    const last = await op.text(`/console/patents?page=${Math.ceil(demo.length / 20)}`);
    expect(rowIds(last)).toHaveLength(demo.length % 20 || 20);
    expect(last).not.toContain('data-test="next"');
    const all = new Set<string>();
    for (let p = 1; p <= Math.ceil(demo.length / 20); p++) for (const id of rowIds(await op.text(`/console/patents?page=${p}`))) all.add(id);
    expect([...all].sort()).toEqual([...ids].sort());

    // A publication number in another spelling finds that patent first.
    const target = ids[42]!;
    const spelled = `${target.slice(0, 2).toLowerCase()} ${target.slice(2)}`;
    const found = await op.text(`/console/patents?${new URLSearchParams({ q: spelled })}`);
    expect(rowIds(found)[0]).toBe(target);
    expect(found).toContain(`value="${spelled}"`);
    // A topic finds patents whose title has it; a nonsense query finds none.
    const topic = (JSON.parse(demo[0]!) as { title: string }).title.slice(2, 8);
    const byTopic = await op.text(`/console/patents?${new URLSearchParams({ q: topic })}`);
    expect(rowIds(byTopic)).toContain(ids[0]);
    expect(rowIds(await op.text(`/console/patents?${new URLSearchParams({ q: 'zzqxv' })}`))).toEqual([]);
  });
});
