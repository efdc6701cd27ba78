/**
 * Patents (operator only): how many rows the database holds and how many Meilisearch has not yet
 * confirmed; an upload (.jsonl or .csv, at most 50 MB) imported in the background by the same
 * importer as `patent-bridge import`, with progress on its own page; and indexing of pending rows
 * as `reindex --pending` does it; a list of the patents with search and paging (patent-list.ts).
 * Import jobs live in this process's memory.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { PatentIndex } from '../../../search/patent-index.js';
import type { PatentSearch } from '../../../search/patent-search.js';
import { chinaTime } from '../../services/lead-notice.js';
import { importPatents, syncIndex, type ImportFormat, type ImportProgress, type ImportReport } from '../../services/patent-importer.js';
import type { PatentStore } from '../../services/patent-store.js';
import type { Logger } from '../../util/log.js';
import { allow, respond, type ConsoleApp, type ConsoleContext } from '../console-app.js';
import { ct } from '../console-strings.js';
import { html, raw } from '../html.js';
import { csrfField } from '../layout.js';
import { importMessage } from '../import-messages.js';
import { patentList } from './patent-list.js';

export const MAX_PATENT_FILE = 50 * 1024 * 1024;
const UPLOAD_PATH = '/console/patents/imports';
/** For createHttpApp's `bodyLimits`: the file plus the multipart envelope; read only once the console has checked the session. */
export const PATENT_UPLOADS: Record<string, number> = { [UPLOAD_PATH]: MAX_PATENT_FILE + 64 * 1024 };
const KEEP_JOBS = 20;
const REJECTS_SHOWN = 50;

export interface PatentsPageDeps {
  store: PatentStore;
  index: PatentIndex;
  /** The chat's search, for the list's query (without it the list only pages through Postgres). */
  search?: PatentSearch;
  log: Logger;
  clock: () => Date;
  /** Where uploads are kept while they are imported (default: the system temp directory). */
  tmpDir?: string;
}

export interface ImportJob {
  id: number;
  name: string;
  format: ImportFormat;
  size: number;
  status: 'running' | 'done' | 'failed';
  startedAt: Date;
  finishedAt?: Date;
  progress: ImportProgress;
  report?: ImportReport;
  error?: string;
}

const formatOf = (name: string): ImportFormat | undefined => (/\.jsonl$/i.test(name) ? 'jsonl' : /\.csv$/i.test(name) ? 'csv' : undefined);

export function patentsPage(d: PatentsPageDeps) {
  const jobs = new Map<number, ImportJob>();
  let nextId = 1;
  const running = () => [...jobs.values()].find((j) => j.status === 'running');

  const start = async (file: File, format: ImportFormat): Promise<ImportJob> => {
    const job: ImportJob = {
      id: nextId++,
      name: file.name.slice(0, 200),
      format,
      size: file.size,
      status: 'running',
      startedAt: d.clock(),
      progress: { bytesRead: 0, bytesTotal: file.size, lines: 0, written: 0, rejected: 0 },
    };
    jobs.set(job.id, job);
    for (const old of [...jobs.values()].filter((j) => j.status !== 'running').slice(0, Math.max(0, jobs.size - KEEP_JOBS))) jobs.delete(old.id);
    const dir = await mkdtemp(path.join(d.tmpDir ?? os.tmpdir(), 'pb-upload-'));
    const fail = (err: unknown) => {
      job.status = 'failed';
      job.error = (err instanceof Error ? err.message : String(err)).slice(0, 500);
      job.finishedAt = d.clock();
      d.log.warn('console patent import failed', { id: job.id, err });
    };
    try {
      const target = path.join(dir, `upload.${format}`);
      await pipeline(Readable.fromWeb(file.stream() as unknown as WebReadableStream), createWriteStream(target));
      d.log.info('console patent import started', { id: job.id, name: job.name, bytes: job.size });
      // In the background: the page shows progress; the upload is removed whatever happens.
      void importPatents(target, { store: d.store, index: d.index }, { format, onProgress: (p) => (job.progress = p) })
        .then((report) => {
          job.report = report;
          job.status = 'done';
          job.finishedAt = d.clock();
          d.log.info('console patent import finished', { id: job.id, inserted: report.inserted, updated: report.updated, rejected: report.rejected.length, ms: report.ms });
        })
        .catch(fail)
        .finally(() => rm(dir, { recursive: true, force: true }).catch(() => {}));
    } catch (err) {
      fail(err);
      await rm(dir, { recursive: true, force: true }).catch(() => {});
    }
    return job;
  };

  const overview = async (c: ConsoleContext, message?: { text: string; ok?: boolean }, status: 200 | 400 | 409 | 413 = 200) => {
    const s = c.get('session');
    const l = c.get('locale');
    const [total, pending, indexed] = await Promise.all([d.store.count(), d.store.pendingCount(), d.index.count().catch(() => undefined)]);
    const reindexed = c.req.query('reindexed');
    const current = running();
    const recent = [...jobs.values()].reverse();
    const body = html`${message ? html`<p class="note${message.ok ? ' ok' : ''}" data-test="message">${message.text}</p>` : ''}${reindexed && /^\d{1,9}$/.test(reindexed) ? html`<p class="note ok" data-test="message">${ct(l, 'reindexed')(Number(reindexed))}</p>` : ''}
<div class="card" data-test="index-status"><p>${ct(l, 'patentsTotal')}: <strong data-test="patents-total">${total}</strong></p>
<p>${ct(l, 'patentsPending')}: <strong data-test="patents-pending">${pending}</strong></p>
<p>${ct(l, 'patentsIndexed')}: <strong>${indexed ?? '—'}</strong></p>
<p><small>${ct(l, 'pendingHelp')}</small></p>
<form method="post" action="/console/patents/reindex">${csrfField(s)}<button type="submit" class="secondary" data-test="reindex">${ct(l, 'reindexPending')}</button></form></div>
<form class="card" method="post" action="${UPLOAD_PATH}" enctype="multipart/form-data" data-test="import">${csrfField(s)}
<h2>${ct(l, 'importTitle')}</h2><p>${ct(l, 'importHelp')}</p>
${current ? html`<p class="note">${ct(l, 'importBusy')} <a href="/console/patents/imports/${current.id}">${ct(l, 'importNo')(current.id)}</a></p>` : ''}
<p><label>${ct(l, 'file')} <input type="file" name="file" accept=".jsonl,.csv" required></label> <button type="submit">${ct(l, 'startImport')}</button></p></form>
<h2>${ct(l, 'recentImports')}</h2>
<div class="wrap"><table data-test="imports"><thead><tr><th>#</th><th>${ct(l, 'file')}</th><th>${ct(l, 'importStarted')}</th><th>${ct(l, 'status')}</th><th>${ct(l, 'lines')}</th><th>${ct(l, 'rejected')}</th></tr></thead><tbody>
${recent.length
  ? recent.map((j) => html`<tr><td><a href="/console/patents/imports/${j.id}">${j.id}</a></td><td>${j.name}</td><td>${chinaTime(j.startedAt)}</td><td>${ct(l, j.status === 'running' ? 'importRunning' : j.status === 'done' ? 'importDone' : 'importFailed')}</td><td>${j.progress.lines}</td><td>${j.report?.rejected.length ?? j.progress.rejected}</td></tr>`)
  : html`<tr><td colspan="6">${ct(l, 'none')}</td></tr>`}
</tbody></table></div>
${await patentList(d, l, { q: c.req.query('q'), page: c.req.query('page') })}`;
    return respond(c, ct(l, 'navPatents'), body, 'patents', status);
  };

  return (app: ConsoleApp) => {
    app.get('/console/patents', async (c) => {
      const denied = allow(c, 'patents');
      if (denied) return denied;
      return overview(c);
    });

    app.post(UPLOAD_PATH, async (c) => {
      const denied = allow(c, 'patents');
      if (denied) return denied;
      const l = c.get('locale');
      // The CSRF check has parsed the body already; this is the same parse, with the file in it.
      const file = (await c.req.parseBody()).file;
      if (!(file instanceof File) || !file.name) return overview(c, { text: ct(l, 'noFile') }, 400);
      const format = formatOf(file.name);
      if (!format) return overview(c, { text: ct(l, 'badFileType') }, 400);
      if (file.size > MAX_PATENT_FILE) return overview(c, { text: ct(l, 'fileTooLarge') }, 413);
      if (file.size === 0) return overview(c, { text: ct(l, 'emptyFile') }, 400);
      if (running()) return overview(c, { text: ct(l, 'importBusy') }, 409);
      const job = await start(file, format);
      return c.redirect(`/console/patents/imports/${job.id}`, 303);
    });

    app.get('/console/patents/imports/:id{[0-9]{1,9}}', async (c) => {
      const denied = allow(c, 'patents');
      if (denied) return denied;
      const l = c.get('locale');
      const job = jobs.get(Number(c.req.param('id')));
      if (!job) return respond(c, ct(l, 'navPatents'), html`<p class="note">${ct(l, 'importGone')}</p><p><a href="/console/patents">${ct(l, 'back')}</a></p>`, 'patents', 404);
      const p = job.progress;
      // Reading the file is most of the work; 100% only once Meilisearch has confirmed every batch.
      const pct = job.status === 'running' ? Math.min(99, p.bytesTotal ? Math.floor((p.bytesRead / p.bytesTotal) * 100) : 0) : 100;
      const r = job.report;
      const stat = (key: Parameters<typeof ct>[1] & ('lines' | 'written' | 'inserted' | 'updated' | 'unchanged' | 'duplicates' | 'rejected'), n: number, test: string) => html`<tr><th>${ct(l, key)}</th><td data-test="${test}">${n}</td></tr>`;
      const body = html`${job.status === 'running' ? raw('<meta http-equiv="refresh" content="2">') : ''}
<div class="card" data-test="import-job" data-status="${job.status}">
<p><strong>${ct(l, 'file')}:</strong> ${job.name} (${(job.size / 1024).toFixed(1)} KB, ${job.format.toUpperCase()}) · ${ct(l, 'importStarted')}: ${chinaTime(job.startedAt)}</p>
<p><strong>${ct(l, 'status')}:</strong> <span data-test="import-status">${ct(l, job.status === 'running' ? 'importRunning' : job.status === 'done' ? 'importDone' : 'importFailed')}</span>
${job.status !== 'failed' ? html` · <progress value="${pct}" max="100"></progress> <strong data-test="progress">${pct}%</strong>` : ''}</p>
${job.error ? html`<p class="note" data-test="import-error">${importMessage(job.error, l)}</p><p><small>${ct(l, 'importFailedHelp')}</small></p>` : ''}
${job.status === 'running' ? html`<p><small>${ct(l, 'importRefreshes')}</small></p>` : ''}
<table>${stat('lines', r?.lines ?? p.lines, 'lines')}${stat('written', p.written, 'written')}${r ? html`${stat('inserted', r.inserted, 'inserted')}${stat('updated', r.updated, 'updated')}${stat('unchanged', r.unchanged, 'unchanged')}${stat('duplicates', r.duplicates, 'duplicates')}` : ''}${stat('rejected', r?.rejected.length ?? p.rejected, 'rejected')}
${r ? html`<tr><th>${ct(l, 'duration')}</th><td>${(r.ms / 1000).toFixed(1)} s</td></tr>` : ''}</table></div>
${r && r.rejected.length
  ? html`<h2>${ct(l, 'rejected')}</h2><div class="wrap"><table data-test="rejects"><thead><tr><th>${ct(l, 'line')}</th><th>${ct(l, 'reason')}</th></tr></thead><tbody>
${r.rejected.slice(0, REJECTS_SHOWN).map((x) => html`<tr><td>${x.line}</td><td class="long">${importMessage(x.reason, l)}</td></tr>`)}</tbody></table></div>${r.rejected.length > REJECTS_SHOWN ? html`<p>… ${r.rejected.length - REJECTS_SHOWN}</p>` : ''}`
  : ''}
<p><a href="/console/patents">${ct(l, 'back')}</a></p>`;
      return respond(c, ct(l, 'importNo')(job.id), body, 'patents');
    });

    /** Indexes rows Meilisearch has not confirmed, as `reindex --pending` and every start do. */
    app.post('/console/patents/reindex', async (c) => {
      const denied = allow(c, 'patents');
      if (denied) return denied;
      const l = c.get('locale');
      try {
        const n = await syncIndex({ store: d.store, index: d.index }, 'pending');
        d.log.info('console indexed pending patents', { count: n });
        return c.redirect(`/console/patents?reindexed=${n}`, 303);
      } catch (err) {
        d.log.warn('console reindex failed', { err });
        return overview(c, { text: ct(l, 'reindexFailed')((err as Error).message.slice(0, 300)) }, 409);
      }
    });
  };
}
