/**
 * Which language a person writes in. Two questions with different bars:
 *  - `detectLocale`: any evidence at all, for a person we have never seen (their first message);
 *  - `clearLocale`: whether a message is clearly in one language, the only thing that switches a
 *    stored language. A language sticks through e-mail addresses, patent numbers, URLs, phone numbers,
 *    codes, a place name or a technical term in the other script; it changes when the person writes a
 *    whole message in the other language or asks for it (`languageRequest`, /language, buttons).
 * Neither looks at tokens that carry no language: addresses, links, mentions, anything with a digit.
 */
import type { Locale } from './types.js';

const HAN = /[\u3400-\u9fff\uf900-\ufaff]/g;
/** E-mail addresses, links, @mentions and Slack's <@U…>/<#C…> and any token with a digit (patent and phone numbers, IPC symbols, lead codes). */
const NO_LANGUAGE = [/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, /\b(?:https?:\/\/|www\.)\S+/gi, /<[@#!][^>]*>|@\w+/g, /[^\s\u3400-\u9fff]*\d[^\s\u3400-\u9fff]*/g];
const LATIN_WORD = /[A-Za-z]+(?:'[A-Za-z]+)?/g;
/** Words that only an English sentence has (a name, a product or a pinyin place has none of them). */
const EN_GRAMMAR =
  /^(?:i|i'm|me|my|you|your|we|our|it|is|are|am|was|be|do|does|did|can|could|would|will|should|please|the|a|an|to|of|in|on|for|with|about|from|and|or|but|not|no|yes|what|which|who|how|where|when|why|this|that|there|here|any|some|want|need|looking|find|search|show|tell|give|help|have|has|more|thanks|thank|hello|hi)$/i;
/** Characters only a Chinese sentence has (function words, pronouns, question particles, verbs of asking). */
const ZH_GRAMMAR = /[我你您他她们的了吗呢吧啊呀是在有要想请把被和跟就也都还很不没这那哪谁什么怎为能可以会帮找查看问给让用说谢好]/;

interface Evidence {
  han: number;
  /** Latin words of two letters or more, acronyms (IPC, LED, AI) left out. */
  words: string[];
  zhGrammar: boolean;
}

function evidence(text: string): Evidence {
  let s = text;
  for (const re of NO_LANGUAGE) s = s.replace(re, ' ');
  const words = (s.match(LATIN_WORD) ?? []).filter((w) => w.length >= 2 && !(w.length <= 5 && w === w.toUpperCase()));
  return { han: (s.match(HAN) ?? []).length, words, zhGrammar: ZH_GRAMMAR.test(s) };
}

/** Any sign of a language, for a first message: Chinese characters, else a Latin word. */
export function detectLocale(text: string | undefined): Locale | undefined {
  if (!text) return undefined;
  const e = evidence(text);
  if (e.han > 0) return 'zh';
  if (e.words.length > 0) return 'en';
  return undefined;
}

/** Chinese: a sentence (at least two characters and a function word) or a long run of characters. */
const clearlyZh = (e: Evidence) => e.han >= 8 || (e.han >= 2 && e.zhGrammar);
/** English: at least three words, one of which only a sentence has. */
const clearlyEn = (e: Evidence) => e.words.length >= 3 && e.words.some((w) => EN_GRAMMAR.test(w));

/** The language a whole message is clearly written in; undefined when it is short, mixed or not language. */
export function clearLocale(text: string | undefined): Locale | undefined {
  if (!text) return undefined;
  const e = evidence(text);
  const zh = clearlyZh(e);
  const en = clearlyEn(e);
  // Both at once (a Chinese sentence around an English one) is not clear either way.
  if (zh === en) return undefined;
  return zh ? 'zh' : 'en';
}

/** "English please", "说中文", "切换到英文", "中文" … : an explicit language choice, which sticks. */
export function languageRequest(text: string): Locale | undefined {
  const s = text.trim().toLowerCase();
  if (s.length > 40) return undefined;
  if (/^(?:(?:please\s+)?(?:reply|answer|speak|talk|switch)(?:\s+to)?(?:\s+me)?\s+(?:in\s+)?english|english(?:\s+please)?|英文|英语|(?:请)?(?:用|说|讲|切换(?:到|成)?|改(?:成|为)?)英文(?:回复|回答)?(?:吧)?)[.!。！]?$/.test(s)) return 'en';
  if (/^(?:(?:please\s+)?(?:reply|answer|speak|talk|switch)(?:\s+to)?(?:\s+me)?\s+(?:in\s+)?chinese|chinese(?:\s+please)?|中文|汉语|简体中文|(?:请)?(?:用|说|讲|切换(?:到|成)?|改(?:成|为)?)中文(?:回复|回答)?(?:吧)?)[.!。！]?$/.test(s)) return 'zh';
  return undefined;
}
