/**
 * The learned half of the classifier: two logistic-regression models over character/word n-grams
 * (features.ts, linear.ts), trained from the corpus in `training/*.jsonl` (templated lines from
 * training/generate.ts plus hand-written colloquial lines):
 *   - intent model: all fifteen intents, `unknown` included (chit-chat, trivia, injections, gibberish);
 *   - lead model: the seven text lead types, trained on the `submit_lead` lines only.
 * The weights are precomputed by `npx tsx scripts/train-nlu.ts` into `training/weights.json` and loaded
 * here at module load (a few ms); a test retrains from the corpus and checks the file is current.
 * The rules in lexicon.ts stay the first opinion; classify.ts decides how the two combine.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Intent } from '../core/intents.js';
import { findPatentNumber } from '../domain/patent-number.js';
import { colloquial } from './colloquial.js';
import { features } from './features.js';
import { correctTypos, corrected } from './fuzzy.js';
import type { TextLeadType } from './lexicon.js';
import { probabilities, type SoftmaxModel } from './linear.js';
import { maskNegated } from './negation.js';
import { normalize } from './normalize.js';

export const TRAINING_DIR = join(dirname(fileURLToPath(import.meta.url)), 'training');
export const WEIGHTS_PATH = join(TRAINING_DIR, 'weights.json');
export const LEAD_LABELS: readonly TextLeadType[] = ['buy', 'license', 'invest', 'cooperate', 'sell', 'demand', 'protect'];

export interface CorpusRow {
  text: string;
  intent: Intent;
  entities: { leadType?: string };
}
export interface SerializedModel {
  labels: string[];
  scale: number;
  bias: number[];
  features: string[];
  /** Signed bytes, features × labels, row-major, base64. */
  weights: string;
  /** Base units (see `isBaseUnit`) seen in training but absent from `features`. */
  units: string[];
}
export interface WeightsFile {
  corpus: { rows: number; leadRows: number; sha256: string };
  intent: SerializedModel;
  lead: SerializedModel;
}

/** Stands for a patent number in the model's text (a private-use character; features.ts reads it as "#pn"). */
export const PATENT_NUMBER_MARK = '\ue000';

/**
 * The text the model reads, from a normalised text: the patent number (if any) replaced by one mark, so
 * the model learns "a patent number" rather than digit patterns that phone numbers share; English keyword
 * typos corrected; spaces between Chinese characters dropped.
 */
export function modelTextOf(norm: string, patentNumber?: { start: number; end: number }): string {
  const masked = patentNumber ? `${norm.slice(0, patentNumber.start)} ${PATENT_NUMBER_MARK} ${norm.slice(patentNumber.end)}` : norm;
  return colloquial(correctTypos(masked).replace(/(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])/g, ''));
}

export function modelText(text: string): string {
  // As classify.ts reads it: corrected, and a negated span ("不是要卖，…") blanked.
  const norm = maskNegated(corrected(normalize(text))).text;
  return modelTextOf(norm, findPatentNumber(norm));
}

/** Every `training/*.jsonl` line, files in name order. */
export function readCorpus(dir = TRAINING_DIR): CorpusRow[] {
  const rows: CorpusRow[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort()) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      if (line.trim()) rows.push(JSON.parse(line) as CorpusRow);
    }
  }
  return rows;
}

export interface Prediction<L extends string> {
  /** Probability per label, in the order of `labels`. */
  probs: Float64Array;
  best: L;
  /**
   * Share of the text's base units the model knows: Chinese characters and Latin character trigrams
   * (longer n-grams of ordinary text are often new, so they would make any sentence look unfamiliar).
   * Near 0 for keyboard mashing or an unknown script, near 1 for usual text.
   */
  coverage: number;
}

/** A Chinese character or a Latin character trigram ("g:" + 3 characters). */
function isBaseUnit(f: string): boolean {
  return f.length === 1 ? f.charCodeAt(0) >= 0x3400 : f.length === 5 && f.startsWith('g:');
}

export class Trained<L extends string> {
  private readonly vocab = new Map<string, number>();
  /** Base units seen in training whose weights quantised to zero (still familiar, just uninformative). */
  private readonly units: Set<string>;
  private readonly model: SoftmaxModel;
  readonly labels: readonly L[];

  constructor(s: SerializedModel) {
    this.labels = s.labels as L[];
    const C = s.labels.length;
    const bytes = new Int8Array(Buffer.from(s.weights, 'base64'));
    if (bytes.length !== s.features.length * C) throw new Error('weights.json: weight matrix does not match its features');
    s.features.forEach((f, i) => this.vocab.set(f, i));
    this.units = new Set(s.units);
    const weights = new Float32Array(bytes.length);
    for (let i = 0; i < bytes.length; i++) weights[i] = bytes[i]! * s.scale;
    this.model = { nClasses: C, weights, bias: Float32Array.from(s.bias) };
  }

  predict(feats: readonly string[]): Prediction<L> {
    const ids: number[] = [];
    let units = 0;
    let known = 0;
    for (const f of feats) {
      const id = this.vocab.get(f);
      if (id !== undefined) ids.push(id);
      if (isBaseUnit(f)) {
        units++;
        if (id !== undefined || this.units.has(f)) known++;
      }
    }
    const probs = probabilities(this.model, ids);
    let best = 0;
    for (let c = 1; c < probs.length; c++) if (probs[c]! > probs[best]!) best = c;
    return { probs, best: this.labels[best]!, coverage: units ? known / units : 0 };
  }

  prob(p: Prediction<L>, label: L): number {
    return p.probs[this.labels.indexOf(label)] ?? 0;
  }
}

const t0 = performance.now();
const file = JSON.parse(readFileSync(WEIGHTS_PATH, 'utf8')) as WeightsFile;
export const INTENT_MODEL = new Trained<Intent>(file.intent);
export const LEAD_MODEL = new Trained<TextLeadType>(file.lead);
/** What the loaded weights were trained on, and how long loading took. */
export const MODEL_INFO = { ...file.corpus, loadMs: performance.now() - t0 };
