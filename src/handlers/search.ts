/** search_patents, patent_detail and the buttons on search results. */
import { SearchError } from '../../search/errors.js';
import { RELATED_SHOWN } from '../../search/patent-search.js';
import { normText } from '../../search/text.js';
import type { SearchFilters } from '../../search/query-understanding.js';
import type { Action } from '../core/actions.js';
import { PROVINCE_INFO } from '../domain/geo.js';
import { t, TRADE_LABEL, TYPE_LABEL } from '../core/strings.js';
import type { Locale, Reply } from '../core/types.js';
import type { Handler, HandlerContext } from './context.js';
import { cnipaLink, detailText, hitItem, truncate } from './render-patent.js';
import { rewriteQuery } from '../llm/query-rewrite.js';
import { referencedResult, rememberResults } from './result-reference.js';
import { searchInventions, withMates } from './invention-page.js';

export const PAGE_SIZE = 5;

/**
 * A company stating what it is looking for rather than browsing: a buy or demand cue (想找, 求购,
 * we need, looking for) or a sentence about "our company". The offer to post it comes after the matches.
 */
const NEED_PHRASING = /我们?(?:公司|单位|企业|厂|团队)|我司|本公司|想找|寻找|寻求|求购|急需|需要.{0,6}技术|\b(?:we|our (?:company|firm|team))\b.{0,30}\b(?:need|look(?:ing)? for|seek(?:ing)?|want)\b/i;
export function readsAsNeed(text: string): boolean {
  return NEED_PHRASING.test(normText(text));
}

function filtersLabel(f: SearchFilters, locale: Locale): string {
  const parts: string[] = [];
  if (f.province) {
    const city = f.city ? PROVINCE_INFO[f.province].cities.find((c) => c.zh === f.city) : undefined;
    const prov = locale === 'zh' ? PROVINCE_INFO[f.province].zhFull : PROVINCE_INFO[f.province].en;
    parts.push(city ? (locale === 'zh' ? `${prov}${city.zh}市` : `${city.en.split('|')[0]}, ${prov}`) : prov);
  }
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
    // One card per invention: the ranked publications are merged after the search (invention-page.ts).
    let res = await searchInventions(ctx.services.search, text, { page, pageSize: PAGE_SIZE }).catch((err) => {
      ctx.services.metrics?.searchLatency.observe({ outcome: 'error' }, (performance.now() - started) / 1000);
      throw err;
    });
    ctx.services.metrics?.searchLatency.observe({ outcome: 'ok' }, (performance.now() - started) / 1000);
    const q = res.query;
    // Nothing found, or nothing close: the model (when configured) may suggest Chinese terms in the
    // corpus's own wording; Meilisearch still searches and ranks. The rewrite replaces what was found
    // only when it does better — any hits for none, a close match for a weak one — so a model that
    // guesses badly costs a call, never a worse answer.
    const known = ctx.state.lastSearch?.text === truncate(text, 500) ? ctx.state.lastSearch.rewrite : undefined;
    let rewrite: string[] | undefined;
    const foundNothing = res.hits.length === 0;
    if (q.concepts.length > 0 && (res.hits.length === 0 || !res.closeMatch)) {
      rewrite = known ?? (page === 1 ? await suggestTerms(ctx, text) : undefined);
      const again = rewrite ? await searchInventions(ctx.services.search, rewrite.join(' '), { page, pageSize: PAGE_SIZE, filters: q.filters }) : undefined;
      if (again?.hits.length && (res.hits.length === 0 || again.closeMatch)) res = { ...again, query: { ...again.query, provinceNotCovered: q.provinceNotCovered } };
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
    const demandButtons = [[{ label: t(locale, 'btnPostDemand'), action: { type: 'lead_demand' } as const }, { label: t(locale, 'btnHelp'), action: { type: 'help' } as const }]];
    if (!res.closeMatch && page === 1) {
      // Nothing covers the need: say so, show a few clearly labelled related records, offer the demand.
      ctx.state.lastFailedSearch = truncate(text, 500);
      const related = res.families.slice(0, RELATED_SHOWN).map((f) => {
        const item = hitItem(f.primary, locale, f.others);
        return { ...item, title: `${t(locale, 'relatedLabel')} · ${item.title}` };
      });
      return [...replies, { text: t(locale, 'noCloseMatch')(truncate(text, 60)), items: related, buttons: demandButtons }];
    }
    ctx.state.lastSearch = { text: truncate(text, 500), page, at: ctx.services.clock().toISOString(), ...(rewrite ? { rewrite } : {}) };
    const from = (page - 1) * PAGE_SIZE + 1;
    const to = from + res.hits.length - 1;
    const filters = filtersLabel(q.filters, locale);
    // Counted in inventions when the whole ranked list was read; else Meilisearch's estimate of records.
    const matched = res.inventions !== undefined && res.matched <= res.total ? res.inventions : res.matched;
    const header = [
      rewrite ? t(locale, foundNothing ? 'searchedFor' : 'searchedForClose')(rewrite.join(' ')) : '',
      res.partial ? t(locale, 'partialResults') : '',
      t(locale, 'results')(matched, from, to),
      filters ? t(locale, 'resultsFilters')(filters) : '',
      !res.more && res.matched > res.total ? t(locale, 'narrowDown')(res.inventions ?? res.total) : '',
    ]
      .filter(Boolean)
      .join('\n');
    rememberResults(ctx.state, from, res.families);
    const more: Action = { type: 'more', page: page + 1 };
    replies.push({
      text: header,
      items: res.families.map((f) => hitItem(f.primary, locale, f.others)),
      ...(res.more && page < 50 ? { buttons: [[{ label: t(locale, 'btnMore'), action: more }]] } : {}),
    });
    // A need phrased as a search (我们公司想找…): the matches first, then the offer to post it as a demand.
    if (page === 1 && readsAsNeed(text)) {
      ctx.state.lastFailedSearch = truncate(text, 500);
      replies.push({ text: t(locale, 'offerDemand'), buttons: demandButtons });
    }
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
    // The index resolves any spelling of the number; the record itself comes from Postgres. Either
    // publication of an invention shows the invention: the grant's record, naming the application.
    const hit = await ctx.services.search.get(number);
    const family = hit ? (await withMates(ctx.services.search, [{ primary: hit, others: [] }]))[0] : undefined;
    const record = family ? await ctx.services.patents.get(family.primary.id) : undefined;
    if (!record) return [{ text: t(locale, 'patentNotFound')(number) }];
    return [{ text: detailText(record, locale, family!.others), link: cnipaLink(record, locale), buttons: [[{ label: t(locale, 'btnInterest'), action: { type: 'interest', patentId: record.id } }]] }];
  });
}

export const patentDetail: Handler = async (ctx) => {
  const n = ctx.nlu?.entities.patentNumber;
  if (n) return showPatent(ctx, n);
  // "第三个", "刚才那个石墨烯的专利": one of the results last shown.
  const ref = referencedResult(ctx.state, ctx.msg.text ?? '');
  if (ref && 'id' in ref) return showPatent(ctx, ref.id);
  if (ref && 'search' in ref) return runSearch(ctx, ref.search, 1);
  return [{ text: t(ctx.locale, ref?.none === 'no_results' ? 'searchExpired' : 'askNumber') }];
};

export async function nextPage(ctx: HandlerContext, page: number): Promise<Reply[]> {
  const last = ctx.state.lastSearch;
  if (!last) return [{ text: t(ctx.locale, 'searchExpired') }];
  return runSearch(ctx, last.text, page);
}

