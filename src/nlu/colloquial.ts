/**
 * Chat spellings folded to the standard forms the cues and templates are written in, for reading only
 * (the length changes, so nothing that keeps offsets goes through it): 啥 → 什么, 咋/肿么 → 怎么, 木有/没得 →
 * 没有, 神马 → 什么, 好滴 → 好的, 一块儿 → 一起; thx → thanks, pls/plz → please, u → you, ur → your. WeChat users type these
 * as often as the standard word ("专利转让要交啥税" is "要交什么税"), and a cue that knows only 什么 misses them.
 */
const ZH: readonly (readonly [RegExp, string])[] = [
  [/啥/g, '什么'],
  [/神马/g, '什么'],
  [/肿么|咋/g, '怎么'],
  [/木有|没得/g, '没有'],
  [/好滴/g, '好的'],
  // 一块儿 is "together" (一块 alone is also "one piece", 一块电池).
  [/一块儿/g, '一起'],
];
const EN: readonly (readonly [RegExp, string])[] = [
  [/\b(?:thx|thnx|thanx|tks|tnx|ty)\b/g, 'thanks'],
  [/\b(?:pls|plz|pl[sz]e)\b/g, 'please'],
  // Not the u of "u盘" (a USB stick) or of a model name: a word of its own between Latin words or spaces.
  [/(?<![\w\u4e00-\u9fff])u(?![\w\u4e00-\u9fff])/g, 'you'],
  [/(?<![\w\u4e00-\u9fff])ur(?![\w\u4e00-\u9fff])/g, 'your'],
];

export function colloquial(text: string): string {
  let out = text;
  if (/[\u4e00-\u9fff]/.test(out)) for (const [re, to] of ZH) out = out.replace(re, to);
  if (/[a-z]/.test(out)) for (const [re, to] of EN) out = out.replace(re, to);
  return out;
}
