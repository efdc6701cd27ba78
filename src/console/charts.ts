/**
 * Bar charts as inline SVG, written here (no charting library), readable without colour: every
 * series has its own fill pattern as well as a colour (Okabe–Ito, safe for colour-blind readers),
 * the legend shows the same patterns, bars carry their values (segment values where they fit,
 * the total above every bar), each SVG has a <title> and <desc>, and a data table follows every
 * chart with every number. All text goes through `html`, so it is escaped.
 */
import { html, raw, type Html } from './html.js';

export interface Series {
  key: string;
  label: string;
}

export interface BarChartSpec {
  /** Unique on the page: used for pattern ids, the aria references and the table's data-test. */
  id: string;
  title: string;
  desc: string;
  /** One per bar: the short axis label and the full label for the table and tooltips. */
  categories: { short: string; full: string }[];
  series: Series[];
  /** values[category][series]; null = no value (shown as —, e.g. a median of nothing). */
  values: (number | null)[][];
  /** Header of the table's first column (Week, Day, Broadcast). */
  categoryHeader: string;
  /** When set, a Total column and a total row with this label (stacked counts). */
  totalLabel?: string;
  /** More table columns after the series (e.g. how many values a median is of). */
  extra?: { label: string; values: number[] }[];
  /** Number format for labels and table cells. */
  format?: (n: number) => string;
  /** Show every n-th axis label (all are in the table). */
  labelEvery?: number;
}

/** Okabe–Ito palette, and a pattern per series drawn in white over the colour. */
const COLOURS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000', '#999999'];
const PATTERNS = [
  '', // solid
  '<path d="M0 6L6 0M-1 1L1 -1M5 7L7 5" stroke="#fff" stroke-width="1.4"/>', // diagonal
  '<circle cx="3" cy="3" r="1.3" fill="#fff"/>', // dots
  '<path d="M0 3H6" stroke="#fff" stroke-width="1.4"/>', // horizontal
  '<path d="M0 0L6 6M6 0L0 6" stroke="#fff" stroke-width="1"/>', // cross-hatch
  '<path d="M3 0V6" stroke="#fff" stroke-width="1.4"/>', // vertical
  '<path d="M0 0L6 6M-1 5L1 7M5 -1L7 1" stroke="#fff" stroke-width="1.4"/>', // reverse diagonal
  '<rect width="3" height="3" fill="#fff" fill-opacity=".55"/><rect x="3" y="3" width="3" height="3" fill="#fff" fill-opacity=".55"/>', // checks
  '<path d="M0 3H6M3 0V6" stroke="#fff" stroke-width="1"/>', // grid
];

const defaultFormat = (n: number) => String(Math.round(n));
/** Rough text width for layout (CJK characters are about twice as wide). */
const textWidth = (s: string, size: number) => [...s].reduce((w, ch) => w + (/[\u2E80-\uFFFF]/.test(ch) ? size : size * 0.6), 0);

/** A "nice" axis maximum and step: 1, 2 or 5 × 10^k. */
function niceScale(max: number): { top: number; step: number } {
  if (max <= 0) return { top: 1, step: 1 };
  const raw = max / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  return { top: Math.ceil(max / step) * step, step };
}

export function fillOf(chartId: string, i: number): string {
  return PATTERNS[i % PATTERNS.length] ? `url(#${chartId}-p${i})` : COLOURS[i % COLOURS.length]!;
}

function defs(id: string, n: number): Html {
  const out: Html[] = [];
  for (let i = 0; i < n; i++) {
    const p = PATTERNS[i % PATTERNS.length]!;
    if (!p) continue;
    out.push(html`<pattern id="${id}-p${i}" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="${COLOURS[i % COLOURS.length]!}"/>${raw(p)}</pattern>`);
  }
  return html`<defs>${out}</defs>`;
}

/** A stacked (or single-series) vertical bar chart, then its data table. */
export function barChart(c: BarChartSpec): Html {
  const fmt = c.format ?? defaultFormat;
  const W = 760;
  const left = 48;
  const right = 12;
  const plotW = W - left - right;
  // Legend rows, laid out left to right.
  const legendItems: { x: number; y: number; i: number; label: string }[] = [];
  let lx = left;
  let ly = 14;
  c.series.forEach((s, i) => {
    const w = 18 + textWidth(s.label, 12) + 16;
    if (lx + w > W - right && lx > left) {
      lx = left;
      ly += 20;
    }
    legendItems.push({ x: lx, y: ly, i, label: s.label });
    lx += w;
  });
  const showLegend = c.series.length > 1;
  const top = (showLegend ? ly + 14 : 8) + 18;
  const plotH = 220;
  const H = top + plotH + 34;
  const totals = c.values.map((row) => row.reduce<number>((a, v) => a + (v ?? 0), 0));
  const { top: yMax, step } = niceScale(Math.max(0, ...totals));
  const y = (v: number) => top + plotH - (v / yMax) * plotH;
  const n = Math.max(1, c.categories.length);
  const slot = plotW / n;
  const barW = Math.max(4, Math.min(48, slot * 0.72));
  const every = c.labelEvery ?? 1;

  const grid: Html[] = [];
  for (let v = 0; v <= yMax + 1e-9; v += step) {
    grid.push(html`<line x1="${left}" x2="${W - right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#d5dbe2" stroke-width="1"/><text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" font-size="11" fill="#44505c">${fmt(v)}</text>`);
  }
  const bars: Html[] = c.categories.map((cat, ci) => {
    const cx = left + slot * ci + slot / 2;
    const x = cx - barW / 2;
    let acc = 0;
    const segs: Html[] = [];
    c.series.forEach((s, si) => {
      const v = c.values[ci]?.[si] ?? null;
      if (v === null || v <= 0) return;
      const y1 = y(acc + v);
      const h = y(acc) - y1;
      acc += v;
      segs.push(html`<rect x="${x.toFixed(1)}" y="${y1.toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" fill="${fillOf(c.id, si)}" stroke="#fff" stroke-width="0.8"><title>${cat.full} · ${s.label}: ${fmt(v)}</title></rect>`);
      // The segment's own value where it fits (stacked charts; a single series has the total above).
      const label = fmt(v);
      if (c.series.length > 1 && h >= 14 && barW >= textWidth(label, 10) + 4)
        segs.push(html`<text x="${cx.toFixed(1)}" y="${(y1 + h / 2 + 3.5).toFixed(1)}" text-anchor="middle" font-size="10" fill="#000" stroke="#fff" stroke-width="2.5" paint-order="stroke">${label}</text>`);
    });
    const empty = c.values[ci]?.every((v) => v === null) ?? true;
    const total = html`<text x="${cx.toFixed(1)}" y="${(y(acc) - 4).toFixed(1)}" text-anchor="middle" font-size="${slot < 26 ? 9 : 11}" font-weight="600" fill="#1d2733">${empty ? '—' : fmt(totals[ci]!)}</text>`;
    const axis = ci % every === 0 ? html`<text x="${cx.toFixed(1)}" y="${top + plotH + 16}" text-anchor="middle" font-size="11" fill="#44505c">${cat.short}</text>` : '';
    return html`<g>${segs}${total}${axis}</g>`;
  });
  const legend = showLegend
    ? legendItems.map((l) => html`<rect x="${l.x}" y="${l.y - 10}" width="14" height="14" fill="${fillOf(c.id, l.i)}" stroke="#1d2733" stroke-width="0.6"/><text x="${l.x + 18}" y="${l.y + 1}" font-size="12" fill="#1d2733">${l.label}</text>`)
    : '';

  const svg = html`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-labelledby="${c.id}-title ${c.id}-desc" data-test="chart-${c.id}" style="max-width:${W}px;display:block;background:#fff">
<title id="${c.id}-title">${c.title}</title><desc id="${c.id}-desc">${c.desc}</desc>${defs(c.id, c.series.length)}
${legend}${grid}<line x1="${left}" x2="${W - right}" y1="${top + plotH}" y2="${top + plotH}" stroke="#44505c" stroke-width="1"/>${bars}</svg>`;

  const cell = (v: number | null) => (v === null ? '—' : fmt(v));
  const colTotals = c.series.map((_, si) => c.values.reduce((a, row) => a + (row[si] ?? 0), 0));
  const table = html`<div class="wrap"><table data-test="${c.id}" class="data"><caption>${c.title}</caption><thead><tr><th scope="col">${c.categoryHeader}</th>${c.series.map((s) => html`<th scope="col">${s.label}</th>`)}${(c.extra ?? []).map((e) => html`<th scope="col">${e.label}</th>`)}${c.totalLabel ? html`<th scope="col">${c.totalLabel}</th>` : ''}</tr></thead><tbody>
${c.categories.map((cat, ci) => html`<tr><th scope="row">${cat.full}</th>${c.series.map((_, si) => html`<td>${cell(c.values[ci]?.[si] ?? null)}</td>`)}${(c.extra ?? []).map((e) => html`<td>${e.values[ci] ?? 0}</td>`)}${c.totalLabel ? html`<td>${fmt(totals[ci]!)}</td>` : ''}</tr>`)}
</tbody>${c.totalLabel ? html`<tfoot><tr><th scope="row">${c.totalLabel}</th>${colTotals.map((v) => html`<td>${fmt(v)}</td>`)}${(c.extra ?? []).map((e) => html`<td>${e.values.reduce((a, b) => a + b, 0)}</td>`)}<td>${fmt(colTotals.reduce((a, b) => a + b, 0))}</td></tr></tfoot>` : ''}</table></div>`;
  return html`<figure class="chart card"><figcaption><h2>${c.title}</h2></figcaption>${svg}${table}</figure>`;
}
