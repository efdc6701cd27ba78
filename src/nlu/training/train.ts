/**
 * Training of the learned models and their serialisation into `weights.json` (loaded by ../model.ts).
 * Used by `scripts/train-nlu.ts` (writes the file) and by a test (retrains and compares), never at run
 * time: featurising and training a few thousand lines costs ~0.3 s on a cold process, the JSON loads in
 * a few milliseconds.
 *
 * Format: per model, the labels, the feature strings (vocabulary order), a per-class bias, and the weight
 * matrix quantised to signed bytes (value = byte · scale), row-major by feature, base64-encoded.
 * Features whose weights all quantise to 0 are dropped. Training is deterministic, so the file is a pure
 * function of the corpus.
 */
import { createHash } from 'node:crypto';
import { INTENTS } from '../../core/intents.js';
import { features } from '../features.js';
import type { TextLeadType } from '../lexicon.js';
import { train, type Example, type SoftmaxModel } from '../linear.js';
import { LEAD_LABELS, modelText, type CorpusRow, type SerializedModel, type WeightsFile } from '../model.js';

export const TRAIN_OPTIONS = { epochs: 10, rate: 1, seed: 17 } as const;

function quantize(labels: readonly string[], vocab: Map<string, number>, m: SoftmaxModel): SerializedModel {
  const C = m.nClasses;
  let max = 0;
  for (const w of m.weights) max = Math.max(max, Math.abs(w));
  const scale = max / 127 || 1;
  const feats: string[] = [];
  const bytes: number[] = [];
  for (const [f, id] of vocab) {
    const row = Array.from({ length: C }, (_, c) => Math.round(m.weights[id * C + c]! / scale));
    if (row.every((q) => q === 0)) continue;
    feats.push(f);
    for (const q of row) bytes.push(q & 0xff);
  }
  const kept = new Set(feats);
  const units = [...vocab.keys()].filter((f) => !kept.has(f) && (f.length === 1 ? f.charCodeAt(0) >= 0x3400 : f.length === 5 && f.startsWith('g:')));
  return {
    labels: [...labels],
    scale: Number(scale.toPrecision(8)),
    bias: Array.from(m.bias, (b) => Number(b.toFixed(4))),
    features: feats,
    weights: Buffer.from(bytes).toString('base64'),
    units,
  };
}

/** Train both models from a corpus (intent: all lines; lead type: `submit_lead` lines with a lead type). */
export function trainWeights(rows: readonly CorpusRow[]): WeightsFile {
  // Features seen in only one training line cannot generalise; leaving them out halves the vocabulary.
  const featureLists = rows.map((row) => features(modelText(row.text)));
  const df = new Map<string, number>();
  for (const feats of featureLists) for (const f of feats) df.set(f, (df.get(f) ?? 0) + 1);
  const vocab = new Map<string, number>();
  const leadVocab = new Map<string, number>();
  const idsOf = (feats: readonly string[], map: Map<string, number>): Int32Array => {
    const ids: number[] = [];
    for (const f of feats) {
      if (df.get(f)! < 2) continue;
      let id = map.get(f);
      if (id === undefined) map.set(f, (id = map.size));
      ids.push(id);
    }
    return Int32Array.from(ids);
  };
  const intentExamples: Example[] = [];
  const leadExamples: Example[] = [];
  rows.forEach((row, i) => {
    const label = INTENTS.indexOf(row.intent);
    if (label < 0) throw new Error(`training row with unknown intent: ${JSON.stringify(row)}`);
    intentExamples.push({ ids: idsOf(featureLists[i]!, vocab), label });
    const lead = LEAD_LABELS.indexOf(row.entities.leadType as TextLeadType);
    if (row.intent === 'submit_lead' && lead >= 0) leadExamples.push({ ids: idsOf(featureLists[i]!, leadVocab), label: lead });
  });
  const intent = train(intentExamples, vocab.size, INTENTS.length, TRAIN_OPTIONS);
  const lead = train(leadExamples, leadVocab.size, LEAD_LABELS.length, TRAIN_OPTIONS);
  const hash = createHash('sha256');
  for (const r of rows) hash.update(`${r.intent}\t${r.entities.leadType ?? ''}\t${r.text}\n`);
  return {
    corpus: { rows: rows.length, leadRows: leadExamples.length, sha256: hash.digest('hex') },
    intent: quantize(INTENTS, vocab, intent),
    lead: quantize(LEAD_LABELS, leadVocab, lead),
  };
}

/** Canonical text of the weights file (one model part per line keeps diffs readable). */
export function serializeWeights(w: WeightsFile): string {
  return `{\n"corpus": ${JSON.stringify(w.corpus)},\n"intent": ${JSON.stringify(w.intent)},\n"lead": ${JSON.stringify(w.lead)}\n}\n`;
}
