/**
 * The README and docs/ against the code, so they cannot drift: every variable the zod config
 * parses has a row in the README's configuration table (and no row names one it does not parse);
 * the README points a clone at nothing outside it for what users need (the spec and the shared
 * corpus README); the import format's example records are accepted by the importer's own rules.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES } from '../../src/config/config.js';
import { parsePatentInput } from '../../src/domain/patent-input.js';
import { readCsv } from '../../src/services/csv.js';
import { PACKAGE_ROOT } from '../../src/util/paths.js';

const readme = readFileSync(path.join(PACKAGE_ROOT, 'README.md'), 'utf8');
const importDoc = readFileSync(path.join(PACKAGE_ROOT, 'docs/import-format.md'), 'utf8');

/** The variables named in the first column of the table under "## Configuration". */
function tableVariables(): Set<string> {
  const start = readme.indexOf('\n## Configuration\n');
  expect(start).toBeGreaterThan(-1);
  const section = readme.slice(start + 1, readme.indexOf('\n## ', start + 5));
  const rows = section.split('\n').filter((l) => /^\| `/.test(l));
  return new Set(rows.flatMap((l) => [...l.split('|')[1]!.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]!)));
}

const blocks = (text: string, lang: string) => [...text.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);

describe('README', () => {
  it('has a configuration table row for every variable the config parses, and none for others', () => {
    const table = tableVariables();
    expect(CONFIG_VARIABLES.length).toBeGreaterThan(40);
    expect(CONFIG_VARIABLES.filter((v) => !table.has(v))).toEqual([]);
    expect([...table].filter((v) => !CONFIG_VARIABLES.includes(v))).toEqual([]);
  });

  it('does not send a clone to files outside it for the spec or the import format', () => {
    expect(readme).not.toContain('../shared/SPEC.md');
    expect(readme).not.toContain('../shared/data/patents/README.md');
    expect(readme).toContain('docs/import-format.md');
  });

  it('gives import examples the importer accepts', async () => {
    const json = [...blocks(readme, 'json'), ...blocks(importDoc, 'json')].map((b) => b.replace(/\n(?=\s)/g, ''));
    expect(json.length).toBeGreaterThanOrEqual(2);
    for (const line of json) {
      const res = parsePatentInput(JSON.parse(line));
      expect(res).toMatchObject({ ok: true, record: { id: 'CN106421004A', patentType: 'invention', province: 'Hubei', city: '武汉市' } });
    }
    const [csv] = blocks(importDoc, 'csv');
    const records = [];
    for await (const r of readCsv((async function* () { yield* csv!.trimEnd().split('\n'); })())) records.push(r);
    const [header, row] = records as { fields: string[] }[];
    // As the importer maps a CSV row: list fields split on ';'.
    const lists = new Set(['applicants', 'inventors', 'ipc', 'sourceCategory', 'tradeModes']);
    const obj = Object.fromEntries(header!.fields.map((h, i) => [h, lists.has(h) ? row!.fields[i]!.split(';') : row!.fields[i]]));
    const res = parsePatentInput(obj);
    expect(res).toMatchObject({ ok: true, record: { id: 'CN106421004A', inventors: ['龙锦程', '侯丽娟'], tradeModes: ['license', 'transfer'], province: 'Hubei' } });
  });
});
