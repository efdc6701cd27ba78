import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ContentError, loadContent, parseAgencies, parsePolicyFile } from '../../src/domain/policy.js';
import { PACKAGE_ROOT } from '../../src/util/paths.js';

const section = (over: Partial<Record<'id' | 'topics' | 'issued' | 'checked' | 'sources', string>> = {}, heading = '质押融资 | Pledge financing', bodies = '### 中文\n正文。\n\n### English\nBody.\n') =>
  `## ${heading}\n\n\`\`\`yaml\nid: ${over.id ?? 'hubei-pledge'}\ntopics: ${over.topics ?? '[pledge-financing]'}\nissued: ${over.issued ?? '2024-09-15'}\nchecked: ${over.checked ?? '2026-11-21'}\nsources: ${over.sources ?? '\n  - title: 《某方案》\n    reported: false'}\n\`\`\`\n\n${bodies}\n`;
const file = (...sections: string[]) => `# 湖北 | Hubei\n\n${sections.join('\n')}`;

describe('policy content', () => {
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

  it('refuses a province outside the six', () => {
    expect(parsePolicyFile(file(section()), 'policies/shaanxi.md').problems.join()).toMatch(/not covered/);
    expect(parsePolicyFile(file(section()), 'policies/guangdong.md').sections).toEqual([]);
  });

  it('checks the agencies file', () => {
    expect(parseAgencies('agencies: []').problems.join()).toMatch(/agencies/);
    expect(parseAgencies('agencies:\n  - slug: a-b-c\n    name: { zh: 甲, en: A }\n    fields: [gossip]\n    provinces: [Hubei]\n    services: { zh: 服务, en: svc }').problems.join()).toMatch(/fields/);
    expect(parseAgencies('agencies:\n  - slug: a-b-c\n    name: { zh: 甲机构, en: A co }\n    fields: [trading]\n    provinces: [Guangdong]\n    services: { zh: 服务, en: svc }').problems.join()).toMatch(/provinces/);
  });

  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
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
