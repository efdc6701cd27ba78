/**
 * Which sense an ambiguous English key takes in a query (senses.tsv): `GaN` power devices are gallium
 * nitride (氮化镓), a `GAN` model is a generative adversarial network (生成对抗网络). A sense is picked by
 * its written form in the query as typed (GaN, GAN: case-sensitive, a whole word), else by the most of its
 * cue words among the query's other words (power, device, transistor … vs model, image, network …).
 * Without either the glossary's ordinary entry stands, which keeps both readings.
 */
export interface Sense {
  forms: string[];
  /** English words (normalised, singular) whose presence in the query points to this sense. */
  cues: Set<string>;
  /** A case-sensitive spelling that alone decides (GaN). */
  written?: string;
}

export function pickSense(senses: Sense[] | undefined, words: readonly string[], raw: string | undefined): string[] | undefined {
  if (!senses?.length) return undefined;
  if (raw) {
    for (const s of senses) {
      if (s.written && new RegExp(`(?<![A-Za-z])${s.written}(?![A-Za-z])`).test(raw)) return s.forms;
    }
  }
  let best: Sense | undefined;
  let bestHits = 0;
  let tie = false;
  for (const s of senses) {
    const hits = words.filter((w) => s.cues.has(w)).length;
    if (hits > bestHits) (best = s), (bestHits = hits), (tie = false);
    else if (hits === bestHits && hits > 0) tie = true;
  }
  return best && !tie ? best.forms : undefined;
}
