/**
 * The console's Patents page (operator only): index status, a JSONL/CSV upload imported in the
 * background by the `import` command's importer with progress on its own page, clear refusals of
 * other files, and indexing of pending rows.
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
  h = await openHarness({ uploads: PATENT_UPLOADS, pages: (s) => [patentsPage({ store: s.store, index: s.index, log: createLogger('silent'), clock: () => new Date() })] });
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
    // Over the limit by its declared length: refused before the body is read.
    const big = await op.req('/console/patents/imports', { method: 'POST', body: 'x', headers: { origin: 'http://localhost', 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(60 * 1024 * 1024) } });
    expect(big.status).toBe(413);
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
});
