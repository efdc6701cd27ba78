/**
 * Every example the bot and the README offer works on the shipped demo data: the help text (both
 * languages), the welcome line, the web page's example buttons and the chat examples of the README
 * (its paragraphs about what people say "in chat"), each sent through the real pipeline — offline
 * classifier, handlers, real Meilisearch and PGlite with content/demo-patents.jsonl — as a new web
 * user. Each example needs an expectation below (a new example without one fails), and each answer
 * must be non-empty, not a "not understood"/"nothing found" answer, and relevant to what was asked.
 */
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { LEAD_STRINGS } from '../../src/core/lead-strings.js';
import { STRINGS } from '../../src/core/strings.js';
import type { Reply } from '../../src/core/types.js';
import { createLogger } from '../../src/util/log.js';
import { PACKAGE_ROOT } from '../../src/util/paths.js';

const quoted = (s: string): string[] => [...s.matchAll(/“([^”]+)”|"([^"\n]+)"/g)].map((m) => (m[1] ?? m[2])!.trim());

/** Button labels are pressed, not typed: a README sentence that names one is not an example. */
const LABELS = new Set(
  [...Object.values(STRINGS), ...Object.values(LEAD_STRINGS)].flatMap((p) => [p.zh, p.en]).filter((v): v is string => typeof v === 'string').map((v) => v.toLowerCase()),
);

/** The quoted examples of the README's "Talking to the bot" section and of every paragraph about what people say "in chat". */
function readmeExamples(): string[] {
  const readme = readFileSync(path.join(PACKAGE_ROOT, 'README.md'), 'utf8');
  const talking = /\n## Talking to the bot\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? '';
  return readme
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s+/g, ' '))
    .filter((p) => /\bin chat\b/.test(p) || talking.replace(/\s+/g, ' ').includes(p.trim()))
    .flatMap(quoted)
    .filter((q) => !LABELS.has(q.toLowerCase()));
}

function pageExamples(): string[] {
  const js = readFileSync(path.join(PACKAGE_ROOT, 'src/web/chat.js'), 'utf8');
  const list = /var EXAMPLES = \[([^\]]*)\]/.exec(js)?.[1] ?? '';
  return [...list.matchAll(/'([^']+)'/g)].map((m) => m[1]!);
}

const SOURCES: Record<string, string[]> = {
  'help (zh)': quoted(STRINGS.help.zh),
  'help (en)': quoted(STRINGS.help.en),
  welcome: [...quoted(STRINGS.welcome.zh), ...quoted(STRINGS.welcome.en)],
  'web page': pageExamples(),
  'README, Talking to the bot': quoted(/\n## Talking to the bot\n([\s\S]*?)\n## /.exec(readFileSync(path.join(PACKAGE_ROOT, 'README.md'), 'utf8'))?.[1] ?? ''),
  README: readmeExamples(),
};

type Check = (all: string, replies: Reply[]) => void;
const text = (r: Reply[]) => r.map((x) => [x.text, ...(x.items ?? []).flatMap((i) => [i.title, ...i.lines])].join('\n')).join('\n');
const hits = (r: Reply[]) => r.flatMap((x) => x.items ?? []);
/** Search results, each of them matching `re` (title, applicant, province line). */
const results = (re: RegExp): Check => (_all, r) => {
  expect(hits(r).length).toBeGreaterThan(0);
  for (const h of hits(r)) expect([h.title, ...h.lines].join(' ')).toMatch(re);
};
const says = (...res: RegExp[]): Check => (all) => {
  for (const re of res) expect(all).toMatch(re);
};
const leadQuestion: Check = (all) => expect(all).toMatch(/服务机构帮您做什么|想购买哪项|想许可|请描述|哪个省|怎么联系您|What would you like an alliance agency|Which patent|Describe|Which province|How can the agency reach you/);

/** What each example must answer. Keys are the examples exactly as shown. */
const EXPECT: Record<string, Check> = {
  '湖南 工程机械 发明专利': results(/湖南/),
  'construction machinery invention patents in Hunan': results(/Hunan/),
  '湖北 锂电池 专利': results(/湖北[\s\S]*|锂|电池/),
  'lithium battery patents in Hubei': results(/Hubei/),
  CN117591160A: says(/CN117591160A/, /起重机|crane/i),
  湖北的专利质押融资政策: says(/质押/, /湖北/, /来源/),
  '我是湖南的中小企业，有两件发明专利，能申请什么支持？': says(/湖南/, /来源/),
  'pledge financing policy in Hubei': says(/pledge/i, /Hubei/, /Source/),
  有哪些做专利维权的机构: says(/维权/),
  'which agencies offer IP protection?': says(/protection|enforcement/i),
  博览会在哪举办: says(/地点/),
  'where is the expo?': says(/Venue/),
  我要报名: says(/第 1\/5 步/),
  我要报名参加博览会: says(/第 1\/5 步/),
  'register me for the expo': says(/Step 1\/5/),
  我的报名: says(/博览会报名|您提交的需求|还没有提交过需求/),
  'my registrations': says(/expo registrations/i, /requests/i),
  订阅: says(/已订阅/),
  退订: says(/退订|没有订阅/),
  subscribe: says(/subscribed/i),
  unsubscribe: says(/unsubscribed|not subscribed/i),
  我想购买专利CN117591160A: leadQuestion,
  'we want to license CN117591160A': leadQuestion,
  'we want to license a drone patent': leadQuestion,
  求购污水处理技术: leadQuestion,
  'looking for wastewater treatment technology': leadQuestion,
  有人侵犯我的专利: leadQuestion,
  'someone is infringing my patent': leadQuestion,
  专利转让流程是什么: says(/著录项目变更/, /来源/),
  'how does a patent transfer work?': says(/CNIPA/, /Sources/),
  人工客服: says(/服务联盟的工作人员/),
  怎么联系你们: says(/人工客服/, /来源/),
  我的需求: says(/您提交的需求|还没有提交过需求/),
  'my leads': says(/requests/i),
  'talk to a person': says(/alliance's staff/),
  删除我的信息: says(/确认删除/),
  'forget me': says(/Delete all your personal data/),
  帮助: says(/我可以/),
  Help: says(/I can/),
  help: says(/I can/),
};

/**
 * Examples whose understanding another branch delivers; each names the change it waits for and
 * runs as soon as that is merged (remove it here then).
 */
const WAITS_FOR: Record<string, string> = {};

const NOT_UNDERSTOOD = [STRINGS.unknown.zh, STRINGS.unknown.en, STRINGS.noQuery.zh, STRINGS.noQuery.en, STRINGS.searchFailed.zh, STRINGS.searchFailed.en];

let services: Services;
let dir: string;
let n = 0;
// A fixed day inside the sample 2026 edition's registration window (content/expos.yaml).
const now = new Date('2026-11-21T08:00:00Z');

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pb-examples-'));
  const config = loadConfig({ DATA_DIR: dir, CONTENT_DIR: path.join(PACKAGE_ROOT, 'content'), LOG_LEVEL: 'silent' });
  services = await createServices(config, createLogger('silent'), { loadDemo: true, clock: () => now });
}, 120_000);

afterAll(async () => {
  await services?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the examples the bot and the README show', () => {
  it('are found where they are shown', () => {
    for (const [where, list] of Object.entries(SOURCES)) expect(list.length, where).toBeGreaterThan(0);
  });

  const all = [...new Set(Object.values(SOURCES).flat())];
  for (const example of all) {
    const run = WAITS_FOR[example] ? it.skip : it;
    run(`“${example}”${WAITS_FOR[example] ? ` — waits for ${WAITS_FOR[example]}` : ''}`, async () => {
      const check = EXPECT[example];
      expect(check, `no expectation for the example “${example}”: add one to EXPECT`).toBeDefined();
      const user = `examples-${++n}`;
      const res = await services.pipeline.handle({ platform: 'web', conversation: 'private', updateId: `ex-${n}`, userId: user, chatId: user, text: example, receivedAt: now });
      const answer = text(res.replies);
      expect(res.replies.length).toBeGreaterThan(0);
      expect(answer.trim()).not.toBe('');
      for (const bad of NOT_UNDERSTOOD) expect(answer).not.toContain(bad);
      expect(answer).not.toMatch(/没有找到与|No patents match|平台库中没有找到|is not in the platform's database/);
      check!(answer, res.replies);
    });
  }
});
