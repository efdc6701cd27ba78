/**
 * References to the results the bot last showed: "第三个点开看看", "看看第4个", "最后一个", "the 2nd result",
 * "the fifth one", a bare "2", "刚才那个石墨烯的专利", "the drone one you just showed". The classifier reads
 * them as `patent_detail`; the handler resolves them against the result list stored in the conversation
 * state (handlers/result-reference.ts). `index` is 1-based as the list is numbered, -1 for the last one.
 */

export type ResultReference = { index: number } | { topic: string };

const ZH_DIGIT: Record<string, number> = { 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 };
const EN_ORDINAL: Record<string, number> = {
  first: 1, second: 2, third: 3, fourth: 4, fifth: 5, sixth: 6, seventh: 7, eighth: 8, ninth: 9, tenth: 10, last: -1,
};

function zhNumber(s: string): number | undefined {
  if (/^\d+$/.test(s)) return Number(s);
  if (s.length === 1) return ZH_DIGIT[s];
  // 十一 … 十九, 二十
  const m = /^([二三四五]?)十([一二三四五六七八九]?)$/.exec(s);
  return m ? (m[1] ? ZH_DIGIT[m[1]]! : 1) * 10 + (m[2] ? ZH_DIGIT[m[2]]! : 0) : undefined;
}

/** 第三个 / 第4条 …, not followed by what makes it something else (第三届, 第二十条规定, 第一次). */
const ZH_ORDINAL = /第\s*([一二两三四五六七八九十]{1,3}|\d{1,2})\s*(?:个|条|项|篇|件|款|份)?(?!届|次|天|年|期|名|批|代|季|轮|号|页|步|条规定|条的规定|章)/;
const ZH_ORDINAL_CONTEXT = /点开|打开|点进|进去|展开|看看|看下|看一下|详情|详细|介绍|说说|讲讲|是什么|怎么样|呢|吗|还有效|有效|多少钱|谁的|专利|结果|那个|这个|的|^\s*第\s*\S{1,3}\s*(?:个|条|项)?\s*$/;
const ZH_LAST = /最后(?:一|那)(?:个|条|项)|倒数第一(?:个|条)?|最(?:底下|下面|下边|末尾|后面)(?:的)?(?:那|这)?(?:一)?(?:个|条|项)/;
/** What follows a reference to ask about it: 详细讲讲, 再说说, 展开看看, 是啥 … (or nothing). */
const ZH_FOLLOW = '(?:能不能|可不可以|能|可以|请)?(?:再|给我|帮我|麻烦)?(?:详情|详细|具体)?(?:(?:信息|情况|资料|内容)?(?:发|给)(?:我)?(?:看看|看下|一下|下)?|点|些|一点|一些|说说|讲讲|说一下|讲一下|说下|讲下|介绍(?:一下|下)?|看看|看下|看一下|展开(?:看看|说说)?|点开(?:看看)?|打开(?:看看)?|发(?:给)?(?:我)?(?:看看|看下|一下)?|是什么|是啥|怎么样|什么情况|情况|' +
  // a question about the listed record itself: who holds it, whether it is in force, its price
  '(?:的)?(?:专利权人|权利人|申请人)?(?:是谁(?:的|申请的)?|谁申请的|谁的)|还有效|有效吗|过期了|多少钱|什么状态)?(?:一下|下)?(?:呢|吧|啊|呀|吗|么|没)?';
/**
 * 刚才/上面/之前 (你说的) 那个 X 的专利 [(能)详细讲讲(吗)], or a message opening with 那个 X 的 and a follow-up verb
 * ("那个锂电池的再说说"): group 1 is the bare 那个 opening, 2 the topic, 3 the head (的 alone needs a follow-up).
 */
const ZH_TOPIC = new RegExp(
  `(?:(?:刚才|刚刚|上面|前面|之前)(?:你)?(?:的|说的|推荐的|搜到的|列出的|发的|给的|提到的)?(?:那个|那条|那项|这个|那)?|^\\s*(那个|那条|那项))(?:关于)?([^，,。?？!！]{1,16}?)(的?(?:专利|那个|那条|那项|技术|成果)|的)(?:呢|吧|啊)?\\s*(${ZH_FOLLOW})\\s*$`,
);
/** 头一个 / 最前面那个: the first result. */
const ZH_FIRST = /头一(?:个|条|项)|最前面(?:那|的)(?:个|条|项)/;
/** A bare number from the list, with 看 / 点开 before it or 号 / 条 after it ("3号", "看5", "open 4"). */
const BARE = /^\s*(?:看看|看|点开|打开|选|open|show)?\s*(\d{1,2})\s*(?:号|条)?\s*(?:吧|呢|啊)?\s*[.。]?\s*$/;
const LAW = /法|细则|条例|指南|规定|办法|公约/;

const EN_ORD = /\b(?:the |that |no\.? ?|number |#)?(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last|(\d{1,2})(?:st|nd|rd|th))\b(?: (one|result|item|entry|hit|link|patent|record)s?\b)?/;
const EN_NUM = /(?:\b(?:number|no\.?|result|item)\s*|#)(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)\b/;
const EN_CARDINAL: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10 };
/** "tell me about the solar one", "open the drone one", "the battery one": the X one, alone or asked about, is the whole message. */
const EN_TOPIC_ONE = /^(?:(?:can you |could you |please )?(?:tell me (?:more )?about|more (?:on|about)|show me|open|what about|details? (?:on|of|for|about)|info on) )?(?:the|that) ([a-z][a-z -]{1,30}?) one(?: please)?\s*[.?!]*\s*$/;
const EN_TOPIC = /\b(?:the|that) ([a-z][a-z -]{1,30}?) (?:one|patent|result)s? (?:from (?:before|earlier|the (?:list|results|last search))\b|(?:you |that you )?(?:just |earlier |before )?(?:showed|listed|found|mentioned|sent|gave|shown|above|earlier|before)\b)/;

export function resultReference(norm: string): ResultReference | undefined {
  const s = norm.trim();
  const bare = BARE.exec(s);
  if (bare) return Number(bare[1]) >= 1 ? { index: Number(bare[1]) } : undefined;
  if (ZH_LAST.test(s)) return { index: -1 };
  if (ZH_FIRST.test(s)) return { index: 1 };
  const zh = ZH_ORDINAL.exec(s);
  if (zh && !LAW.test(s.slice(Math.max(0, zh.index - 6), zh.index)) && ZH_ORDINAL_CONTEXT.test(s)) {
    const n = zhNumber(zh[1]!);
    if (n && n <= 50) return { index: n };
  }
  const topic = ZH_TOPIC.exec(s);
  // A bare 那个 opening or a head of 的 alone is a reference only with a follow-up verb ("那个锂电池的专利有哪些" is a search).
  if (topic && (topic[4] || (topic[1] === undefined && topic[3] !== '的'))) {
    const words = topic[2]!.replace(/^(?:那个|那条|那项|这个|的)+|(?:的)$/g, '').trim();
    if (words) return { topic: words };
  }
  const en = EN_ORD.exec(s);
  // "the first one", "the 2nd result", "tell me more about the third": an ordinal with a noun of the list or after "the".
  // Without a list noun the ordinal must end the message ("tell me more about the third"; not "the last day").
  const endsHere = en !== null && /^\s*(?:please|pls)?\s*[.!?]*\s*$/.test(s.slice(en.index + en[0].length));
  const afterThe = en !== null && /(?:\bthe|\bthat|\bno\.?|\bnumber|#)\s*$/.test(s.slice(0, en.index + en[0].indexOf(en[1]!)));
  if (en && (en[3] ? en[3] !== 'patent' || !/\bpatents? (?:on|about|for|of|in|from)\b/.test(s) : afterThe && endsHere)) {
    const n = en[2] ? Number(en[2]) : EN_ORDINAL[en[1]!]!;
    if (n === -1 || (n >= 1 && n <= 50)) return { index: n };
  }
  const num = EN_NUM.exec(s);
  const numIndex = num ? (EN_CARDINAL[num[1]!] ?? Number(num[1])) : 0;
  if (num && numIndex >= 1 && /\b(?:show|open|tell|more|details?|about|see|look)\b|^\s*(?:number|no\.?|#)/.test(s)) return { index: numIndex };
  const one = EN_TOPIC_ONE.exec(s);
  if (one && !/^(?:same|other|next|previous|new|right|wrong|best|cheapest|only)$/.test(one[1]!.trim())) return { topic: one[1]!.trim() };
  const et = EN_TOPIC.exec(s);
  if (et) return { topic: et[1]!.trim() };
  return undefined;
}
