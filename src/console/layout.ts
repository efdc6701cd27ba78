/** The page shell: navigation for the session's role, language switch, small responsive CSS. */
import type { Locale } from '../core/types.js';
import type { ConsoleSession } from './console-auth.js';
import { ct } from './console-strings.js';
import { html, raw, type Html } from './html.js';

/**
 * Tables on a phone: a table in .wrap keeps each cell on one line and scrolls sideways inside its
 * box, instead of squeezing its columns to the screen until Chinese text breaks after every
 * character; cells of running text (a title, a request, a reason) are marked .long and wrap at a
 * readable width. tests/console/phone-layout.test.ts checks this in Chromium at 375 px.
 */
const CSS = raw(`
*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;color:#1d2733;background:#f5f7fa}
header{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;padding:.6rem 1rem;background:#16324f;color:#fff}
header a{color:#fff;text-decoration:none;padding:.2rem .4rem;border-radius:4px}header a[aria-current=page]{background:#2f5d8a;font-weight:600}
header .who{margin-left:auto;font-size:.85rem;opacity:.85}main{padding:1rem;max-width:1200px;margin:0 auto}
h1{font-size:1.3rem;margin:.2rem 0 1rem}table{border-collapse:collapse;width:100%;background:#fff}th,td{padding:.45rem .5rem;border-bottom:1px solid #e1e6ec;text-align:left;vertical-align:top}
th{background:#eef2f6;font-weight:600}.wrap{overflow-x:auto}form.inline{display:inline}button,select,input,textarea{font:inherit;padding:.35rem .6rem;border:1px solid #aab6c3;border-radius:4px;background:#fff}
button{background:#1f5f99;color:#fff;border-color:#1f5f99;cursor:pointer}button.secondary{background:#fff;color:#1f5f99}.note{padding:.6rem .8rem;border-radius:4px;background:#fff6d6;border:1px solid #e8d27a;margin:.5rem 0}
.ok{background:#e3f5e8;border-color:#8cc79c}.card{background:#fff;border:1px solid #e1e6ec;border-radius:6px;padding: .8rem 1rem;margin:.6rem 0}.filters{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;margin:.5rem 0 1rem}
.filters label{display:flex;flex-direction:column;font-size:.85rem}.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:1rem}
.wrap table{width:auto;min-width:100%}.wrap th,.wrap td{white-space:nowrap}.wrap td.long{white-space:normal;min-width:14em;max-width:32em}
@media (max-width:640px){th,td{padding:.35rem}header .who{margin-left:0;width:100%}main{padding:.6rem}.card{padding:.6rem .7rem}}`);

export type Section = 'dashboard' | 'leads' | 'registrations' | 'broadcasts' | 'patents';

/** Which sections a role sees: staff their agency's leads; organisers their expo; the operator everything. */
export function sectionsFor(s: ConsoleSession): Section[] {
  if (s.kind === 'staff') return ['leads'];
  if (s.kind === 'organiser') return ['registrations', 'broadcasts'];
  return ['dashboard', 'leads', 'registrations', 'broadcasts', 'patents'];
}

const NAV: Record<Section, 'navDashboard' | 'navLeads' | 'navRegistrations' | 'navBroadcasts' | 'navPatents'> = {
  dashboard: 'navDashboard',
  leads: 'navLeads',
  registrations: 'navRegistrations',
  broadcasts: 'navBroadcasts',
  patents: 'navPatents',
};

export function page(s: ConsoleSession | undefined, locale: Locale, title: string, body: Html, current?: Section): Html {
  const who = s ? (s.kind === 'operator' ? ct(locale, 'operator') : `${s.kind} · ${s.scope}`) : '';
  return html`<!doctype html><html lang="${locale === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title} · ${ct(locale, 'title')}</title><style>${CSS}</style></head><body>
<header><strong>${ct(locale, 'title')}</strong>
${s ? sectionsFor(s).map((x) => html`<a href="/console/${x}" ${x === current ? raw('aria-current="page"') : ''}>${ct(locale, NAV[x])}</a>`) : ''}
${s
  ? html`<span class="who">${ct(locale, 'signedInAs')(who)}</span>
<form class="inline" method="post" action="/console/lang"><input type="hidden" name="_csrf" value="${s.csrf}"><input type="hidden" name="lang" value="${locale === 'zh' ? 'en' : 'zh'}"><button class="secondary" type="submit" data-test="lang">${locale === 'zh' ? 'English' : '中文'}</button></form>
<form class="inline" method="post" action="/console/logout"><input type="hidden" name="_csrf" value="${s.csrf}"><button class="secondary" type="submit">${ct(locale, 'signOut')}</button></form>`
  : ''}
</header><main><h1>${title}</h1>${body}</main></body></html>`;
}

/** The CSRF field every form carries. */
export const csrfField = (s: ConsoleSession): Html => html`<input type="hidden" name="_csrf" value="${s.csrf}">`;
