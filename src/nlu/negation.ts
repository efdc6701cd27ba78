/**
 * Negation with contrast: "我不是要卖专利，就是问问税", "I'm not looking to buy, just browsing". The
 * negated part names what the user does not want; read as it stands it would win (a sell lead). The
 * negated span, from the negation up to the contrast word, is blanked (same length, so entity offsets
 * stay valid), and the rest is read as the request. Without a contrast, a negated trade verb ("我不是要卖",
 * "I don't want to sell my patent") is blanked alone: what is left may be too little to act on, which is
 * better than starting the lead the user declined. After a comma, a plain "是想 / 是要 …" is a contrast too
 * ("我不是要取消报名，是想看看我报了哪些"). A request
 * taken back ("不取消了，…") is blanked the same way.
 */

const ZH =
  /(?:并不是|并非|不是|不想|不打算|不准备|不要|没打算|没想|无意|不用|不会)[^。!！?？]{1,24}?(?=[，,;；、\s]*(?:我|我们)?(?:就是|只是|只想|就想|只要|而是|仅仅|仅是|仅想|其实|主要是|单纯|就问|只问|就看|只看|就查|只查|就了解|只了解|想问|问问)|[，,;；、\s]+(?:我|我们)?(?:是想|是要|是来|是问))/g;
/**
 * After "不是 X，" a plain request (帮我…, 想知道…) is the contrast too: "不是问政策，帮我搜一下光伏专利". Not after
 * 不想 / 不要, whose next clause is usually the remedy of what was declined ("不想收到推送，帮我关掉" unsubscribes).
 */
const ZH_NOT_THAT = /(?:并不是|不是)[^。!！?？]{1,24}?(?=[，,;；、\s]+(?:我|我们)?(?:想看看|想查|想了解|想知道|帮我|帮忙))/g;
const EN =
  /\b(?:i'?m not|i am not|we'?re not|we are not|not|i don'?t|i do not|we don'?t|we do not|i have no (?:intention|plans?) (?:of|to))\b(?: (?:want(?:ing)? to|looking to|trying to|going to|planning to|interested in|here to))?[^.;!?]{1,60}?(?=[,;.]?\s*(?:(?:i'?m|we'?re|i am|we are|i|we) )?(?:just|only|merely|simply|rather)\b|[,;]\s*but\b|[,;]\s*(?:i|we) (?:want|need|would like|'d like|am looking|'m looking) to\b)/g;

/**
 * A request taken back before the real one: "不取消了，帮我看看我的报名", "算了不退订了，…". The retracted
 * clause ends in 了 and something follows it; what follows is the request.
 */
const ZH_RETRACT = /(?:算了|那)?(?:先)?(?:不|不用|不要|别)(?:再)?(?:取消|删除|删掉|删|退订|退|报名|订阅|买|卖|投资|注销)(?:了|啦)(?=[，,;；。!！\s]+\S)/g;
/**
 * Declining a destructive action before the real request: "别删我的账号，把展会报名取消就行", "不想取消报名，我想看看我报了哪几场".
 * The declined verb (取消, 删, 注销 …) and its object are blanked when another clause follows; 不想收到推送 is not
 * declining an action (it asks to stop the messages) and is left alone.
 */
const ZH_KEEP = /(?:不想|不要|不用|不必|无需|别|先别)(?:再)?(?:帮我|给我)?(?:取消|删除|删掉|删|注销|撤销|清除|清空)[^，,;；。!！?？]{0,10}?(?=[，,;；。!！\s]+\S)/g;
const ZH_VERB = /(?:并不是|不是|不想|不打算|不准备|没打算|没想|无意)(?:要|想|打算|准备)?(?:卖|出售|转让|买|购买|收购|投资|入股|授权|许可|合作)/g;
/**
 * An imperative declined before the real request: "don't delete my account, just stop the newsletters",
 * "don't cancel anything, just show me what I signed up for", "never mind the registration, delete my data".
 */
const EN_IMPERATIVE =
  /(?:^|[,;.!?]\s*|\b(?:please|pls|but)\s+)(?:don'?t|do not|no need to|never mind)\b[^.;!?]{1,60}?(?=[,;.]\s*(?:(?:i|we) (?:just|only) (?:want|need|would like|'d like) to\b|just\b|only\b|instead\b|rather\b|but\b))/g;
const EN_VERB =
  /\b(?:don'?t|do not|doesn'?t|does not|not|never|no longer|won'?t|will not)(?: (?:want|wish|plan|intend|mean|looking|going|trying)(?: to)?)? (?:sell(?:ing)?|buy(?:ing)?|licen[cs](?:e|ing)|invest(?:ing)?|purchas(?:e|ing)|acquir(?:e|ing)|transfer(?:ring)?|partner(?:ing)?)\b/g;

/**
 * "not trying to subscribe", "我不是要报名": declining a platform action by its verb, said as not-that (not as
 * 不想报名了 / "don't want to subscribe any more", which ask to stop it and are read as such).
 */
const ZH_NOT_ACTION = /(?:并不是|不是)(?:要|想|打算|来)(?:订阅|报名|取消|删除|退订|注册|登记)/g;
const EN_NOT_ACTION =
  /\b(?:i'?m not|i am not|we'?re not|we are not|not)(?: (?:trying|looking|asking|planning|going|here|wanting)) to (?:subscribe|sign up|register|enrol+|cancel|delete|unsubscribe|book)\b/g;

export interface Negation {
  /** The text with the negated span replaced by spaces. */
  text: string;
  negated: boolean;
}

export function maskNegated(norm: string): Negation {
  let negated = false;
  const blank = (m: string): string => {
    negated = true;
    return ' '.repeat(m.length);
  };
  const text = norm.replace(ZH, blank).replace(ZH_NOT_THAT, blank).replace(ZH_RETRACT, blank).replace(EN, blank).replace(ZH_KEEP, blank).replace(EN_IMPERATIVE, blank).replace(ZH_VERB, blank).replace(EN_VERB, blank).replace(ZH_NOT_ACTION, blank).replace(EN_NOT_ACTION, blank);
  return { text, negated };
}
