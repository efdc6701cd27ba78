/**
 * `npm run check:content [dir]`: checks operator-editable content — every policy section has sources
 * (or is the explicit "…-none" section), dates, known topics, a file per covered province only, and
 * warns about sections whose horizon or end date has passed without a re-check since; the
 * agencies file is well-formed; demo patents parse. Exit 1 with every problem listed. It also says
 * which years China's working calendar (the chinese-days package) covers, and warns when this year
 * or the next is not among them: claim deadlines then count Monday–Friday for that year.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { calendarCovers } from '../src/domain/china-calendar.js';
import { chinaDay } from '../src/domain/expo.js';
import { FaqError, loadFaq } from '../src/domain/faq.js';
import { ContentError, loadContent } from '../src/domain/policy.js';
import { staleValidityWarnings } from '../src/domain/policy-validity.js';
import { parsePatentInput } from '../src/domain/patent-input.js';
import { PACKAGE_ROOT } from '../src/util/paths.js';

const dir = path.resolve(process.argv[2] ?? path.join(PACKAGE_ROOT, 'content'));
const problems: string[] = [];
try {
  const c = loadContent(dir);
  const byScope = new Map<string, number>();
  for (const s of c.policies) byScope.set(s.scope, (byScope.get(s.scope) ?? 0) + 1);
  console.log(`policies: ${c.policies.length} sections — ${[...byScope].map(([k, v]) => `${k} ${v}`).join(', ')}`);
  const onlyReported = c.policies.filter((s) => s.sources.length > 0 && s.sources.every((x) => x.reported)).length;
  console.log(`policies resting only on reported sources: ${onlyReported}`);
  for (const w of staleValidityWarnings(c.policies, chinaDay(new Date()))) console.warn(`warning: ${w}`);
  console.log(`agencies: ${c.agencies.agencies.length}${c.agencies.sample ? ' (sample data)' : ''}`);
  console.log(`expo editions: ${c.expos.expos.length}${c.expos.sample ? ' (sample data)' : ''}`);
} catch (err) {
  if (!(err instanceof ContentError)) throw err;
  problems.push(...err.problems);
}
try {
  const faq = loadFaq(dir);
  console.log(`faq: ${faq.entries.length} entries${faq.sample ? ' (sample contact details)' : ''}`);
} catch (err) {
  if (!(err instanceof FaqError)) throw err;
  problems.push(...err.problems);
}
const demo = path.join(dir, 'demo-patents.jsonl');
if (existsSync(demo)) {
  const lines = readFileSync(demo, 'utf8').split('\n');
  let ok = 0;
  lines.forEach((l, i) => {
    if (!l.trim()) return;
    let v: unknown;
    try {
      v = JSON.parse(l);
    } catch {
      problems.push(`demo-patents.jsonl line ${i + 1}: invalid JSON`);
      return;
    }
    const r = parsePatentInput(v);
    if (r.ok) ok++;
    else problems.push(`demo-patents.jsonl line ${i + 1}: ${r.reason}`);
  });
  console.log(`demo patents: ${ok} valid`);
}
const years = Array.from({ length: 101 }, (_, i) => 2000 + i).filter(calendarCovers);
console.log(`working calendar: chinese-days covers ${years.length ? `${years[0]}–${years.at(-1)}` : 'no year'}`);
const thisYear = Number(chinaDay(new Date()).slice(0, 4));
for (const y of [thisYear, thisYear + 1])
  if (!calendarCovers(y)) console.warn(`warning: the working calendar has no data for ${y}: its claim deadlines count Monday–Friday until chinese-days is updated (npm update chinese-days)`);
if (problems.length) {
  console.error(`${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('content ok');
