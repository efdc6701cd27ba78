/** content/faq.yaml: the shipped file is valid and sourced; a malformed one is refused with every problem named. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FaqError, loadFaq } from '../../src/domain/faq.js';
import { PACKAGE_ROOT } from '../../src/util/paths.js';

describe('content/faq.yaml', () => {
  it('ships the entries the chat asks for, each answered in both languages with a source', () => {
    const faq = loadFaq(path.join(PACKAGE_ROOT, 'content'));
    expect(faq.entries.map((e) => e.id).sort()).toEqual(['contact', 'licence', 'transfer']);
    for (const e of faq.entries) {
      expect(e.answer.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(e.answer.en).toMatch(/[a-z]/);
      expect(e.sources.length).toBeGreaterThan(0);
    }
  });

  it('refuses an entry without sources, a bad id and a duplicate, naming each', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pb-faq-'));
    try {
      const entry = (id: string, sources: string) => `  - id: ${id}\n    question: { zh: "问", en: "Q" }\n    answer: { zh: "答", en: "A" }\n    sources: ${sources}\n    checked: "2026-12-02"\n`;
      writeFileSync(path.join(dir, 'faq.yaml'), `entries:\n${entry('transfer', '[]')}${entry('Bad Id', '[{ title: "x" }]')}`);
      expect(() => loadFaq(dir)).toThrow(FaqError);
      try {
        loadFaq(dir);
      } catch (err) {
        const problems = (err as FaqError).problems.join('\n');
        expect(problems).toMatch(/entries\.0\.sources needs at least one source/);
        expect(problems).toMatch(/entries\.1\.id must be 3–40/);
      }
      writeFileSync(path.join(dir, 'faq.yaml'), `entries:\n${entry('transfer', '[{ title: "x" }]')}${entry('transfer', '[{ title: "y" }]')}`);
      expect(() => loadFaq(dir)).toThrow(/duplicate id transfer/);
      // No file: no FAQ (the chat then lists the agencies), not an error.
      rmSync(path.join(dir, 'faq.yaml'));
      expect(loadFaq(dir).entries).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
