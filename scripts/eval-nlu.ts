/**
 * Evaluate the offline classifier on a labelled JSONL file (`{"text","intent","entities"}` per line).
 *   npx tsx scripts/eval-nlu.ts [path]     (default: ../shared/nlu/dev.jsonl relative to the repo root)
 * Prints intent accuracy, macro F1 and per-intent P/R/F1, per-entity accuracy, and the confusions.
 * Entity accuracy for a key: correct / utterances where the gold OR the prediction has that key
 * (a key present with value null counts as present and must match null).
 * `--llm` runs the same rows through the hybrid path (offline classifier, then the configured model
 * where it is unsure; OPENAI_API_KEY / OPENAI_BASE_URL / OPENAI_MODEL as for the service) and prints
 * the same report plus how often the model was asked and how it answered.
 * `ipc` is scored only when the file labels it somewhere (heldout does; dev never does, even for texts
 * with an IPC code): otherwise its predictions are counted on their own line, not as errors.
 * Calibration: expected calibration error (10 equal-width bins over the answers that are not `unknown`),
 * accuracy of the answers at or above the LLM threshold (0.8: below it the model is asked), and the
 * wrong answers above 0.95.
 * Then the project's own robustness sections (tests/nlu/robust.jsonl, robust-2.jsonl with its halves apart,
 * robust-3.jsonl, robust-4.jsonl, robust-5.jsonl, robust-6.jsonl; robust.jsonl: typos, homophones, Traditional
 * characters, negation, references to results, expo sub-questions, bare nouns, talking to the platform),
 * per kind, with the reference and sub-question each row expects. Without ../shared it says so in one
 * line and prints only that section.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { INTENTS, type Entities, type Intent } from '../src/core/intents.js';
import { classify } from '../src/nlu/classify.js';
import { expoSubQuestion } from '../src/nlu/expo-question.js';
import { corrected } from '../src/nlu/fuzzy.js';
import { MODEL_INFO } from '../src/nlu/model.js';
import { normalize } from '../src/nlu/normalize.js';
import { resultReference } from '../src/nlu/reference.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const useLlm = args.includes('--llm');
const fileArg = args.find((a) => !a.startsWith('--'));
const path = resolve(process.cwd(), fileArg ?? resolve(root, '../shared/nlu/dev.jsonl'));
const ROBUST = resolve(root, 'tests/nlu/robust.jsonl');
/** A second set written apart from the templates (#19): its first half guided tuning, its second half is the unseen check. */
const ROBUST_2 = resolve(root, 'tests/nlu/robust-2.jsonl');
/** A third set, written after the tuning on robust-2 and never tuned on: the honest check of generalisation. */
const ROBUST_3 = resolve(root, 'tests/nlu/robust-3.jsonl');
/** A fourth set (pinyin, mixed zh/en, ordinary lines besides the robust kinds), committed before the fixes that follow it. */
const ROBUST_4 = resolve(root, 'tests/nlu/robust-4.jsonl');
/** A fifth, written after the fixes robust-4 drove and before measuring them: their unseen check. */
const ROBUST_5 = resolve(root, 'tests/nlu/robust-5.jsonl');
/** A sixth (#19 part 4–5), written before reading the classifier or its training data and committed before any fix. */
const ROBUST_6 = resolve(root, 'tests/nlu/robust-6.jsonl');
/** The confidence below which the service asks the LLM (LLM_CONFIDENCE's default). */
const LLM_THRESHOLD = 0.8;
const KEYS = ['province', 'patentType', 'leadType', 'patentNumber', 'ipc'] as const satisfies readonly (keyof Entities)[];
/** Keys a file may leave unlabelled on purpose; scored only when some gold row has them. */
const SCORED_IF_LABELLED = new Set<keyof Entities>(['ipc']);

interface Gold {
  text: string;
  intent: Intent;
  entities: Entities;
  /** robust.jsonl only: the kind of difficulty, the expected reference or expo sub-question. */
  kind?: string;
  ref?: unknown;
  sub?: string;
}
const readRows = (file: string): Gold[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Gold);
function pct(n: number, d: number): string {
  return d ? `${((100 * n) / d).toFixed(1)}%` : 'n/a';
}
if (!existsSync(path)) {
  console.error(`eval:nlu: ${path} not found (the labelled dev set sits beside the project in ../shared/nlu; or pass a JSONL file); the project's own section follows`);
  robustSection(ROBUST);
  robustSection(ROBUST_2, true);
  robustSection(ROBUST_3);
  robustSection(ROBUST_4);
  robustSection(ROBUST_5);
  robustSection(ROBUST_6);
  process.exit(2);
}
const rows: Gold[] = readRows(path);

const tp = new Map<Intent, number>();
const fp = new Map<Intent, number>();
const fn = new Map<Intent, number>();
const inc = (m: Map<Intent, number>, k: Intent): void => void m.set(k, (m.get(k) ?? 0) + 1);
const confusions = new Map<string, string[]>();
const entityStats = Object.fromEntries(KEYS.map((k) => [k, { ok: 0, n: 0, errors: [] as string[] }]));
let correct = 0;
const understand = useLlm ? await hybridPath() : undefined;
const t0 = performance.now();
const predicted = new Map<Gold, Awaited<ReturnType<typeof classify>>>();
for (const row of rows) {
  const offline = classify(row.text);
  predicted.set(row, understand ? await understand(row.text, offline) : offline);
}
for (const row of rows) {
  const got = predicted.get(row)!;
  if (got.intent === row.intent) {
    correct++;
    inc(tp, row.intent);
  } else {
    inc(fp, got.intent);
    inc(fn, row.intent);
    const key = `${row.intent} → ${got.intent}`;
    confusions.set(key, [...(confusions.get(key) ?? []), row.text]);
  }
  for (const k of KEYS) {
    const inGold = k in row.entities;
    const inPred = k in got.entities;
    if (!inGold && !inPred) continue;
    const st = entityStats[k]!;
    st.n++;
    if (inGold && inPred && row.entities[k] === got.entities[k]) st.ok++;
    else st.errors.push(`${JSON.stringify(row.text)}: gold ${JSON.stringify(row.entities[k])} got ${JSON.stringify(got.entities[k])}`);
  }
}
const ms = performance.now() - t0;

console.log(`file: ${path}`);
console.log(`model: weights trained on ${MODEL_INFO.rows} lines (${MODEL_INFO.leadRows} with a lead type), loaded in ${MODEL_INFO.loadMs.toFixed(0)} ms`);
console.log(`utterances: ${rows.length}   (${(ms / Math.max(1, rows.length)).toFixed(3)} ms each)`);
console.log(`intent accuracy: ${correct}/${rows.length} = ${pct(correct, rows.length)}`);
let f1sum = 0;
let f1n = 0;
const lines: string[] = [];
for (const intent of INTENTS) {
  const t = tp.get(intent) ?? 0;
  const p = t + (fp.get(intent) ?? 0);
  const r = t + (fn.get(intent) ?? 0);
  if (!r && !p) continue;
  const prec = p ? t / p : 0;
  const rec = r ? t / r : 0;
  const f1 = prec + rec ? (2 * prec * rec) / (prec + rec) : 0;
  f1sum += f1;
  f1n++;
  lines.push(`  ${intent.padEnd(20)} P ${prec.toFixed(2)}  R ${rec.toFixed(2)}  F1 ${f1.toFixed(2)}  (gold ${r})`);
}
console.log(`macro F1: ${(f1sum / Math.max(1, f1n)).toFixed(3)}`);
console.log(lines.join('\n'));
console.log('entities (correct / utterances where gold or prediction has the key):');
for (const k of KEYS) {
  const st = entityStats[k]!;
  const goldHasKey = rows.some((r) => k in r.entities);
  if (!goldHasKey && SCORED_IF_LABELLED.has(k)) {
    const predictions = rows.filter((r) => k in predicted.get(r)!.entities).length;
    console.log(`  ${k.padEnd(13)} not labelled in this file: ${predictions} predictions`);
    continue;
  }
  const note = !goldHasKey && st.n ? '   (note: no gold label in this file has this key)' : '';
  console.log(`  ${k.padEnd(13)} ${st.ok}/${st.n} = ${pct(st.ok, st.n)}${note}`);
  for (const e of st.errors.slice(0, 8)) console.log(`      ${e}`);
}
calibration([...predicted].map(([row, got]) => ({ ok: got.intent === row.intent, intent: got.intent, confidence: got.confidence, text: row.text })));
console.log('confusions (gold → predicted):');
if (!confusions.size) console.log('  none');
for (const [key, texts] of [...confusions].sort((a, b) => b[1].length - a[1].length)) {
  console.log(`  ${key}: ${texts.length}`);
  for (const t of texts.slice(0, 4)) console.log(`      ${JSON.stringify(t)}`);
}

if (!useLlm) {
  robustSection(ROBUST);
  robustSection(ROBUST_2, true);
  robustSection(ROBUST_3);
  robustSection(ROBUST_4);
  robustSection(ROBUST_5);
  robustSection(ROBUST_6);
}

interface Scored {
  ok: boolean;
  intent: Intent;
  confidence: number;
  text: string;
}

/** ECE over the non-`unknown` answers, accuracy at/above the LLM threshold, wrong answers above 0.95. */
function calibration(answers: readonly Scored[]): void {
  const taken = answers.filter((a) => a.intent !== 'unknown');
  const bins = Array.from({ length: 10 }, () => ({ n: 0, ok: 0, conf: 0 }));
  for (const a of taken) {
    const b = bins[Math.min(9, Math.floor(a.confidence * 10))]!;
    b.n++;
    b.conf += a.confidence;
    if (a.ok) b.ok++;
  }
  const ece = bins.reduce((e, b) => e + (b.n ? (b.n / taken.length) * Math.abs(b.ok / b.n - b.conf / b.n) : 0), 0);
  const sure = taken.filter((a) => a.confidence >= LLM_THRESHOLD);
  const overconfident = taken.filter((a) => !a.ok && a.confidence > 0.95);
  console.log(`calibration: ECE ${ece.toFixed(3)} over ${taken.length} answers (unknown left out)`);
  console.log(`  at/above the LLM threshold ${LLM_THRESHOLD}: ${sure.filter((a) => a.ok).length}/${sure.length} = ${pct(sure.filter((a) => a.ok).length, sure.length)} correct; below it (the model is asked): ${taken.length - sure.length}`);
  console.log(`  wrong answers above 0.95: ${overconfident.length}; at/above ${LLM_THRESHOLD}: ${sure.filter((a) => !a.ok).length}`);
  for (const a of overconfident.slice(0, 6)) console.log(`      ${a.confidence.toFixed(3)} ${a.intent}: ${JSON.stringify(a.text)}`);
}

/**
 * One of the project's own sets, per kind: intent, entities, and the expected reference / sub-question.
 * `halves` also prints the first and second half of the file apart (robust-2: tuned on the first, the second kept unseen).
 */
function robustSection(file: string, halves = false): void {
  if (!existsSync(file)) return void console.log(`\n${file}: not found`);
  const set = readRows(file);
  const fully: boolean[] = [];
  const kinds = new Map<string, { n: number; ok: number; errors: string[] }>();
  const answers: Scored[] = [];
  for (const row of set) {
    const got = classify(row.text);
    const norm = corrected(normalize(row.text));
    const entitiesOk = KEYS.every((k) => row.entities[k] === got.entities[k]);
    const refOk = row.ref === undefined || JSON.stringify(resultReference(norm)) === JSON.stringify(row.ref);
    const subOk = row.sub === undefined || expoSubQuestion(norm) === row.sub;
    const ok = got.intent === row.intent && entitiesOk && refOk && subOk;
    fully.push(ok);
    const k = kinds.get(row.kind ?? '?') ?? { n: 0, ok: 0, errors: [] };
    k.n++;
    if (ok) k.ok++;
    else k.errors.push(`${JSON.stringify(row.text)}: want ${row.intent} ${JSON.stringify(row.entities)}${row.ref ? ` ref ${JSON.stringify(row.ref)}` : ''}${row.sub ? ` sub ${row.sub}` : ''}, got ${got.intent} ${got.confidence} ${JSON.stringify({ ...got.entities, query: undefined })}${row.ref ? ` ref ${JSON.stringify(resultReference(norm))}` : ''}${row.sub ? ` sub ${expoSubQuestion(norm)}` : ''}`);
    kinds.set(row.kind ?? '?', k);
    answers.push({ ok: got.intent === row.intent, intent: got.intent, confidence: got.confidence, text: row.text });
  }
  const all = [...kinds.values()].reduce((a, k) => ({ n: a.n + k.n, ok: a.ok + k.ok }), { n: 0, ok: 0 });
  console.log(`\nrobustness section (${file}): ${all.ok}/${all.n} = ${pct(all.ok, all.n)} fully right (intent, entities, reference, sub-question)`);
  if (halves) {
    const mid = Math.ceil(set.length / 2);
    const count = (from: number, to: number): number => fully.slice(from, to).filter(Boolean).length;
    const intents = (from: number, to: number): number => answers.slice(from, to).filter((a) => a.ok).length;
    console.log(`  first half (lines 1-${mid}, seen while tuning): ${count(0, mid)}/${mid} fully right, intent ${intents(0, mid)}/${mid}`);
    console.log(`  second half (lines ${mid + 1}-${set.length}, unseen): ${count(mid, set.length)}/${set.length - mid} fully right, intent ${intents(mid, set.length)}/${set.length - mid}`);
  }
  for (const [kind, k] of kinds) {
    console.log(`  ${kind.padEnd(13)} ${k.ok}/${k.n}`);
    for (const e of k.errors) console.log(`      ${e}`);
  }
  calibration(answers);
}

/** The service's hybrid path with an unlimited budget, or a clear exit when no model is configured. */
async function hybridPath(): Promise<(text: string, offline: ReturnType<typeof classify>) => Promise<ReturnType<typeof classify>>> {
  const { loadConfig } = await import('../src/config/config.js');
  const { LlmClient } = await import('../src/llm/llm-client.js');
  const { HybridNlu } = await import('../src/llm/hybrid-nlu.js');
  const { createLogger } = await import('../src/util/log.js');
  const { createMetrics } = await import('../src/util/metrics.js');
  const config = loadConfig();
  if (!config.OPENAI_API_KEY && !config.OPENAI_BASE_URL) {
    console.error('--llm needs OPENAI_API_KEY or OPENAI_BASE_URL (and OPENAI_MODEL); see README "Using an LLM"');
    process.exit(2);
  }
  const metrics = createMetrics();
  const client = new LlmClient({
    ...(config.OPENAI_API_KEY ? { apiKey: config.OPENAI_API_KEY } : {}),
    ...(config.OPENAI_BASE_URL ? { baseURL: config.OPENAI_BASE_URL } : {}),
    model: config.OPENAI_MODEL ?? 'gpt-4o-mini',
    timeoutMs: config.LLM_TIMEOUT_MS,
    maxRetries: config.LLM_MAX_RETRIES,
    log: createLogger('error'),
    metrics,
  });
  const hybrid = new HybridNlu({ llm: client, budget: { take: async () => true } as never, threshold: config.LLM_CONFIDENCE, clock: () => new Date() });
  let printed = false;
  process.on('beforeExit', async () => {
    if (printed) return;
    printed = true;
    console.log(`model: ${client.model}; calls by outcome:`);
    console.log((await metrics.registry.getSingleMetricAsString('patent_bridge_llm_calls_total')).split('\n').filter((l) => !l.startsWith('#')).join('\n') || '  none');
  });
  return (text, offline) => hybrid.understand(text, offline, 0);
}
