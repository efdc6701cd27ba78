/**
 * Cues for what the platform does not do, and for a few expo and policy readings that cut across the
 * intent lexicons (lexicon.ts). The platform searches Central China patents, explains the six provinces'
 * support policies, runs the expo, forwards trade leads and describes the alliance; other intellectual
 * property questions are `unknown`:
 *   - trademarks and copyright;
 *   - patents abroad (filing in the US, European patents, PCT);
 *   - patent-law definitions and trivia (term of protection, novelty, grace period, an article of the law,
 *     compulsory licences, examination and re-examination, how to file a patent);
 *   - asks to write documents (a patent application, claims, a specification).
 * Written from how users phrase these questions, not from any labelled set.
 */
import type { Cue } from './lexicon.js';

const c = (re: RegExp, w: number): Cue => [re, w];

/** Money words of a policy that would also read as the object of a request ("apply for a … subsidy"). */
const NOT_POLICY = String.raw`(?!.{0,8}(?:补贴|补助|资助|奖励|奖补|贴息|质押|贷款|政策|扶持|许可|授权使用|转让|展位|参展|报名))`;
const NOT_POLICY_EN = String.raw`(?! (?:subsid|grant|award|reward|incentive|loan|pledge|licen|fund|bonus))`;

export const OUT_OF_SCOPE: Cue[] = [
  // Trademarks and copyright.
  c(/商标|版权|著作权|软著|\b(?:trade ?marks?|copyright\w*|service marks?|brand (?:name )?registration)\b/, 6.5),
  // Patents abroad.
  c(
    /(?:美国|日本|欧洲|欧盟|德国|英国|法国|韩国|俄罗斯|印度|新加坡|澳大利亚|加拿大|国外|海外|境外|外国|国际)(?:的)?(?:专利|发明专利|实用新型|外观设计)(?!分类)|(?:在|到|去|向)(?:美国|日本|欧洲|欧盟|德国|英国|法国|韩国|国外|海外|境外|外国)(?:申请|注册|布局|授权|保护)|巴黎公约|\b(?:pct|uspto|epo|wipo|jpo|paris convention)\b/,
    6,
  ),
  c(
    /(?:^|\b(?:a|an|the|my|our|for|get|file|filing|apply|obtain|of)\s)(?:us|u\.s\.?|usa)\s(?:utility |design |plant |provisional )?(?:patents?|applications?)\b|\b(?:american|european|japanese|korean|german|british|french|foreign|international|overseas|eu|uk) (?:utility |design )?(?:patents?|patent applications?|patent filings?)\b(?! classification| class)|\bpatents? (?:protection )?(?:in|from|for|abroad|overseas) (?:the (?:us|usa|u\.s\.|states|uk|eu)|america|europe|japan|korea|germany|britain|france|india|other countries|abroad|overseas)\b|\b(?:file|filing|apply|protect\w*|register\w*) .{0,24}\b(?:abroad|overseas|internationally)\b/,
    6,
  ),
  // Patent-law definitions, procedure and trivia.
  c(
    new RegExp(
      String.raw`(?:保护期|有效期|保护期限)(?:是|有|一般是?|大概)?(?:多少|几|多长|多久)|(?:能|可以)?保护(?:多少|几|多长|多久)年?|新颖性|创造性|实用性|宽限期|职务发明|优先权|强制许可|专利法|实施细则|审查指南|审查意见|驳回|复审|无效宣告|宣告无效|专利年费|年费(?:标准|是多少|多少钱|怎么交|减缴)|第[一二三四五六七八九十百零\d几]+条|什么(?:是|叫)(?:专利|发明专利|实用新型|外观设计|职务发明|专利权|现有技术)|(?:专利|发明专利|实用新型|外观设计|职务发明|专利权|现有技术)(?:是什么|是啥|是指什么|啥意思|什么意思|的定义|怎么定义|指的是什么)|(?:发明|实用新型|外观设计|专利)(?:专利)?(?:和|与|跟)(?:发明|实用新型|外观设计|专利|商标|版权)(?:专利)?(?:有什么|有啥|的)?(?:区别|不同)|(?:怎么|如何|怎样|咋)(?:申请|办理|写)(?:一个|一项|个)?(?:专利|发明专利|实用新型|外观设计)${NOT_POLICY}|(?:个人|自己)?申请(?:一个|一项|个)?(?:专利|发明专利|实用新型|外观设计)(?:要|需要|的)?(?:多少钱|多久|多长时间|什么材料|哪些材料|流程|费用|条件|步骤)|专利(?:的)?(?:申请|授权)(?:条件|流程|周期|费用|要多久|需要多久|多长时间|步骤)`,
    ),
    6,
  ),
  c(
    new RegExp(
      String.raw`\b(?:prior art|novelty|inventive step|non-?obvious\w*|obviousness|grace period|compulsory licen[cs]\w*|patent (?:law|act|office|examiners?|examination|prosecution|term|terms|filing fees?|maintenance fees?|annuit\w*)|office actions?|patentab\w*|priority (?:date|right|claim)|article \d+ of)\b|\b(?:file|filing|apply for|applying for) (?:a |an |my |our )?(?:new |chinese )?patent(?:s| applications?)?\b${NOT_POLICY_EN}|\bhow (?:do|can|would|should) (?:i|we|you|one) (?:get|obtain|secure) (?:a )?patent(?:ed)?\b${NOT_POLICY_EN}|\bhow long (?:does|do|is|are|will|can) (?:a |an |my |our )?(?:\w+ ){0,2}patents? (?:last|be valid|valid|protected|good for|in force|stay)|\bwhat (?:is|are|does) (?:a |an )?(?:patent|utility model|design patent|invention patent)s?(?: mean)?\s*\??$|\bdifference between (?:a |an )?(?:patent|utility model|invention|design patent|trademark)s?\b`,
    ),
    6,
  ),
  // Writing documents for the user.
  c(
    /(?:帮我|给我|替我|帮忙|帮我们|给我们|你(?:能|可以|来)?|能不能|可不可以|可以|请)(?:帮我)?(?:把)?(?:写|起草|撰写|拟|编写|代写|润色|修改|改)(?:一下|一份|一篇|个|一个|下)?.{0,8}(?:专利申请(?!号)|申请书|申请文件|权利要求|说明书|交底书|专利文件|答复意见|意见陈述)|(?:把|将).{0,10}(?:申请书|权利要求书?|说明书|交底书|申请文件).{0,4}(?:写|起草|撰写|改|润色)/,
    6,
  ),
  c(
    /\b(?:write|draft|prepare|compose|word) (?:up )?(?:me |us )?(?:my |our |a |an |the )?(?:patent )?(?:claims?|patent applications?|applications? for (?:a |my |our )?patent|(?:patent )?specifications?|disclosures?|office action responses?|responses? to (?:an |the )?office action)\b|\b(?:write|draft)\b.{0,30}\bpatent\b/,
    6,
  ),
];

/**
 * Who may attend or exhibit at the expo: a question about the event (`expo_info`), not a sign-up.
 * ("个人能参加博览会吗", "who can attend the expo", "is the fair open to students")
 */
export const EXPO_ELIGIBILITY: RegExp =
  /(?:个人|个体|散客|学生|大学生|研究生|市民|公众|普通人|普通观众|老百姓|外地|外省|外国|国外|海外|境外|小企业|小微企业|初创|民营|外资|所有人|任何人|谁|哪些人|什么人|哪类|哪些(?:企业|单位|机构|人)|什么样的(?:人|企业|单位|公司))(?:的)?(?:企业|公司|单位|人)?(?:都|也)?(?:可以|能|能不能|可不可以|允许|有资格|能否)(?:来|去|进)?(?:参加|参观|参展|进场|入场|进去|报名|来|去)|(?:对|向)(?:外|公众|个人|市民|所有人|社会|外地人)开放|开放(?:给|吗|么|嘛)|(?:参展|参会|参加|参观|入场|报名)(?:的)?(?:条件|资格|门槛|要求|限制)|有没有(?:什么)?(?:限制|门槛|资格要求)|\b(?:who (?:can|may|is allowed to|is eligible to|gets to) (?:attend|join|exhibit|participate|visit|come|go|register)|(?:is it|is the (?:expo|fair|event|exhibition)|are (?:the )?(?:expos?|fairs?)) open to|open to (?:the )?(?:public|everyone|individuals|anyone|students|foreigners|outsiders)|(?:allowed|permitted|eligible|welcome) to (?:attend|join|exhibit|participate|come|visit|enter)|(?:individuals?|students?|foreigners?|members of the public|the public|anyone|everyone|small (?:firms|companies|businesses)|start-?ups?|private (?:individuals|inventors)|individual inventors|overseas (?:companies|firms)|non-?members) (?:be )?(?:allowed|welcome|permitted|eligible|admitted)|eligib\w*|requirements? (?:to|for) (?:attend|exhibit|participat)\w*|restrictions? on (?:who|attend\w*|exhibit\w*))\b/;

/**
 * A deal already made (or a licence taken in) in a question about money back: a policy question
 * ("we bought a patent in Hubei, can part of the cost be reimbursed?"), not a new trade lead.
 */
export const PAST_DEAL: RegExp =
  /(?:收购|购买|买|受让|引进|许可|转让|卖|拿)(?:了|过|下了|来的)|买专利(?:的|花的)|(?:费用|花的钱|花费|成本|价款|支出|许可费|转让费|购买费|的钱).{0,8}(?:补贴|补助|资助|报销|返还|减免|奖励)|\b(?:bought|purchased|acquired|licensed|sold|transferred|paid for)\b|\b(?:licen[cs]e|buy|bring|take) (?:a |the )?(?:\w+ )?(?:patent |tech\w* )?in\b|\b(?:part|some|half|a share) of the (?:cost|fee|price|payment)\b|\breimburs\w*|\b(?:cost|fee|price)s? (?:be )?(?:covered|subsidi[sz]ed|refunded)\b/;
