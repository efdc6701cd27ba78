/**
 * Policy answers a patentee can act on (issue #20), through the web chat with the shipped content,
 * real Meilisearch and PGlite, on a fixed day (2 December 2026, China time): every province answers
 * subsidy, award and pledge-financing questions in zh and en with a sourced, dated section or the
 * honest "none on file" line plus the closest sections; numbers come from the content only; passed
 * horizons and ended rules say so; eligibility questions list what applies and who can help.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { PROVINCE_INFO } from '../../src/domain/geo.js';
import type { PolicySection, PolicyTopic } from '../../src/domain/policy.js';
import { createHttpApp } from '../../src/http/http-app.js';
import { numbersIn } from '../../src/llm/grounded-policy.js';
import { createLogger } from '../../src/util/log.js';
import { PACKAGE_ROOT } from '../../src/util/paths.js';
import { PROVINCES, type Province } from '../../src/core/intents.js';

interface Reply {
  text: string;
  items?: unknown[];
  buttons?: { label: string; action: string }[][];
}
let services: Services;
let app: ReturnType<typeof createHttpApp>;
let dir: string;
const today = new Date('2026-12-02T04:00:00Z');

async function ask(text: string): Promise<Reply[]> {
  const res = await app.request('/api/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { replies: Reply[] }).replies;
}

async function press(action: string): Promise<Reply[]> {
  const res = await app.request('/api/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action }) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { replies: Reply[] }).replies;
}

const contentDir = path.join(PACKAGE_ROOT, 'content', 'policies');
const contentNumbers = new Set(numbersIn(readdirSync(contentDir).map((f) => readFileSync(path.join(contentDir, f), 'utf8')).join('\n')));
/** The sections quoted in replies, by their 【title】 in either language. */
function quoted(replies: Reply[]): PolicySection[] {
  const titles = replies.flatMap((r) => [...r.text.matchAll(/【([^】]+)】/g)].map((m) => m[1]!));
  return titles.map((t) => services.policies.sections.find((s) => s.title.zh === t || s.title.en === t)).filter((s): s is PolicySection => !!s);
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pb-policy-'));
  const config = loadConfig({ DATA_DIR: dir, CONTENT_DIR: path.join(PACKAGE_ROOT, 'content'), LOG_LEVEL: 'silent', ADDRESS_RATE_LIMIT_BURST: '1000' });
  services = await createServices(config, createLogger('silent'), { loadDemo: false, clock: () => today });
  app = createHttpApp({ pipeline: services.pipeline, log: createLogger('silent'), clock: () => today, readiness: {} });
}, 120_000);

afterAll(async () => {
  await services?.close();
  rmSync(dir, { recursive: true, force: true });
});

const QUESTIONS: [PolicyTopic, (zh: string) => string, (en: string) => string][] = [
  ['subsidy', (p) => `${p}专利资助`, (p) => `${p} patent subsidy`],
  ['award', (p) => `${p}专利奖`, (p) => `${p} patent award`],
  ['pledge-financing', (p) => `${p}专利质押融资`, (p) => `${p} patent pledge financing`],
];

describe('policy answers per province', () => {
  for (const p of PROVINCES as readonly Province[])
    for (const [topic, zhQ, enQ] of QUESTIONS)
      for (const locale of ['zh', 'en'] as const)
        it(`${p} ${topic} (${locale}): a sourced, dated section, or the honest line and the closest sections`, async () => {
          const q = locale === 'zh' ? zhQ(PROVINCE_INFO[p].zh) : enQ(PROVINCE_INFO[p].en);
          const replies = await ask(q);
          const text = replies.map((r) => r.text).join('\n');
          expect(replies.some((r) => r.items), q).toBe(false);
          const shown = quoted(replies);
          expect(shown.length, q).toBeGreaterThan(0);
          expect(text).toMatch(locale === 'zh' ? /来源: .+/ : /Source: .+/);
          expect(text).toMatch(locale === 'zh' ? /发布日期: / : /Issued: /);
          const onFile = services.policies.of(p).some((s) => s.topics.includes(topic) && !s.id.endsWith('-none'));
          const honest = locale === 'zh' ? /暂无关于.+的已核实政策条目/ : /No verified .+ section on .+ is on file/;
          if (onFile) {
            expect(text, q).not.toMatch(honest);
            expect(shown[0]!.scope, q).toBe(p);
            expect(shown[0]!.topics, q).toContain(topic);
          } else {
            expect(replies[0]!.text, q).toMatch(honest);
            expect(shown.every((s) => s.scope === p || s.scope === 'national'), q).toBe(true);
          }
          // Every figure, date and year in the answer is in the content files.
          for (const n of numbersIn(text.replace(/https?:\/\/\S+/g, ''))) expect(contentNumbers.has(n), `${q}: ${n}`).toBe(true);
        });
});

describe('validity, with the clock fixed at 2 December 2026', () => {
  it('says a plan whose horizon has passed has passed, in both languages', async () => {
    const zh = (await ask('湖南专利转化行动方案的目标')).map((r) => r.text).join('\n');
    expect(zh).toContain('【湖南省专利转化运用专项行动实施方案】');
    expect(zh).toMatch(/状态：规划期至2025年，已过；暂无后续文件在册/);
    const en = (await ask('Hunan patent pledge financing policy')).map((r) => r.text).join('\n');
    expect(en).toMatch(/Status: horizon 2025 has passed; no successor on file/);
  });

  it('says a rule ended on its last day, and a plan with a successor names it', async () => {
    const bank = (await ask('郑州银行专利质押贷款奖励')).map((r) => r.text).join('\n');
    expect(bank).toContain('郑州市银行专利质押贷款奖励');
    expect(bank).toMatch(/状态：已于2024-08-07结束/);
    const hubei = (await ask('湖北知识产权工作目标')).map((r) => r.text).join('\n');
    expect(hubei).toMatch(/状态：规划期至2025年，已过；后续文件见【2026年湖北知识产权工作要点】/);
    expect(hubei).toMatch(/状态：实施中（规划期至2026年）/);
  });

  it('shows a date known only to the year or month as such, never as a made-up 1st, and no editors’ notes', async () => {
    const text = (await press('ps:hunan-xiang-yue-yu-matchmaking')).map((r) => r.text).join('\n');
    expect(text).toMatch(/发布日期: 2024年12月（具体日期未载明）/);
    expect(text).not.toMatch(/2024-12-01|核实资料|记为当月/);
    const en = (await ask('What VAT exemption applies to technology transfer in Henan?')).map((r) => r.text).join('\n');
    expect(en).toMatch(/Issued: 2016 \(exact date not stated\)/);
    expect(en).not.toMatch(/2016-01-01|Our verified record/);
  });
});

describe('answers that help', () => {
  it('answers for the city first, then its province', async () => {
    const wuhan = quoted(await ask('武汉技术交易补贴'));
    expect(wuhan[0]!.city).toBe('武汉');
    const nanchang = quoted(await ask('Nanchang patent pledge subsidy'));
    expect(nanchang[0]!.id).toBe('jiangxi-nanchang-ip-fund-2025');
    const zhuzhou = await ask('株洲专利质押融资');
    const first = quoted(zhuzhou)[0]!;
    // Zhuzhou has no pledge section of its own on file: the note says so and Hunan's follow.
    expect(services.policies.of('Hunan').some((s) => s.city === '株洲' && s.topics.includes('pledge-financing'))).toBe(false);
    expect(zhuzhou[0]!.text).toMatch(/株洲暂无单独收录的条目，以下为湖南省的政策/);
    expect(first.scope).toBe('Hunan');
  });

  it('a province with nothing on the topic: one honest line, its closest sections, and the national rules', async () => {
    const replies = await ask('山西专利保险');
    expect(services.policies.of('Shanxi').some((s) => s.topics.includes('insurance'))).toBe(false);
    expect(replies[0]!.text).toBe('山西省暂无关于专利保险的已核实政策条目。以下是山西省最接近的条目，以及全国适用的规则：');
    const shown = quoted(replies);
    expect(shown.some((s) => s.scope === 'national' && s.topics.includes('insurance'))).toBe(true);
    expect(shown.some((s) => s.scope === 'Shanxi')).toBe(true);
    expect(replies.at(-1)!.buttons!.flat().map((b) => b.action)).toContain('lq');
  });

  it('eligibility: an SME in Hunan with invention patents gets the sections that name firms, each sourced and dated, and an agency to help', async () => {
    const [r] = await ask('我是湖南的中小企业，有两件发明专利，能申请什么支持？');
    expect(r!.text).toMatch(/湖南省的中小企业（发明专利）可以参考这些条目/);
    const listed = quoted([r!]);
    expect(listed.length).toBeGreaterThan(1);
    for (const s of listed) {
      expect(['Hunan', 'national']).toContain(s.scope);
      expect(s.applicants!.some((a) => ['sme', 'firm', 'any'].includes(a)), s.id).toBe(true);
      if (s.patentKinds) expect(s.patentKinds).toContain('invention');
    }
    expect(r!.text.match(/来源: /g)!.length).toBe(listed.length);
    expect(r!.text.match(/发布日期: /g)!.length).toBe(listed.length);
    expect(r!.text).toMatch(/可协助办理的联盟机构：.+/);
    expect(r!.buttons!.flat().map((b) => b.action)).toContain('lq');
  });

  it('eligibility in English: a university in Hubei licensing a patent', async () => {
    const [r] = await ask('what support can a university in Hubei get for licensing a patent?');
    expect(r!.text).toMatch(/these sections fit a university in Hubei/);
    const listed = quoted([r!]);
    expect(listed.length).toBeGreaterThan(0);
    for (const s of listed) expect(s.applicants!.some((a) => a === 'university' || a === 'any'), s.id).toBe(true);
    expect(listed.some((s) => s.topics.includes('transfer-institution') || s.topics.includes('open-licence'))).toBe(true);
    expect(r!.text).toMatch(/Alliance agencies that can help: .+/);
    expect(r!.buttons!.flat().map((b) => b.action)).toContain('lq');
  });
});
