/**
 * Multinomial logistic regression over sparse binary features, trained by averaged stochastic gradient
 * descent. Written here (no dependency) because the model is small: a few thousand utterances, tens of
 * thousands of features, fifteen classes; training takes a few tens of milliseconds.
 *
 * Contract:
 *   - an example is a list of feature ids; each present feature has value 1/√n (n = ids in the example),
 *     so short and long messages have the same norm and a long message does not get extreme scores;
 *   - a bias per class (value 1) carries the class prior;
 *   - training is deterministic for a given seed (shuffle order from a fixed PRNG);
 *   - the returned weights are the average of the weights at the end of each epoch, which generalises
 *     better than the last iterate and makes the result insensitive to the last few examples seen
 *     (per-epoch rather than per-step averaging: nearly the same model for half the memory traffic).
 */

const EASY = 0.98;

export interface Example {
  ids: Int32Array;
  label: number;
}

export interface SoftmaxModel {
  nClasses: number;
  /** nFeatures × nClasses, row-major by feature. */
  weights: Float32Array;
  bias: Float32Array;
}

export interface TrainOptions {
  epochs: number;
  /** Step size; constant (averaging does the annealing). */
  rate: number;
  seed: number;
}

/** mulberry32: small, fast, and the same sequence on every platform. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Softmax in place over `z`; returns z. */
function softmax(z: Float64Array): Float64Array {
  let max = -Infinity;
  for (const v of z) if (v > max) max = v;
  let sum = 0;
  for (let c = 0; c < z.length; c++) {
    z[c] = Math.exp(z[c]! - max);
    sum += z[c]!;
  }
  for (let c = 0; c < z.length; c++) z[c]! /= sum;
  return z;
}

/** Class logits of one example (ids unknown to the model must already be dropped). */
export function logits(model: SoftmaxModel, ids: ArrayLike<number>, out = new Float64Array(model.nClasses)): Float64Array {
  const C = model.nClasses;
  const v = ids.length ? 1 / Math.sqrt(ids.length) : 0;
  for (let c = 0; c < C; c++) out[c] = model.bias[c]!;
  for (let k = 0; k < ids.length; k++) {
    const base = ids[k]! * C;
    for (let c = 0; c < C; c++) out[c]! += v * model.weights[base + c]!;
  }
  return out;
}

export function probabilities(model: SoftmaxModel, ids: ArrayLike<number>): Float64Array {
  return softmax(logits(model, ids));
}

export function train(examples: readonly Example[], nFeatures: number, nClasses: number, opt: TrainOptions): SoftmaxModel {
  const C = nClasses;
  const w = new Float32Array(nFeatures * C);
  const b = new Float64Array(C);
  // Sums of the end-of-epoch weights, for the average.
  const sw = new Float32Array(nFeatures * C);
  const sb = new Float64Array(C);
  const rnd = mulberry32(opt.seed);
  const order = examples.map((_, i) => i);
  const z = new Float64Array(C);
  const step = new Float64Array(C);
  const act = new Int32Array(C);
  // Examples the model already fits with p ≥ EASY are skipped in the next epoch (their gradient would be
  // ~0 anyway); they are seen again the epoch after, so nothing drifts unnoticed.
  const easy = new Uint8Array(examples.length);
  for (let epoch = 0; epoch < opt.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (let e = 0; e < order.length; e++) {
      const idx = order[e]!;
      if (easy[idx]) {
        easy[idx] = 0;
        continue;
      }
      const ex = examples[idx]!;
      const ids = ex.ids;
      const n = ids.length;
      const v = n ? 1 / Math.sqrt(n) : 0;
      for (let c = 0; c < C; c++) z[c] = b[c]!;
      for (let k = 0; k < n; k++) {
        const base = ids[k]! * C;
        for (let c = 0; c < C; c++) z[c]! += v * w[base + c]!;
      }
      softmax(z);
      if (z[ex.label]! >= EASY) easy[idx] = 1;
      // Gradient step per class; classes with a negligible gradient are skipped (most of them, once
      // the model fits an example), which keeps training fast.
      let active = 0;
      for (let c = 0; c < C; c++) {
        const g = z[c]! - (c === ex.label ? 1 : 0);
        if (Math.abs(g) < 1e-3) continue;
        const s = -opt.rate * g;
        b[c]! += s;
        act[active] = c;
        step[active++] = s * v;
      }
      for (let k = 0; k < n; k++) {
        const base = ids[k]! * C;
        for (let a = 0; a < active; a++) {
          w[base + act[a]!]! += step[a]!;
        }
      }
    }
    for (let k = 0; k < w.length; k++) sw[k]! += w[k]!;
    for (let c = 0; c < C; c++) sb[c]! += b[c]!;
  }
  const weights = new Float32Array(nFeatures * C);
  for (let k = 0; k < weights.length; k++) weights[k] = sw[k]! / opt.epochs;
  const bias = new Float32Array(C);
  for (let c = 0; c < C; c++) bias[c] = sb[c]! / opt.epochs;
  return { nClasses: C, weights, bias };
}
