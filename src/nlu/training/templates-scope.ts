/**
 * Templates for the edges between intents (syntax in templates-zh.ts), in both languages:
 *   - IP questions the platform does not answer → `unknown`: trademarks and copyright, patents abroad,
 *     patent-law definitions and procedure, asks to draft documents;
 *   - awards and subsidies for a patent type, and money back for a patent bought → `explain_policy`;
 *   - who may attend the expo and where it is held → `expo_info`; approval and waiting-list state →
 *     `my_registrations`; dropping out without the word "cancel" → `cancel_registration`;
 *   - turning notifications on / getting off a notification list / "just followed you" → subscribe,
 *     unsubscribe, greet;
 *   - licensing opportunities and "who can provide …" → `submit_lead` (license, demand).
 * Written from how people ask, not from any labelled set.
 */
import type { TemplateSet } from './generate.js';

export const SCOPE_SETS: TemplateSet[] = [
  { intent: 'unknown', lang: 'zh', n: 110, templates: [
    '[我们|我|公司|我们公司|朋友][想|打算|准备|要][注册|申请|办][一个|个|][商标|品牌商标|图形商标|文字商标][，| ][流程是啥|怎么弄|要多久|费用多少|需要什么材料|]',
    '[商标|品牌名|logo|店名][被|让][人|别人|同行|竞争对手][抢注|注册|用][了|走了][，| ][怎么办|咋整|能要回来吗|]',
    '[软件著作权|软著|作品版权|著作权|版权][登记|申请|注册][要多久|流程是怎样的|费用多少|怎么办|需要哪些材料|在哪里办]',
    '[我写的|自己拍的|我画的|我们做的][小说|照片|插画|歌|短视频|课件][怎么|如何|要不要][保护版权|登记版权|申请著作权]',
    '[美国|日本|欧洲|德国|韩国|国外|海外][的|][专利][怎么申请|申请流程是啥|要多少钱|保护几年|好不好申请]',
    '[想|打算|准备][在|到|去][美国|日本|欧洲|德国|韩国|海外|国外][申请|布局|注册][专利|发明专利|][，| ][怎么弄|找谁办|流程是什么|贵不贵|]',
    '[PCT|pct][国际申请|申请|途径][怎么走|流程|费用是多少|要多久]',
    '{y}[的|][保护期|有效期|保护期限][是|有|一般是|][多少年|几年|多久|多长时间]',
    '[专利|发明专利|实用新型][的|][新颖性|创造性|实用性][是什么意思|怎么判断|怎么理解|指的是什么|标准是啥]',
    '[专利法|专利法实施细则][第几条|哪一条|哪条][规定了|讲的是|说的是][宽限期|强制许可|职务发明|新颖性|侵权赔偿]',
    '[什么是|什么叫|啥叫|啥是][强制许可|职务发明|现有技术|优先权|专利权用尽|宽限期|专利|外观设计]',
    '[发明|实用新型|外观设计][和|跟|与][实用新型|外观设计|发明|商标][有什么|有啥|的][区别|不同]',
    '[专利|发明专利|实用新型][申请][被驳回了|被驳了|没通过][，| ][怎么复审|还能补救吗|审查意见怎么答复|咋办]',
    '[帮我|你帮我|能不能帮我|请你|麻烦你][写|起草|撰写|拟][一份|一下|个][专利申请书|权利要求书|说明书|技术交底书|专利申请文件|审查意见答复]',
    '[个人|自己|我|我们][怎么|如何|咋][申请|去申请|办][专利|发明专利|实用新型|外观设计][呀|？|]',
    '[申请|办][一个|一项|个][专利|发明专利|实用新型|外观设计][要|需要|大概][多少钱|多久|什么材料|哪些步骤]',
    '[专利年费|年费][怎么交|多少钱|忘了交怎么办|减缴怎么申请]',
    '[提|申请|发起][专利|][无效宣告|无效][要什么材料|流程是什么|需要多少钱]',
  ] },
  { intent: 'unknown', lang: 'en', n: 80, templates: [
    '[how do i|how can we|what does it take to] [register|file|protect] a [trademark|brand name|logo][ in china|]',
    '[is|are] [my|our] [song|photos|novel|app code|logo] [protected by|covered by] copyright[?|]',
    '[how long|how much] does [copyright registration|a trademark filing|trademark registration] [take|cost]',
    '[how do i|how can i|can you help me] [file|apply for] a [us|european|japanese|pct|international] patent',
    '[how long|how many years] [is|does] a [us|european|chinese|] [patent|utility patent|design patent] [last|stay valid|protected][?|]',
    "[what is|what's] the [patent term|grace period|priority date rule] [in the us|in china|for designs|]",
    '[what does|what is meant by|define] [prior art|novelty|inventive step|obviousness|patentability][ mean|][?|]',
    '[what is|explain] [a compulsory license|compulsory licensing|patent exhaustion][ in patent law|][?|]',
    '[which article of|what does article 22 of] the patent law [say|cover|define][ about novelty|]',
    '[write|draft|prepare] [my|our|the] [claims|patent claims|patent specification|patent application|office action response][ for me| please|]',
    '[can you|could you|please] [write|draft] [a patent application|the claims|a provisional application] for [my|our] [invention|device|idea]',
    '[how do i|how can i] respond to an office action[ from the examiner|]',
    "[what's the difference between|difference between] a [patent and a trademark|utility model and an invention patent|design patent and a copyright]",
    '[how do i|can i] [patent|get a patent for] my [idea|invention|app][ myself|]',
    '[did|has] [it rained|the market crashed|the match started|apple launched the new phone|the train left|china won gold] [in {c} |][yesterday|today|last night|already][?|]',
  ] },
  { intent: 'explain_policy', lang: 'zh', n: 90, templates: [
    '{c}[对|给][新授权的|授权的|获得的|][发明专利|实用新型|外观设计|实用新型专利|外观设计专利][有没有|有|给不给|发不发][奖励|奖金|资助|补贴][吗|呀|]',
    '{y}[授权后|拿证后|获批后|][能不能|可以|能][领|拿|申请][奖励|资助|补贴|奖金][吗|]',
    '[拿到|获得|授权了][一件|一项|个]{y}[，| ]{c}[奖励|补贴|资助][多少|几千|多少钱|标准是多少]',
    '{c}{y}[资助|奖励|补助][标准|办法|怎么申请|多少钱]',
    '[我们|公司][在|从]{c}[买了|收购了|购买了|受让了|引进了][一项|一件|几项|][专利|技术][，| ][费用|花的钱|购买费用][能|可以][补贴|报销|拿补助|有补助][吗|一部分吗|么]',
    '[购买|受让|引进][专利|技术|专利技术][的|][费用|成本|花费][有没有|有][补贴|补助|资助|政策支持][吗|]',
  ] },
  { intent: 'explain_policy', lang: 'en', n: 75, templates: [
    '[does|will] {c} [give|offer|pay] [awards|rewards|a bonus|a grant|money] for [granted |new |]{y}[?|]',
    '[is there|any] [award|reward|bonus|subsidy|grant] for {y} in {c}[?|]',
    '{y} [award|reward|subsidy|grant] [in {c}|] [- how much|rules|amount|]',
    '[we|our company] [bought|acquired|purchased|licensed in] a patent [in|from] {c}[,| -] [can|will] [the government|they|the province] [cover|subsidise|reimburse] [part of the cost|some of the fee|the purchase price][?|]',
    '[are|is] [patent purchase|patent acquisition|licensing-in|technology import] costs [reimbursable|subsidised|eligible for a subsidy][ in {c}|]',
  ] },
  { intent: 'expo_info', lang: 'zh', n: 80, templates: [
    '[个人|学生|大学生|普通市民|外地人|外省企业|小微企业|初创公司|个体户][能|可以|能不能|可不可以][参加|参观|进|去|参展][博览会|展会|交易会][吗|不|么|]',
    '[博览会|展会|交易会][对|向][个人|公众|所有人|外地企业|市民][开放吗|开放不|开放么]',
    '[参展|参观|参会|入场][要|需要][什么|哪些][条件|资格|资质][吗|]',
    '[哪些人|什么人|谁|哪些企业|什么样的企业][可以|能][参加|参展|参观][博览会|展会|交易会|]',
    '[今年|这届|下届|明年][的|][博览会|展会|交易会|][是|还是][在|]{c}[办|举办|举行|开][吗|么|不|吧]',
    '[还是在|是在|在]{c}[办|举办|举行][吗|么|嘛|吧]',
  ] },
  { intent: 'expo_info', lang: 'en', n: 60, templates: [
    '[who can|who is allowed to|who may] [attend|exhibit at|visit|join] the [expo|fair|exhibition][?|]',
    '[can|may] [individuals|students|foreigners|small firms|startups|private inventors|members of the public] [attend|join|visit|exhibit at] the [expo|fair][?|]',
    '[are|is] [individuals|students|foreigners|small firms|the public] [allowed|welcome|admitted] at the [expo|fair][?|]',
    '[is|is the] [expo|fair|exhibition] open to [the public|everyone|individuals|students|foreign companies][?|]',
    '[any|what are the] [requirements|restrictions|eligibility rules] [to exhibit|to attend|for exhibitors|for visitors][?|]',
    "[is|will] [the expo|the fair|this year's expo|it] [be held|be|held|taking place] in {c} [this year|again|][?|]",
  ] },
  { intent: 'my_registrations', lang: 'zh', n: 65, templates: [
    '[我的|我们的][报名|参展申请|展位申请|预约|登记][审核|审批][通过了吗|通过没|结果出来了吗|进度怎么样|批了没有]',
    '[我|我们][还在|是不是还在|现在还在][候补|候补名单|排队|等位][里|上|中|][吗|么|呀|]',
    '[候补|排队|等位][排到|排在][第几|几号|多少位|哪][了|呀|啊|]',
    '[我|我们][批下来了吗|报上了没|报名通过了吗|被录取了吗|排上了吗]',
  ] },
  { intent: 'my_registrations', lang: 'en', n: 55, templates: [
    '[was|is|has] my [registration|booth application|sign-up|booking] [approved|accepted|confirmed|been approved|still pending][ yet|][?|]',
    '[am i|are we] [still |][on the waitlist|waitlisted|on the waiting list|in the queue][ for the expo| for the fair|][?|]',
    "[what's|what is|where is] my [position|place|spot|number] on the [waitlist|waiting list][?|]",
    '[did i|did we|have i|have we] [get in|got in|make the cut|made the cut|get a spot|got a spot][ for the expo| for the fair| at the expo][?|]',
  ] },
  { intent: 'cancel_registration', lang: 'zh', n: 60, templates: [
    '[展会|博览会|交易会|那个展][我|我们|][不打算去了|不想去了|不准备参加了|不想参加了|去不成了][，| ][帮我|][撤了吧|取消吧|退了吧|]',
    '[我|我们][不打算|不想|不准备|不计划][去|参加|参展|参会][了|啦][，| ][报名|名额|展位][撤掉|取消|不要了|作废吧|]',
    '[报名|那个报名|名额|展位][我|][不要了|不用了|撤了吧|作废吧]',
    '[把|从][参会名单|参展名单|报名名单|观众名单][里|中|上][把我|][去掉|划掉|删掉|移除][吧|]',
  ] },
  { intent: 'cancel_registration', lang: 'en', n: 50, templates: [
    '[drop|ditch|pull] my [expo |fair |][registration|sign-up|signup|booking|spot][ please|]',
    '[take|cross] [me|us|my name] off the [attendee|exhibitor|visitor|expo|guest] list',
    "[count me out|i'm not coming anymore|we're not going after all|changed my mind about the expo][, cancel it| please|]",
    "[i|we] [no longer want|don't want] to [attend|go to|exhibit at] the [expo|fair][ anymore|]",
  ] },
  { intent: 'subscribe', lang: 'zh', n: 65, templates: [
    '[帮我|麻烦|请|][开启|打开|开通|开一下][消息|系统|][通知|提醒|推送]',
    '[以后|今后|下次|往后][有|办|开][展会|博览会|新政策|新专利|新活动|{t}专利][的|][信息|消息|通知|][记得|麻烦|请|][发给我|推给我|告诉我|跟我说一声|通知我]',
    '[有|出了][新的|最新的][政策|补贴政策|展会消息|{t}专利][记得|麻烦|][跟我说一声|告诉我一声|知会我一声|发我一下]',
    '[下次|下一届|明年][展会|博览会|交易会][开始前|报名开始时|之前][提前|][告诉|通知|提醒][我|一声]',
  ] },
  { intent: 'subscribe', lang: 'en', n: 55, templates: [
    '[turn on|switch on|enable|activate] [notifications|alerts|push notifications|updates|reminders][ please| for me|]',
    '[please |][enable|turn on] [alerts|notifications] for [new patents|policy changes|the expo|{t} patents]',
    '[send|forward] me [any |][expo news|policy news|new patent alerts] [from now on|going forward|in future]',
    "[let me know|give me a heads-up|drop me a note] [whenever|each time|next time] [there's an expo|a new policy comes out|new {t} patents appear]",
  ] },
  { intent: 'unsubscribe', lang: 'zh', n: 40, templates: [
    '[把我|请把我|麻烦把我][从|在][通知|推送|订阅|消息|短信|邮件][列表|名单][里|中|上][删掉|移除|去掉|拿掉][吧|]',
    '[通知|推送|订阅|消息][列表|名单][里|中]把我[删了|移除|去掉|拿掉][吧|]',
  ] },
  { intent: 'unsubscribe', lang: 'en', n: 35, templates: [
    '[remove|take|drop] [me|my email|my number] [from|off] [the|your|this] [mailing|notification|subscriber|newsletter|alert] list[ please|]',
    "[i'd like to be|please get me|get me] [off|removed from] [your|the] [mailing|notification|newsletter] list",
  ] },
  { intent: 'greet', lang: 'zh', n: 35, bare: true, templates: [
    '[你好|您好|嗨|哈喽|hello][，| ][我|][刚|刚刚|才][关注|关注了|扫码关注了|扫码进来|加入][这个号|你们|这个公众号|本号|][呀|～|]',
    '[刚|刚刚|才][关注|扫码关注][这个号|你们|公众号|][，| ][你好|您好|打个招呼|报个到]',
  ] },
  { intent: 'greet', lang: 'en', n: 25, bare: true, templates: [
    '[hi|hello|hey][,| ][i |][just |][followed|joined|found|subscribed to] [your account|this channel|this bot|the page]',
    "[hello|hi|hey][,| ][i'm |we're |][new here|just joined|just arrived]",
  ] },
  { intent: 'submit_lead', leadType: 'license', lang: 'zh', n: 45, templates: [
    '[寻求|寻找|想找|在找][一些|几个|][{t}|{t}专利|{t}技术][的|方面的|][授权|许可|授权使用|许可使用][机会|合作|渠道]',
    '[想|希望|打算][取得|拿到][{t}|{t}技术][的|][授权|许可][，| ][有没有专利权人愿意|谁能授权|怎么谈|]',
  ] },
  { intent: 'submit_lead', leadType: 'license', lang: 'en', n: 45, templates: [
    '[seeking|looking for|exploring|hunting for] [licensing|license|in-licensing] [opportunities|deals|options] [for|in|around] {t}',
    '[looking for|seeking|want] a [license|licence|licensing deal] to [produce|make|use|sell] [a patented|the patented|a] {t}',
    '[interested in|open to] [in-licensing|licensing in|licensing] {t} [technology|patents|tech]',
  ] },
  { intent: 'submit_lead', leadType: 'demand', lang: 'zh', n: 50, templates: [
    '[有没有人|谁|有没有单位|有没有厂家|哪家|有没有高校][能|可以][提供|供应|帮我们解决]{t}[的|][技术|工艺|方案|设备][，| ][我们|厂里|公司][急需|很急|着急要|急用|]',
    '[急需|着急找|急用]{t}[方面的|的|相关][技术|工艺|方案|解决办法][，| ][谁能提供|有人有吗|求联系|]',
  ] },
  { intent: 'submit_lead', leadType: 'demand', lang: 'en', n: 45, templates: [
    "[who|anyone|any company|any supplier|any lab] [able to|that can|who can|could] [supply|provide|offer] [a|an|] {t} [technology|process|solution][?|][ we need it urgently| it's urgent| urgent|]",
    '[urgently need|we urgently need|in urgent need of] [a|an|some] {t} [technology|process|solution|method]',
  ] },
];
