import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ContentError, loadContent, parseAgencies, parsePolicyFile } from '../../src/domain/policy.js';
import { formatPartialDay, staleValidityWarnings, validityOf, validityText } from '../../src/domain/policy-validity.js';
import { PACKAGE_ROOT } from '../../src/util/paths.js';

const section = (over: Partial<Record<'id' | 'topics' | 'issued' | 'checked' | 'sources' | 'extra', string>> = {}, heading = '质押融资 | Pledge financing', bodies = '### 中文\n正文。\n\n### English\nBody.\n') =>
  `## ${heading}\n\n\`\`\`yaml\nid: ${over.id ?? 'hubei-pledge'}\ntopics: ${over.topics ?? '[pledge-financing]'}\nissued: ${over.issued ?? '2024-09-15'}\nchecked: ${over.checked ?? '2026-11-21'}\n${over.extra ? `${over.extra}\n` : ''}sources: ${over.sources ?? '\n  - title: 《某方案》\n    reported: false'}\n\`\`\`\n\n${bodies}\n`;
const file = (...sections: string[]) => `# 湖北 | Hubei\n\n${sections.join('\n')}`;

describe('policy content', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
  it('parses a well-formed section', () => {
    const r = parsePolicyFile(file(section()), 'policies/hubei.md');
    expect(r.problems).toEqual([]);
    expect(r.sections[0]).toMatchObject({ id: 'hubei-pledge', scope: 'Hubei', topics: ['pledge-financing'], title: { zh: '质押融资', en: 'Pledge financing' }, body: { zh: '正文。', en: 'Body.' } });
  });

  it('fails a section without sources or dates, with unknown topics, or without both bodies', () => {
    const cases: [string, RegExp][] = [
      [section({ sources: '[]' }), /needs at least one source/],
      [section({ issued: '2024-13-40' }), /issued/],
      [section({ checked: 'yesterday' }), /checked/],
      [section({ topics: '[lottery]' }), /topics/],
      [section({}, '只有中文标题'), /heading must be/],
      [section({}, undefined, '### 中文\n正文。\n'), /English/],
    ];
    for (const [s, re] of cases) expect(parsePolicyFile(file(s), 'policies/hubei.md').problems.join('\n')).toMatch(re);
    expect(parsePolicyFile(file(section({ id: 'hubei-none', sources: '[]' })), 'policies/hubei.md').problems).toEqual([]);
    expect(parsePolicyFile(file('## 坏 | Bad\n\n```yaml\nid: [unclosed\n```\n'), 'policies/hubei.md').problems.join()).toMatch(/YAML|id/);
  });

  it('records dates as precise as the source, and refuses placeholders, unknown keys and reported links', () => {
    const parse = (over: Parameters<typeof section>[0]) => parsePolicyFile(file(section(over)), 'policies/hubei.md');
    expect(parse({ issued: '2024-12' }).sections[0]!.issued).toBe('2024-12');
    expect(parse({ issued: '2022' }).sections[0]!.issued).toBe('2022');
    expect(parse({ issued: 'unknown' }).sections[0]!.issued).toBe('unknown');
    expect(parse({ issued: '2024-13' }).problems.join()).toMatch(/issued/);
    expect(formatPartialDay('2022', 'zh')).toBe('2022年（具体日期未载明）');
    expect(formatPartialDay('2022', 'en')).toBe('2022 (exact date not stated)');
    expect(formatPartialDay('2024-12', 'zh')).toBe('2024年12月（具体日期未载明）');
    expect(formatPartialDay('2024-12', 'en')).toBe('December 2024 (exact date not stated)');
    expect(formatPartialDay('2024-05-27', 'en')).toBe('2024-05-27');
    expect(parse({ extra: 'valid_form: 2024' }).problems.join()).toMatch(/valid_form/);
    expect(parse({ extra: 'valid_from: 2025\nvalid_until: 2024' }).problems.join()).toMatch(/valid_from is after valid_until/);
    expect(parse({ extra: 'city: 长沙' }).problems.join()).toMatch(/长沙 is not a city of Hubei/);
    expect(parse({ extra: 'city: 武汉\napplicants: [sme]\npatent_kinds: [invention]' }).sections[0]).toMatchObject({ city: '武汉', applicants: ['sme'], patentKinds: ['invention'] });
    expect(parse({ extra: 'applicants: [martians]' }).problems.join()).toMatch(/applicants/);
    expect(parse({ sources: '\n  - title: 某转载稿\n    url: http://mirror.example/x\n    reported: true' }).problems.join()).toMatch(/reported source carries no URL/);
  });

  it('says whether a section is in force on the day asked, and warns about passed horizons nobody re-checked', () => {
    const [plan, rule] = parsePolicyFile(
      file(section({ id: 'hubei-plan', topics: '[plan]', extra: 'horizon: 2025', checked: '2025-06-01' }), section({ id: 'hubei-rule', extra: 'valid_from: 2024-01\nvalid_until: 2025-08-07', checked: '2025-01-10' })),
      'policies/hubei.md',
    ).sections;
    const none = () => undefined;
    expect(validityOf(plan!, '2025-12-31', none)).toEqual({ kind: 'horizon-running', horizon: 2025 });
    expect(validityText(validityOf(plan!, '2026-01-01', none)!, 'en')).toBe('Status: horizon 2025 has passed; no successor on file');
    expect(validityText(validityOf(plan!, '2026-01-01', none)!, 'zh')).toBe('状态：规划期至2025年，已过；暂无后续文件在册');
    expect(validityText(validityOf(rule!, '2025-08-07', none)!, 'en')).toBe('Status: in force (since January 2024, until 2025-08-07)');
    expect(validityText(validityOf(rule!, '2025-08-08', none)!, 'zh')).toBe('状态：已于2025-08-07结束');
    expect(validityOf(rule!, '2023-12-31', none)).toEqual({ kind: 'not-yet', from: '2024-01' });
    expect(staleValidityWarnings([plan!, rule!], '2025-08-07')).toEqual([]);
    const warnings = staleValidityWarnings([plan!, rule!], '2026-01-02');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/hubei-plan: its horizon 2025 has passed and it was last checked 2025-06-01/);
    expect(warnings[1]).toMatch(/hubei-rule: it ended 2025-08-07/);
    // Re-checked after the horizon: no warning.
    expect(staleValidityWarnings([{ ...plan!, checked: '2026-01-02' }], '2026-03-01')).toEqual([]);
  });

  it('refuses a successor that is not on file', () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'pb-content-'));
    dirs.push(d);
    mkdirSync(path.join(d, 'policies'));
    writeFileSync(path.join(d, 'policies', 'hubei.md'), file(section({ extra: 'horizon: 2025\nsuccessor: hubei-later' })));
    writeFileSync(path.join(d, 'agencies.yaml'), 'agencies:\n  - slug: a-b-c\n    name: { zh: 甲机构, en: A co }\n    fields: [trading]\n    provinces: [Hubei]\n    services: { zh: 服务, en: svc }');
    writeFileSync(path.join(d, 'expos.yaml'), 'expos: []');
    expect(() => loadContent(d)).toThrow(/successor hubei-later is not a section on file/);
  });

  it('refuses a province outside the six', () => {
    expect(parsePolicyFile(file(section()), 'policies/shaanxi.md').problems.join()).toMatch(/not covered/);
    expect(parsePolicyFile(file(section()), 'policies/guangdong.md').sections).toEqual([]);
  });

  it('checks the agencies file', () => {
    expect(parseAgencies('agencies: []').problems.join()).toMatch(/agencies/);
    expect(parseAgencies('agencies:\n  - slug: a-b-c\n    name: { zh: 甲, en: A }\n    fields: [gossip]\n    provinces: [Hubei]\n    services: { zh: 服务, en: svc }').problems.join()).toMatch(/fields/);
    expect(parseAgencies('agencies:\n  - slug: a-b-c\n    name: { zh: 甲机构, en: A co }\n    fields: [trading]\n    provinces: [Guangdong]\n    services: { zh: 服务, en: svc }').problems.join()).toMatch(/provinces/);
  });

  it('loadContent lists every problem at once, including duplicate ids across files', () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'pb-content-'));
    dirs.push(d);
    mkdirSync(path.join(d, 'policies'));
    writeFileSync(path.join(d, 'policies', 'hubei.md'), file(section()));
    writeFileSync(path.join(d, 'policies', 'hunan.md'), file(section(), section({ id: 'hunan-x', sources: '[]' })));
    writeFileSync(path.join(d, 'agencies.yaml'), 'agencies: nope');
    try {
      loadContent(d);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ContentError);
      const msg = (err as ContentError).problems.join('\n');
      expect(msg).toMatch(/duplicate id hubei-pledge/);
      expect(msg).toMatch(/needs at least one source/);
      expect(msg).toMatch(/agencies/);
    }
  });

  it('the shipped content passes the check', () => {
    const c = loadContent(path.join(PACKAGE_ROOT, 'content'));
    const scopes = new Set(c.policies.map((s) => s.scope));
    for (const s of ['Shanxi', 'Henan', 'Hubei', 'Hunan', 'Anhui', 'Jiangxi', 'national', 'central-region']) expect(scopes, s).toContain(s);
    expect(c.agencies.sample).toBe(true);
    for (const s of c.policies) if (!s.id.endsWith('-none')) expect(s.sources.length, s.id).toBeGreaterThan(0);
  });
});
