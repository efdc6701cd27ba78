/**
 * Regenerate the templated training corpus and report on the learned model.
 *   npx tsx scripts/train-nlu.ts          write src/nlu/training/templated.jsonl and weights.json
 *   npx tsx scripts/train-nlu.ts --check  only report whether the committed files are current (exit 1 if not)
 *
 * The generator (src/nlu/training/generate.ts) is deterministic. Its output is filtered so that no line
 * is a near copy (normalised edit distance < 0.2) of any evaluation line: every `tests/nlu/*.jsonl` and,
 * when present, `../shared/nlu/dev.jsonl`. The filter only removes training lines; evaluation text never
 * enters the corpus. Without the dev set the templated file is left as committed (regenerating it could
 * re-admit lines near dev). Then both models are trained on every `src/nlu/training/*.jsonl` (templated
 * and hand-written) and written to `src/nlu/training/weights.json`, which src/nlu/model.ts loads.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCorpus, WEIGHTS_PATH } from '../src/nlu/model.js';
import { generate, toJsonl } from '../src/nlu/training/generate.js';
import { nearCopies, readJsonl } from '../src/nlu/training/near-copy.js';
import { serializeWeights, trainWeights } from '../src/nlu/training/train.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'src/nlu/training/templated.jsonl');

const dev = resolve(root, '../shared/nlu/dev.jsonl');
const hasDev = existsSync(dev);
/** Evaluation lines the corpus must not copy. */
function evaluationLines(): { texts: string[]; sources: string[] } {
  const sources = readdirSync(join(root, 'tests/nlu'))
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => join(root, 'tests/nlu', f));
  if (hasDev) sources.push(dev);
  return { texts: sources.flatMap((s) => readJsonl(s).map((r) => r.text)), sources };
}

const t0 = performance.now();
const rows = generate();
const { texts, sources } = evaluationLines();
const dropped = new Set(nearCopies(rows.map((r) => r.text), texts).map(([t]) => t));
const kept = rows.filter((r) => !dropped.has(r.text));
const body = toJsonl(kept);
const current = existsSync(out) && readFileSync(out, 'utf8') === body;

console.log(`generated ${rows.length} lines; ${dropped.size} dropped as near copies of ${texts.length} evaluation lines`);
console.log(`  (checked against ${sources.map((s) => s.replace(`${root}/`, '')).join(', ')})`);
console.log(`templated corpus: ${kept.length} lines, ${current ? 'committed file is current' : 'committed file differs'}`);
const check = process.argv.includes('--check');
// Without the dev set the filter cannot see it, and a regenerated file could re-admit lines near it.
if (!hasDev) console.log(`dev set absent (${dev}): templated.jsonl left as committed; weights trained on the committed corpus`);
else if (!check && !current) writeFileSync(out, body);

const t1 = performance.now();
const corpus = readCorpus();
const weights = serializeWeights(trainWeights(corpus));
const trainMs = performance.now() - t1;
const weightsCurrent = existsSync(WEIGHTS_PATH) && readFileSync(WEIGHTS_PATH, 'utf8') === weights;
console.log(`trained on ${corpus.length} lines in ${trainMs.toFixed(0)} ms; weights.json ${(weights.length / 1024).toFixed(0)} KB, ${weightsCurrent ? 'current' : 'differs'}`);
if (check) process.exitCode = (current || !hasDev) && weightsCurrent ? 0 : 1;
else if (!weightsCurrent) writeFileSync(WEIGHTS_PATH, weights);
console.log(`total ${(performance.now() - t0).toFixed(0)} ms`);
