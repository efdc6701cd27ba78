/** search_patents, patent_detail and the buttons on search results. */
import { SearchError } from '../../search/errors.js';
import type { SearchFilters } from '../../search/query-understanding.js';
import type { Action } from '../core/actions.js';
import { PROVINCE_INFO } from '../domain/geo.js';
import { t, TRADE_LABEL, TYPE_LABEL } from '../core/strings.js';
import type { Locale, Reply } from '../core/types.js';
import type { Handler, HandlerContext } from './context.js';
import { cnipaLink, detailText, hitItem, truncate } from './render-patent.js';
import { rewriteQuery } from '../llm/query-rewrite.js';

export const PAGE_SIZE = 5;

function filtersLabel(f: SearchFilters, locale: Locale): string {
  const parts: string[] = [];
  if (f.province) parts.push(locale === 'zh' ? PROVINCE_INFO[f.province].zhFull : PROVINCE_INFO[f.province].en);
  if (f.patentType) parts.push(TYPE_LABEL[f.patentType]![locale]);
  if (f.ipc) parts.push(`IPC ${f.ipc}`);
  if (f.yearFrom || f.yearTo) parts.push(`${f.yearFrom ?? '…'}–${f.yearTo ?? '…'}`);
  if (f.applicant) parts.push(f.applicant);
  if (f.tradeMode) parts.push(TRADE_LABEL[f.tradeMode]![locale]);
  return parts.join(locale === 'zh' ? '，' : ', ');
}

async function guarded(ctx: HandlerContext, fn: () => Promise<Reply[]>): Promise<Reply[]> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof SearchError) {
      ctx.services.log.error('search failed', { code: err.code, err });
      return [{ text: t(ctx.locale, 'searchFailed') }];
    }
    throw err;
  }
}

export async function runSearch(ctx: HandlerContext, text: string, page: number): Promise<Reply[]> {
  const { locale } = ctx;
  return guarded(ctx, async () => {
    const started = performance.now();
    let res = await ctx.services.search.search(text, { page, pageSize: PAGE_SIZE }).catch((err) => {
      ctx.services.metrics?.searchLatency.observe({ outcome: 'error' }, (performance.now() - started) / 1000);
      throw err;
    });
    ctx.services.metrics?.searchLatency.observe({ outcome: 'ok' }, (performance.now() - started) / 1000);
    const q = res.query;
    // Nothing found: the model (when configured) may suggest Chinese terms; Meilisearch still searches and ranks.
    const known = ctx.state.lastSearch?.text === truncate(text, 500) ? ctx.state.lastSearch.rewrite : undefined;
    let rewrite: string[] | undefined;
    if (res.hits.length === 0 && q.concepts.length > 0) {
      rewrite = known ?? (page === 1 ? await suggestTerms(ctx, text) : undefined);
      const again = rewrite ? await ctx.services.search.search(rewrite.join(' '), { page, pageSize: PAGE_SIZE, filters: q.filters }) : undefined;
      if (again?.hits.length) res = { ...again, query: { ...again.query, provinceNotCovered: q.provinceNotCovered } };
      else rewrite = undefined;
    }
    if (!q.number && q.concepts.length === 0 && Object.keys(q.filters).length === 0) return [{ text: t(locale, 'noQuery') }];
    const replies: Reply[] = [];
    if (q.provinceNotCovered) replies.push({ text: t(locale, 'notCovered') });
    if (res.hits.length === 0) {
      if (page > 1) return [{ text: t(locale, 'noMorePages') }];
      if (q.number && q.concepts.length === 0) return [...replies, { text: t(locale, 'patentNotFound')(q.number) }];
      ctx.state.lastFailedSearch = truncate(text, 500);
      return [...replies, { text: t(locale, 'noResults')(truncate(text, 60)), buttons: [[{ label: t(locale, 'btnPostDemand'), action: { type: 'lead_demand' } }, { label: t(locale, 'btnHelp'), action: { type: 'help' } }]] }];
    }
    ctx.state.lastSearch = { text: truncate(text, 500), page, at: ctx.services.clock().toISOString(), ...(rewrite ? { rewrite } : {}) };
    const from = (page - 1) * PAGE_SIZE + 1;
    const to = from + res.hits.length - 1;
    const filters = filtersLabel(q.filters, locale);
    const lastPage = to >= res.total;
    const header = [
      rewrite ? t(locale, 'searchedFor')(rewrite.join(' ')) : '',
      res.partial ? t(locale, 'partialResults') : '',
      t(locale, 'results')(res.matched, from, to),
      filters ? t(locale, 'resultsFilters')(filters) : '',
      lastPage && res.matched > res.total ? t(locale, 'narrowDown')(res.total) : '',
    ]
      .filter(Boolean)
      .join('\n');
    const more: Action = { type: 'more', page: page + 1 };
    replies.push({
      text: header,
      items: res.hits.map((h) => hitItem(h, locale)),
      ...(to < res.total && page < 50 ? { buttons: [[{ label: t(locale, 'btnMore'), action: more }]] } : {}),
    });
    return replies;
  });
}

async function suggestTerms(ctx: HandlerContext, text: string): Promise<string[] | undefined> {
  const llm = ctx.services.llm;
  if (!llm || ctx.llmDeadline?.spent || !(await llm.budget.take(ctx.user.id, ctx.services.clock()))) return undefined;
  return rewriteQuery(llm.client, text, ctx.llmDeadline);
}

export const searchPatents: Handler = async (ctx) => {
  const text = ctx.msg.text ?? '';
  // A bare number asked as a search goes to the record, as patent_detail would.
  return runSearch(ctx, text, 1);
};

export async function showPatent(ctx: HandlerContext, number: string): Promise<Reply[]> {
  const { locale } = ctx;
  return guarded(ctx, async () => {
    // The index resolves any spelling of the number; the record itself comes from Postgres.
    const hit = await ctx.services.search.get(number);
    const record = hit ? await ctx.services.patents.get(hit.id) : undefined;
    if (!record) return [{ text: t(locale, 'patentNotFound')(number) }];
    return [{ text: detailText(record, locale), link: cnipaLink(record, locale), buttons: [[{ label: t(locale, 'btnInterest'), action: { type: 'interest', patentId: record.id } }]] }];
  });
}

export const patentDetail: Handler = async (ctx) => {
  const n = ctx.nlu?.entities.patentNumber;
  if (!n) return [{ text: t(ctx.locale, 'askNumber') }];
  return showPatent(ctx, n);
};

export async function nextPage(ctx: HandlerContext, page: number): Promise<Reply[]> {
  const last = ctx.state.lastSearch;
  if (!last) return [{ text: t(ctx.locale, 'searchExpired') }];
  return runSearch(ctx, last.text, page);
}

