/**
 * The Patents page's list: without a query, the rows in Postgres, most recently imported or
 * changed first, each marked indexed or waiting; with one, the chat's own search (PatentSearch:
 * the same ranking, filters and patent-number spellings the bot uses), paged. Read-only.
 */
import type { PatentSearch } from '../../../search/patent-search.js';
import type { Province } from '../../core/intents.js';
import { TYPE_LABEL } from '../../core/strings.js';
import type { Locale } from '../../core/types.js';
import { PROVINCE_INFO } from '../../domain/geo.js';
import type { PatentStore } from '../../services/patent-store.js';
import { ct } from '../console-strings.js';
import { html, type Html } from '../html.js';

export const PATENTS_PER_PAGE = 20;
/** PatentSearch ranks a pool of the most relevant records; deeper pages would be empty. */
const MAX_SEARCH_PAGE = 50;

interface Row {
  id: string;
  title: string;
  titleEn: string | null;
  applicants: string[];
  province: string | null;
  provinceRaw: string | null;
  patentType: string | null;
  year: string;
  indexed?: boolean;
}

const province = (p: string | null, raw: string | null, l: Locale) => (p ? (PROVINCE_INFO[p as Province]?.[l === 'zh' ? 'zh' : 'en'] ?? p) : (raw ?? '—'));

export async function patentList(d: { store: PatentStore; search?: PatentSearch }, l: Locale, query: { q?: string; page?: string }): Promise<Html> {
  const q = (query.q ?? '').trim().slice(0, 200);
  const pageNo = Math.max(1, Math.min(q ? MAX_SEARCH_PAGE : 100_000, Number.parseInt(query.page ?? '1', 10) || 1));
  let rows: Row[];
  let total: number;
  let failed = false;
  if (q && d.search) {
    try {
      const res = await d.search.search(q, { page: pageNo, pageSize: PATENTS_PER_PAGE });
      rows = res.hits.map((h) => ({ ...h, provinceRaw: h.provinceRaw ?? null, year: h.year ? String(h.year) : '—' }));
      total = res.total;
    } catch {
      // Meilisearch is down: say so rather than show an empty list.
      [rows, total, failed] = [[], 0, true];
    }
  } else {
    const res = await d.store.list({ limit: PATENTS_PER_PAGE, offset: (pageNo - 1) * PATENTS_PER_PAGE });
    rows = res.records.map((r) => ({ ...r, year: (r.publicationDate ?? r.applicationDate ?? '—').slice(0, 4) }));
    total = res.total;
  }
  const from = rows.length ? (pageNo - 1) * PATENTS_PER_PAGE + 1 : 0;
  const to = (pageNo - 1) * PATENTS_PER_PAGE + rows.length;
  const link = (p: number) => `/console/patents?${new URLSearchParams({ ...(q ? { q } : {}), page: String(p) })}#list`;
  const cols = q ? 5 : 6;
  return html`<h2 id="list">${ct(l, 'patentList')}</h2>
<form class="filters" method="get" action="/console/patents#list" data-test="patent-search"><label>${ct(l, 'search')}<input type="search" name="q" value="${q}" placeholder="${ct(l, 'patentSearchHint')}" maxlength="200"></label><button type="submit">${ct(l, 'search')}</button>${q ? html` <a href="/console/patents#list">${ct(l, 'all')}</a>` : ''}</form>
${failed ? html`<p class="note" data-test="search-failed">${ct(l, 'patentSearchFailed')}</p>` : ''}
<p data-test="patent-count">${q ? ct(l, 'patentMatches')(from, to, total) : ct(l, 'shown')(from, to, total)}</p>
<div class="wrap"><table data-test="patents"><thead><tr><th>${ct(l, 'patentNo')}</th><th>${ct(l, 'patentTitle')}</th><th>${ct(l, 'applicants')}</th><th>${ct(l, 'province')}</th><th>${ct(l, 'patentTypeCol')}</th>${q ? '' : html`<th>${ct(l, 'indexedCol')}</th>`}</tr></thead><tbody>
${rows.length
  ? rows.map(
      (r) => html`<tr data-id="${r.id}"><td>${r.id}</td><td class="long">${l === 'en' && r.titleEn ? r.titleEn : r.title}</td><td>${r.applicants.slice(0, 2).join('；') || '—'}</td><td>${province(r.province, r.provinceRaw, l)}</td><td>${r.patentType ? (TYPE_LABEL[r.patentType]?.[l] ?? r.patentType) : '—'} · ${r.year}</td>${q ? '' : html`<td>${ct(l, r.indexed ? 'indexedYes' : 'indexedNo')}</td>`}</tr>`,
    )
  : html`<tr><td colspan="${cols}">${ct(l, 'none')}</td></tr>`}
</tbody></table></div>
<p>${pageNo > 1 ? html`<a href="${link(pageNo - 1)}" data-test="prev">${ct(l, 'prev')}</a> ` : ''}${to < total && !(q && pageNo >= MAX_SEARCH_PAGE) ? html`<a href="${link(pageNo + 1)}" data-test="next">${ct(l, 'next')}</a>` : ''}</p>`;
}
