import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Entities, Intent } from '../../src/core/intents.js';
import { classify } from '../../src/nlu/classify.js';

interface Row {
  text: string;
  intent: Intent;
  entities: Entities;
}
const rows: Row[] = readFileSync(resolve(dirname(fileURLToPath(import.meta.url)), 'heldout.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Row);
const KEYS = ['province', 'patentType', 'leadType', 'patentNumber', 'ipc'] as const;

describe('held-out set (written independently of the dev set)', () => {
  const results = rows.map((r) => ({ row: r, got: classify(r.text) }));

  it('has at least 150 labelled utterances', () => {
    expect(rows.length).toBeGreaterThanOrEqual(150);
  });

  it('intent accuracy ≥ 0.95', () => {
    const ok = results.filter((r) => r.got.intent === r.row.intent).length;
    expect(ok / rows.length).toBeGreaterThanOrEqual(0.95);
  });

  it.each(KEYS)('%s accuracy ≥ 0.95', (key) => {
    const relevant = results.filter((r) => key in r.row.entities || key in r.got.entities);
    const ok = relevant.filter((r) => key in r.row.entities && key in r.got.entities && r.row.entities[key] === r.got.entities[key]);
    expect(ok.length / Math.max(1, relevant.length)).toBeGreaterThanOrEqual(0.95);
  });
});
