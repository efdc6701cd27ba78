/**
 * The training corpus of the learned model (src/nlu/training/) and its precomputed weights:
 *   - big and varied enough, every line well-formed;
 *   - no line is a copy or near copy (normalised edit distance < 0.2) of an evaluation line: the dev set
 *     (../shared/nlu/dev.jsonl, skipped with a message when absent) and every tests/nlu/*.jsonl;
 *   - templated.jsonl is what the generator produces (minus near copies of evaluation lines);
 *   - weights.json is what training on the current corpus produces.
 * If one of the last two fails after an edit: `npx tsx scripts/train-nlu.ts`.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { INTENTS, LEAD_TYPES } from '../../src/core/intents.js';
import { MODEL_INFO, TRAINING_DIR, WEIGHTS_PATH, readCorpus } from '../../src/nlu/model.js';
import { generate, toJsonl } from '../../src/nlu/training/generate.js';
import { nearCopies, readJsonl } from '../../src/nlu/training/near-copy.js';
import { serializeWeights, trainWeights } from '../../src/nlu/training/train.js';

const here = dirname(fileURLToPath(import.meta.url));
const DEV = resolve(here, '../../../shared/nlu/dev.jsonl');
const hasDev = existsSync(DEV);
const localSets = readdirSync(here).filter((f) => f.endsWith('.jsonl')).map((f) => join(here, f));
const texts = (path: string): string[] => readJsonl(path).map((r) => r.text);
const templated = readJsonl(join(TRAINING_DIR, 'templated.jsonl'));
const handwritten = readJsonl(join(TRAINING_DIR, 'handwritten.jsonl'));
const corpus = [...templated, ...handwritten].map((r) => r.text);

describe('training corpus', () => {
  it('has ≥ 2,500 templated and ≥ 400 hand-written lines, all well-formed', () => {
    expect(templated.length).toBeGreaterThanOrEqual(2500);
    expect(handwritten.length).toBeGreaterThanOrEqual(400);
    for (const r of [...templated, ...handwritten]) {
      expect(INTENTS).toContain(r.intent);
      expect(r.text.trim()).not.toBe('');
      const lead = r.entities.leadType;
      if (r.intent === 'submit_lead') expect(LEAD_TYPES).toContain(lead);
      else expect(lead).toBeUndefined();
    }
    // Every intent and every text lead type is represented, `unknown` generously.
    for (const intent of INTENTS) expect(handwritten.some((r) => r.intent === intent)).toBe(true);
    expect(templated.filter((r) => r.intent === 'unknown').length).toBeGreaterThanOrEqual(300);
  });

  it('has no duplicate lines', () => {
    expect(new Set(corpus).size).toBe(corpus.length);
  });

  it.each(localSets.map((p) => [p.slice(here.length + 1), p]))('copies no line of %s', (_name, path) => {
    expect(nearCopies(corpus, texts(path))).toEqual([]);
  });

  it('copies no line of the dev set', (ctx) => {
    if (!hasDev) {
      console.warn(`dev set not found at ${DEV}: near-copy check against it skipped`);
      ctx.skip();
    }
    expect(nearCopies(corpus, texts(DEV))).toEqual([]);
  });

  it('templated.jsonl is the generator output minus near copies of evaluation lines', () => {
    const generated = generate();
    const refs = [...localSets, ...(hasDev ? [DEV] : [])].flatMap(texts);
    const dropped = new Set(nearCopies(generated.map((r) => r.text), refs).map(([t]) => t));
    const expected = generated.filter((r) => !dropped.has(r.text));
    const committed = readFileSync(join(TRAINING_DIR, 'templated.jsonl'), 'utf8');
    if (hasDev) {
      expect(committed).toBe(toJsonl(expected));
      return;
    }
    // Without the dev set the lines dropped for being near it cannot be recomputed: the committed file
    // must still be the expected lines in order, with at most a few more left out.
    const lines = new Set(committed.split('\n').filter(Boolean));
    const kept = expected.filter((r) => lines.has(JSON.stringify(r)));
    expect(kept.length).toBe(lines.size);
    expect(expected.length - kept.length).toBeLessThan(0.05 * expected.length);
  });
});

describe('learned model weights', () => {
  it('weights.json matches a fresh training run on the current corpus', () => {
    const fresh = serializeWeights(trainWeights(readCorpus()));
    expect(fresh === readFileSync(WEIGHTS_PATH, 'utf8'), 'weights.json is stale: run `npx tsx scripts/train-nlu.ts`').toBe(true);
  });

  // Load time and ms per utterance are figures `npm run eval:nlu` prints, not timed assertions.
  it('were trained on the whole corpus', () => {
    expect(MODEL_INFO.rows).toBe(corpus.length);
  });
});
