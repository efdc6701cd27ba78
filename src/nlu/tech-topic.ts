/**
 * Whether the topic words of a message are technology the platform's glossary knows (search/glossary:
 * the bilingual term list the search itself uses). A bare noun such as 铜箔, 起重机, IGBT or "fuel cell"
 * carries no request word, so only its vocabulary says it is a patent topic rather than noise.
 * The glossary is loaded on first use.
 */
import { loadGlossary, segmentChinese, translateEnglish, type Glossary } from '../../search/glossary.js';

let glossary: Glossary | undefined;

/** Share (0–1) of the topic's letters covered by glossary terms, Chinese by longest match, English by phrase. */
export function techShare(topic: string): number {
  const g = (glossary ??= loadGlossary());
  let covered = 0;
  let total = 0;
  for (const chunk of topic.match(/[\u3400-\u9fff]+|[a-z0-9][a-z0-9 +.-]*/g) ?? []) {
    const text = chunk.trim();
    if (!text) continue;
    if (/[\u3400-\u9fff]/.test(text)) {
      total += text.length;
      for (const piece of segmentChinese(g, text)) if (g.zhWords.has(piece)) covered += piece.length;
    } else {
      for (const piece of translateEnglish(g, text)) {
        const n = piece.en.replace(/\s/g, '').length;
        total += n;
        if (piece.zh) covered += n;
      }
    }
  }
  return total ? covered / total : 0;
}
