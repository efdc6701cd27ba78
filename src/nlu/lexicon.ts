/**
 * Cue lexicons, one place per intent. Each cue is a regular expression over the normalised text
 * (see normalize.ts: lower-case Latin, half-width, simplified Chinese) and a weight. An intent's score is
 * the sum of the weights of its cues that match (each cue counts once). Written from how users phrase
 * these requests, not from any labelled set.
 */
import { COMMAND_INTENT } from '../core/commands.js';
import type { Intent, LeadType } from '../core/intents.js';
import { SMALL_TALK_WORDS } from './platform-cues.js';

export type Cue = readonly [RegExp, number];
export type TextLeadType = Exclude<LeadType, 'consult'>;

const c = (re: RegExp, w: number): Cue => [re, w];

/** Cues that say which kind of trade lead the user wants. Their sum also scores `submit_lead`. */
export const LEAD_CUES: Record<TextLeadType, Cue[]> = {
  buy: [
    c(/购买|买下|买断|收购|求购|采购|受让|想买|要买|打算买|准备买|(?:想|要|打算|准备)(?:把.{0,16})?(?:拿下|盘下|接手)/, 4.5),
    c(/(?:有没有人|有人|谁|哪家|哪里)(?:在|想|要|愿意|肯)?(?:卖|出售|转让)|(?:我们|我)(?:来|可以)?收(?:了|下)?(?:$|[，,。!！?？ ])|(?:我们|我)要了(?:$|[，,。!！?？ ])/, 5),
    c(/(?<!不|不想|不会|不打算|票.{0,3})买(?!家|方|主|卖|了吗|票|门票|单|不到|不起|房|车票)/, 3.5),
    c(/(?:找|寻找|求)(?:个|一个)?卖(?:家|方|主)/, 5),
    c(/\b(?:buy|buying|purchase|purchasing|acquire|acquiring|acquisition|take over)\b/, 4.5),
    c(/\binterested in (?:buying|acquiring|purchasing)\b/, 2),
    c(/\b(?:someone|somebody|anyone|a company) (?:to|who (?:will|would|can|wants to)) sell\b/, 5),
  ],
  license: [
    c(/(?<!可|可以|开放|免费|支持|接受|允许|未经|未获|强制)许可(?!的)|(?:授权|许可)(?:的)?机会|(?:寻求|争取|求)(?:授权|许可)|授权使用|使用授权|获得授权|授权给|授权(?:我们|我)?(?:用|使用|生产|实施)|使用权|实施权|使用费|许可费|授权费|专利费|提成费|入门费/, 4.5),
    c(/(?<!(?:available|open|up|offered|ready|patents?|tech|technolog(?:y|ies)|inventions?) (?:for|to) |\bopen |compulsory )\b(?:licen[cs]e|licen[cs]ing|licen[cs]ed|licen[cs]ee|in-licen[cs]\w*|royalt(?:y|ies))\b/, 4.5),
  ],
  invest: [
    c(/(?:想|要|愿意|可以|打算|准备)投(?!诉|票|稿|放|入使用|标)|投资(?!机构)|入股|注资|参股|(?<!质押|知识产权)融资|风投|天使轮|a轮|股权投资|找投资|拉投资|资本/, 4.5),
    c(/\b(?:invest|investing|investor|investors|investment|vc|venture capital|equity|stake|rais(?:e|ing) (?:capital|money|funds?|a round|investment)|fundraising|seeking (?:investment|investors?|funding)|looking for (?:investment|investors?)|fund (?:a|the|this|our|my|your|patent|promising|projects?|start-?ups?))\b/, 4.5),
  ],
  cooperate: [
    c(/合作开发|联合开发|共同开发|合作研发|联合研发|共同研发|协同开发|一起开发|一起研发|产学研|校企合作|技术合作|联合攻关|共建实验室|合作|一起(?:产业化|做|搞|开发|研发|推广|转化|攻关)|联合(?:产业化|转化)/, 4.5),
    c(/\b(?:co-?develop\w*|joint (?:r ?& ?d|r and d|research|development|venture)|collaborat\w*|partner(?:ship)?s?|cooperat\w*|work together)\b/, 4.5),
  ],
  sell: [
    c(/(?<!不|不想|不会|不打算|被|已|已经|曾)(?:出售|卖掉|卖出|售卖|出让|变现|转手|挂牌|出手|脱手|(?<!受|可|求|可以)转让(?!的|了吗|过))/, 4.5),
    c(/(?<!不|不想|不会|不打算|拍|买)卖(?!家|方|主|了吗|票)/, 3.5),
    c(/(?<!不)(?:想|要|打算|准备|愿意|希望)(?:把.{0,16})?卖/, 4.5),
    c(/(?:找|寻找|求)(?:个|一个)?买(?:家|方|主)/, 5.5),
    // ("someone on taobao is selling a ripoff": a third party selling is the user's complaint, not a sale.)
    c(/\b(?:sell|(?<!\b(?:someone|somebody|they|others|competitors?|companies|company|people|factories|factory|sellers?|shops?|stores?)\b[\w ]{0,24}\b(?:is|are|keeps?|been|now|still) )selling|for sale|transfer (?:my|our)|monetize|find (?:a )?buyers?|looking for (?:a )?buyers?|list (?:my|our))\b/, 4.5),
    c(/\b(?:someone|somebody|anyone|a company|buyers?) (?:to|who (?:will|would|can|wants to)) (?:buy|purchase|acquire|take)\b/, 5.5),
  ],
  demand: [
    c(/技术需求|发布需求|需求|找技术|寻找技术|求技术|征集技术|技术攻关|难题|卡脖子|解决.{0,16}(?:问题|难题|瓶颈)|(?:^|[^要])求(?:一种|一项|一个|一套|个).{0,24}(?:技术|方案|工艺|办法)|谁有.{0,8}(?:方案|技术|办法)|(?:有|有没有|谁有)(?:什么|啥)?(?:技术|办法|方案|法子)(?:能|可以)解决/, 4),
    c(/(?:需要|急需|寻求)(?!帮助|帮忙).{0,12}(?:技术|方案|工艺|解决|设备|方法)|(?:谁|有人|有没有(?:人|单位|厂家|企业|公司|机构|团队|高校)?|哪(?:家|里|个单位|位))(?:能|可以|会|愿意)(?:提供|供应|转让给我们|给我们做|帮我们做|帮我们解决).{0,24}(?:技术|工艺|方案|设备|办法|材料)/, 4.5),
    c(/急需|急用|急求|很着急|比较急|挺急的|\burgent(?:ly)?\b/, 1.5),
    c(/\b(?:who|anyone|anybody|someone|any (?:company|supplier|lab|team|firm|university)) (?:can|could|is able to|able to|that can|who can|willing to) (?:supply|provide|offer|deliver|sell us)\b/, 4.5),
    c(/\b(?:we need|i need|needs? (?:a|an|some) (?:way|fix)|need (?:a|an|some) .{0,30}(?:technology|solution|process|method)|any (?:tech|technology|solutions?) (?:out there|that can)|looking for (?:a |an )?(?:technology|solution|technical)|technical (?:problem|challenge|need)|solve|demand|requirement)\b/, 4),
  ],
  protect: [
    c(/(?:一样|相同|类似|同样|一模一样)的产品|未经(?:我们|我方|我)?(?:的)?(?:授权|许可|允许|同意)|\bwithout (?:our |my )?(?:permission|authori[sz]ation|consent|a licen[cs]e)\b|\bsame (?:product|design) as (?:our|mine|my)\b/, 5.5),
    c(/侵权|侵犯|维权|抄袭|模仿|照抄|仿造|盗版|仿冒|假冒|盗用|山寨|仿制|冒用|剽窃|被抄|被仿|被盗|起诉|诉讼|打官司|告他们|维护.{0,4}权益|保护我的专利/, 5.5),
    c(/\b(?:infring\w*|counterfeit\w*|cop(?:ied|ying|ycat)|(?:company|companies|someone|somebody|factory|factories|competitors?|they|people) (?:\w+ )?cop(?:y|ies)|knock-?offs?|rip-?offs?|(?:copies|fakes|imitations|clones) of (?:my|our)|pirat\w*|stole|stolen|lawsuit|sue|suing|litigation|enforce\w*)\b/, 5.5),
  ],
};

export const INTENT_CUES: Record<Exclude<Intent, 'unknown' | 'submit_lead'>, Cue[]> = {
  greet: [
    c(/^\W*(?:你好|您好|hello|hi|hey|hiya|嗨|哈喽|哈啰|哈罗|早上好|早安|上午好|中午好|下午好|晚上好|在吗|在么|在嘛|在的吗|在不|在不在|有人吗|有人在线吗|在线吗|有人在吗|请问有人吗|喂|hallo|yo|howdy|greetings|good (?:morning|afternoon|evening|day))/, 2.5),
    c(/^\W*(?:老师|大家|各位|领导|客服|小助手|助手|机器人|朋友们?)(?:们)?(?:你|您)?好/, 2.5),
    c(/你好|您好|大家好|\b(?:hello|hi|hey)\b|nice to meet you|很高兴认识/, 1.5),
  ],
  help: [
    c(/帮助|怎么用|如何使用|怎么使用|使用说明|使用方法|使用指南|操作指南|新手指南|能做什么|能干什么|会做什么|可以做什么|能帮(?:我)?(?:做|干)?(?:些|点)?什么|有(?:哪些|什么)功能|功能(?:介绍|列表|菜单)|菜单|指令|命令|求指导|指导一下|怎么操作|不会用|不知道怎么|教(?:教)?我|你是谁|支持哪些|从哪(?:里|儿)?开始|操作说明|(?:能|可以)(?:查|搜|问)(?:些|点)?(?:什么|啥)|(?:机器人|平台|你|这里|这儿).{0,6}(?:用途|用处|作用)|怎么开始|教程|入门|新手|咋用|咋弄|怎么弄|咋操作|怎么玩|会(?:些|点)?(?:啥|什么)|(?:你|你们|机器人|平台|系统|这个)(?:都)?(?:能|可以|会)干(?:嘛|啥|什么)|能做啥|(?:你的|有啥|有哪些|介绍.{0,4})功能|功能/, 4),
    c(/\bhelp\b(?!\s+(?:me|us)\s+(?:find|search|look|get|buy|sell|with|to|register|sign|cancel|delete|understand|check|locate|protect))|what can (?:you|this|the|it|u)(?: \w+)? do|what do you do|how (?:do|does|can|to) (?:i |we )?use|how does (?:this|it) work|\bmenu\b|\bcommands?\b|instructions|user guide|\bguide\b|get(?:ting)? started|\bfeatures\b|who are you|what are you|\buse (?:this|the|your) (?:bot|service|platform|app|tool)\b|\b(?:don'?t|do not) know what to (?:type|say|ask|do)\b|\bhow (?:is|are|should) (?:this|the|you|it)\b.{0,32}\bused\b|\bwhat (?:should|can) i (?:type|say|ask)\b/, 4),
  ],
  search_patents: [
    c(/搜|检索|查找|查询|查一下|查查|找找|找一下|帮我找|找些|找点|帮我查|搜罗|(?:想|要|帮忙|我在|请|给我)找(?!技术|企业|厂|公司|合作|伙伴|专利权人|人|投资|买|卖|机构|律师|代理|研究所|研究院|高校|大学|团队|实验室)|寻找(?!技术|买|卖|合作|投资|企业|伙伴)/, 3.5),
    c(/(?:可|可以|开放|免费|支持|接受|允许)(?:许可|转让|授权)的?|开放许可|\bavailable (?:for|to) (?:licen[cs]e|licen[cs]ing|sale|transfer|purchase)\b|\bopen licen[cs]e\b/, 4),
    c(/有没有.{0,16}(?:专利|技术|成果)|有(?:哪些|什么).{0,16}(?:专利|技术|成果|发明)|(?:专利|技术|成果)有(?:哪些|什么|么|吗|没有)|(?:看看|推荐|列出|介绍).{0,16}(?:专利|技术)/, 3.5),
    c(/专利|发明|实用新型|外观设计/, 1.5),
    c(/相关|方面|领域|有关|关于/, 0.5),
    c(/\b(?:search|find|look(?:ing)? for|look up|show me|browse|any|seek)\b|^\W*list\b|\blist (?:all|the|some|of)\b/, 3),
    c(/\bpatents?\b|\binventions?\b|\butility models?\b/, 1.5),
    c(/\bpatents? (?:on|about|for|related|in|from|of|regarding|covering)\b|\b(?:on|about|regarding) .{1,30} patents?\b/, 1.5),
  ],
  patent_detail: [
    c(/专利号|申请号|公开号|公告号|详情|详细|法律状态|有效|权利要求|摘要|是谁的|权利人|专利权人|申请人|发明人|授权日|申请日|到期|失效|状态|说明书|介绍一下|这个专利|该专利|这项专利|具体信息|信息/, 2),
    c(/\b(?:details?|status|claims?|abstract|owner|who owns|expire[sd]?|valid|tell me about|what is|info|information|legal)\b/, 2),
  ],
  explain_policy: [
    c(/政策|补贴|补助|资助|奖补|报销|专项资金|资金支持|质押|贴息|减免|税收|减税|免税|税费|退税|扶持|优惠|(?:交|缴|问问|问一下|什么|多少|哪些)税/, 6),
    c(/奖励|激励|奖金|孵化器|孵化基地|产业化基地|(?:能|可以)(?:拿|领|得)(?:到)?多少(?:钱)?|给多少钱|拿多少钱|领多少钱/, 4.5),
    c(/(?:有|给|提供|能得到|能获得|可以获得)(?:什么|哪些|啥)(?:样的)?支持|\bwhat (?:kind of )?(?:support|help|benefits?)\b.{0,30}\b(?:get|receive|offer|provide|available)|\bsupport (?:can|do|does|will) (?:i|we|you|they)\b/, 4),
    c(/跨省|跨区域|孵化|基地|贷款|申报|能拿多少|给多少钱|有什么支持|支持措施|措施|办法|条例|规定|税|政府|财政/, 2.5),
    c(/收益(?:怎么|如何)?分(?:配|成)?|补不补|给不给钱|给钱吗|发不发钱|有钱拿|能拿钱|\b(?:gov(?:ernment|t)?) (?:money|funding|support|grants?)\b|\b(?:money|financial|funding|fund) support\b/, 4.5),
    c(/\b(?:polic(?:y|ies)|subsid(?:y|ies|ise|ize|ized)|grants?|incentives?|tax|taxes|pledge|preferential|allowance|rebates?|reimburse\w*)\b/, 6),
    c(/\b(?:rewards?|awards?|bonus|prizes?|prize money)\b/, 4.5),
    c(/\b(?:loans?|financing|funding|incubators?|industrial bases?|support measures|support|how much money|benefits|apply for|cross-?province|cross-?regional)\b/, 2.5),
  ],
  expo_info: [
    c(/博览会|交易会|展会|展览会|展览|展示会|展洽会|博览|展销会|展位|展区|展馆|会展|大会|交易展/, 3),
    c(/\b(?:expo|expos|fair|exhibition|exhibitions|trade show|booths?|convention)\b/, 3),
    // The platform runs one event: "is it in Changsha this year?" asks where it is held.
    c(/(?:是|还是)?在.{1,10}(?:办|举办|举行|开幕|召开)(?!理|事|证|手续)(?:的)?(?:吗|么|嘛|呢|不|吧|\?)|(?:是不是|是否|还是不是)在.{1,10}(?:办|举办|举行|开|搞)(?!理|事|证|手续|公司|店|厂)|(?:在哪|哪里|哪儿|哪个城市)(?:办|举办|举行|召开)(?!理|事|证|手续)|\b(?:held|hosted|taking place|happening) in\b|\bis (?:it|this year'?s (?:one|event)) (?:in|at)\b/, 3.5),
    c(/门票|票价|\b(?:tickets?|visitors?|admission|entry fee)\b/, 2.5),
  ],
  register_expo: [
    c(/(?:订|租|预约|预定|预订|申请|要|留|报|摆|搭|占|弄|整)(?:一个|个|一块|块)?.{0,6}(?:展位|展台)|展位.{0,10}(?:想|要)(?:订|租|预订|预约)|\b(?:book|reserve|rent|get) (?:a |an |one )?(?:\w+ )?(?:booth|stand)\b/, 5),
    c(/(?:怎么|如何|怎样)(?:申请|参加|报名|参展)|(?:在|去)(?:博览会|交易会|展会)上?(?:展示|展出|参展|摆展)/, 3.5),
    c(/报个.{0,10}名(?!称|单|字)|报名|报个名|登记|参展|参会|布展|当展商|做展商|占个位|留个位|报名表|预订展位|订个展位|预约(?:一下)?(?:参观|入场|看展|门票)/, 3.5),
    c(/(?:想|要|我|我们|报名|打算|准备|希望)参加|(?:想|要)去(?:参观|看看)?/, 3.5),
    c(/注册|预约|参观|参加/, 2.5),
    c(/(?:帮我|给我|帮我们|给我们|我想|我要|我们想|我们要)(?:预约|预定|预订|登记|报名)/, 5),
    c(/以.{0,4}(?:投资人|投资方|买方|专利权人|观众|展商|参展商|机构)(?:的)?身份|\bas an? (?:investor|buyer|patentee|visitor|exhibitor|agency|attendee)\b/, 3),
    c(/\b(?:sign (?:me |us )?up(?! (?:for|to) (?:the |your |a |some )?(?:newsletters?|updates|news|alerts|notifications|announcements|mailing list))|register|enrol+|enrol+ment|rsvp|exhibitor|count (?:me|us) in|book (?:me |us )?(?:a |an )?(?:booth|stand|ticket|seat|spot|place))\b/, 4),
    c(/\b(?:register|sign (?:me |us )?up|enrol+) (?:me |us )?(?:for|at|to) (?:the |this |next )?(?:expo|fair|exhibition|event)\b/, 2),
    c(/\b(?:registration|attend|attending|participate|join)\b/, 2.5),
    c(/\b(?:can|may) (?:i|we) (?:attend|join|register|sign up|come|visit|participate)\b|\bi(?:'d| would| want to)? (?:like to |want to )?(?:attend|join|participate|visit)\b/, 2),
  ],
  cancel_registration: [
    c(/(?:取消|撤销|撤回|退掉|删除|删掉)(?:我的|我们的)?.{0,6}(?:报名|参会|参展|登记|预约|预订|预定|展位|注册|行程|名额)|(?:报名|参会|预约|名额|展位).{0,4}(?:取消|撤销|作废|撤|不要了|不用了)/, 6),
    c(/(?:退掉|取消|撤销|不要)(?:了)?我(?:们)?(?:订|预订|预约|报名|登记|注册)的/, 6),
    c(/不去(?:参加)?(?:展会|博览会|交易会)了|不去了|(?:不|没)(?:打算|准备|想|计划)(?:再)?(?:去|参加|来|参展|参会)(?:了|啦)|不(?:再)?(?:参加|参展|参会|过去)了|去不了|来不了|参加不了|不参加了|无法参加|不能参加|不能来|没法去|没空去|退掉|退出|撤销|放弃参加/, 4.5),
    c(/(?:报名|登记|预约|参会|参展|展位|名额)(?:信息|记录|资格)?(?:给我|给|帮我|帮忙|麻烦|请|你|您|能不能|可以|能|就|也|都|先)*(?:删|删掉|删除|删了|去掉|撤了|撤掉|作废|退了)/, 6.5),
    c(/\b(?:delete|remove|erase|drop) (?:my|our) (?:\w+ ){0,2}(?:registration|booking|reservation|sign-?up|rsvp)s?\b/, 6.5),
    c(/取消/, 2.5),
    c(/(?:从|在)(?:参展|参会|报名|展会|博览会|交易会|观众|展商)(?:的)?(?:名单|列表)/, 6.5),
    c(/\bcancel\w*\b.{0,20}\b(?:registration|booking|reservation|spot|seat|ticket|attendance|sign-?up)\b|\b(?:can'?t|cannot|won'?t be able to|unable to|no longer) (?:make it|attend|come|go|participate)\b|\bwithdraw\w*\b|\b(?:de|un)-?register\b|\b(?:drop|scrap|ditch|undo|pull) (?:my|our) (?:\w+ ){0,2}(?:registration|sign-?up|booking|reservation|spot|place|seat|attendance|booth)\b|\b(?:take|cross|strike) (?:me|us|my name|our name) off\b|\b(?:remove|take|cross|strike|delete|drop) (?:me|us|my name|our name|(?:our|my) (?:company|firm|team|university|lab)) (?:from|off) the (?:\w+ )?(?:attendee|exhibitor|visitor|guest|expo|fair|registration|participant) list\b|\bcount (?:me|us) out\b|\bnot (?:coming|going) (?:any ?more|after all)\b|\bchanged (?:my|our) minds?\b/, 6),
    c(/\bcancel\b/, 3),
    c(/报名.{0,8}\bcancel|\bcancel\b.{0,8}报名|cancel\s*掉/, 4),
  ],
  my_registrations: [
    c(/我的(?:报名|预约|登记|参会|参展)|我(?:已经|都|是否|有没有)?报(?:了)?(?:过)?名(?:了)?(?:的)?.{0,4}(?:哪些|什么|几|吗|没|成功|情况|状态|记录)|报名(?:记录|信息|状态|情况|结果|列表|详情|成功)|确认码|报名码|参会码|报名编号|(?:查|看)(?:看|询|一下)?(?:我的)?报名|我(?:之前|已经|刚才|上次|以前)?(?:订|预订|预约|报名|登记|注册)(?:了)?的|我(?:之前|已经|上次|以前)?报(?:了)?的名|我(?:之前|已经|以前)?是不是(?:已经)?(?:报过|报了|登记过|预约过)|我(?:到底|一共|总共)?(?:报了|报名了|登记了)(?:几|多少|哪)|我(?:之前|以前|已经|都|上次)?(?:报过|报了|参加过|报名过|登记过)(?:哪些|哪几个|哪个|几个|什么)(?:展|会|博览会|交易会|活动)|我的\s*(?:booking|registration|reservation)/, 5.5),
    c(/(?:我|我们|我的|我们的).{0,10}(?:候补|排队)|(?:报名|参展|参会|展位|预约|登记)(?:的|申请)?(?:审核|审批)|(?:报名|参展申请|展位申请|预约|登记)(?:批|通过|审过)(?:下来)?(?:了)?(?:没|吗|么|没有)|候补.{0,6}(?:第几|几位|几名|多少位|多少名|排到|还在|到我)|排(?:到|在)(?:了)?第?几(?:位|名|个)/, 5.5),
    c(/\b(?:am i|are we|is my|was my|did my|has my|is our|was our|did our|has our|have i been|have we been|were we|did we)\b(?!.{0,30}\bpatent).{0,30}\b(?:approved|accepted|confirmed|waitlist\w*|wait-?listed|on the wait\w*|pending|rejected|under review|being reviewed|in review)\b|\b(?:my|our) (?:\w+ ){0,2}(?:position|place|spot|rank|number) on the wait|\bwhere (?:am i|are we|do i stand) on the wait/, 5.5),
    c(/\bmy (?:\w+ )?(?:registrations?|bookings?|reservations?|sign-?ups?|tickets?)\b|\bam i (?:registered|signed up|on the list)\b|\bdid (?:my|i) .{0,20}(?:registration|register|sign)|\bregistration status\b|\bconfirmation (?:code|number)\b|\bwhat (?:did|have) i (?:register|sign)|\bwhich (?:expos?|fairs?|events?) (?:am i|did i|have i)\b|\bwhat (?:i'?ve|i have|have i|did i) (?:booked|registered|signed up)\b|\b(?:i|we) (?:already|have already) (?:signed|registered|booked)\b/, 5.5),
  ],
  alliance_info: [
    c(/联盟|服务机构|代理机构|代理公司|专利代理|代理人|事务所|律师|律所|服务商|中介|成员单位|运营机构|评估机构|服务平台有哪些/, 5),
    c(/代理|评估|咨询|估值/, 2.5),
    c(/机构|公司推荐/, 2.5),
    c(/\b(?:alliance|agenc(?:y|ies)|attorneys?|lawyers?|law firms?|service providers?|intermediar\w*|ip services?|consultants?|consulting|valuation|appraisal)\b/, 5),
  ],
  subscribe: [
    c(/(?<!取消|退|取消所有|取消全部|移出|退出|踢出|删出)订阅|开通(?:推送|通知|提醒|订阅)|(?:有|出)(?:了)?(?:新|最新)的?.{0,12}(?:告诉|通知|推送|发给|提醒)我|第一时间.{0,6}(?:通知|告诉|推送|提醒)/, 7),
    c(/(?<!取消|刚|刚刚|才|新)关注(?!了?(?:这个|你们的?|贵|该|本)?(?:公众)?(?:号|账号))|通知我|提醒我|消息提醒|开启(?:通知|提醒|推送|订阅)|(?:有|出)(?:了)?.{0,8}(?:新|最新)的?.{0,12}(?:告诉|通知|推送|推|发给|提醒)(?:给)?我|推送给我|推给我|第一时间|(?:每周|每天|每月|定期)(?:都)?(?:收到|推送|发我|发给我)|记得.{0,4}(?:告诉|通知|推|发|提醒|跟我说|和我说|告知|知会)(?:给)?我?|(?:跟|和)我说一声|(?:以后|今后|往后|下次|日后)(?:再)?(?:有)?.{0,12}(?:都|就|也|记得)?(?:发|推|告诉|通知|提醒|知会|跟我说|和我说)(?:给)?(?:我|一声)|提前(?:告诉|通知|提醒|知会|说)(?:一下)?(?:我|一声)|(?:开|设|定)(?:个|一个)提醒|(?:了|时|的时候)就?(?:叫|喊|通知|告诉|提醒)我/, 5),
    c(/(?<!不要|别|停止|关闭)推送|提醒/, 2),
    c(/关注.{0,12}(?:更新|动态|消息|通知|最新)|(?:更新|动态)(?:提醒|通知|推送)/, 3),
    c(/\b(?:ping|notify|tell|alert|message|text|email|remind) me (?:when|once|if|as soon as|whenever)\b|\bsub me\b|\b(?:weekly|daily|monthly) (?:digest|newsletter|roundup|summary)\b/, 6),
    c(/(?:开启|打开|开通|启用|开一下|开下)(?:一下)?(?:消息|系统|新闻|展会|政策|专利)?(?:通知|提醒|推送|订阅)/, 7),
    c(/\b(?:turn|switch|flip) (?:on )?(?:all |the |my |push )?(?:notifications?|alerts?|updates|push(?: notifications)?|reminders?) (?:back )?on\b|\b(?:turn on|switch on|enable|activate|allow|re-?enable) (?:all |the |my |push |email )?(?:notifications?|alerts?|updates|push(?: notifications)?|reminders?)\b/, 7),
    c(/\bsubscribe\b|\bnotify me\b|\bkeep me (?:posted|updated|informed)\b|\bnewsletter\b|\bsend me (?:updates|news|alerts|notifications)\b|\b(?:sign me up|subscribe me) (?:for|to) (?:updates|news|alerts|the newsletter|notifications)\b/, 6),
    c(/\b(?:alerts?|updates|notifications)\b/, 1.5),
  ],
  unsubscribe: [
    c(/退订|取消.{0,4}(?:订阅|推送|通知|提醒|关注)|(?:不要|别|不用|不必|请勿)(?:再)?(?:给我)?(?:发|推|推送|通知|打扰)|不想(?:再)?收到|停止(?:推送|通知|发送|订阅|提醒|发消息)|关闭.{0,4}(?:通知|提醒|推送|订阅)|(?:通知|提醒|推送|订阅|消息)(?:给我)?(?:关|停)(?:了|掉)|免打扰|(?:通知|推送|订阅|消息|提醒|邮件|短信|群发)(?:的)?(?:列表|名单)(?:里|中|上)?.{0,6}(?:删|移除|去掉|拿掉|划掉|撤|退出)|(?:不想|不要|不愿意|不愿|退出|离开|移出|踢出|删出|撤出)(?:再)?(?:在|留在|待在|呆在)?(?:你们的?)?(?:通知|推送|订阅|消息|邮件|短信|群发)(?:的)?(?:列表|名单)/, 7),
    c(/\b(?:remove|take|drop|delete|unlist) (?:me|us|my (?:number|email|address|name)) (?:from|off) (?:the |your |this |all |any )?(?:mailing|email|notification|subscriber|subscription|distribution|alert|newsletter|sms|push|broadcast|message) ?lists?\b/, 7.5),
    c(/\bunsubscribe\b|\bstop (?:spamming|bugging|pinging|sending|messaging|texting|notifying|the (?:messages|notifications|updates|alerts))\b|\b(?:no more|don'?t send(?: me)?(?: any)?(?: more)?) (?:messages|notifications|updates|alerts|emails|spam)\b|\bopt[- ]?out\b|\bmute\b|\b(?:turn off|disable|switch off) (?:all |the )?(?:notifications|alerts|messages|updates|push)\b|^\W*stop\W*$|\bleave me alone\b/, 7),
  ],
  forget_me: [
    c(/(?:删除|删掉|删了|清除|清空|抹去|抹掉|销毁)(?:我的|我们的)?(?:所有|全部|一切)?(?:的)?.{0,8}(?:数据|信息|资料|记录|账号|账户|隐私|手机号|电话|邮箱|联系方式)|忘(?:记|掉)我|注销|把我的(?!.{0,12}(?:报名|登记|预约|参会|参展|展位|行程|名额|订阅|需求|线索))(?:.{0,12})(?:删|清除)|不要保存我的|不(?:想|要|希望)(?:让)?(?:你们|平台|你)?(?:保存|保留|存储|记录|留着)(?:我的)?|(?:资料|数据|个人信息|记录|账号|手机号|联系方式).{0,6}(?:删除|删掉|清除|清空|抹掉)|把我(?:从|在)(?!.{0,6}(?:参展|参会|报名|展会|博览会|交易会|观众|展商|通知|推送|订阅|消息|提醒|邮件|短信)).{0,12}(?:删|清除|移除|去掉)|把我(?:留|存|登记|填|提交)的.{0,10}(?:删|清)/, 6),
    c(/\bforget (?:me|about me|my)\b|\b(?:delete|erase|wipe|remove|purge)\b(?!.{0,40}\b(?:registration|booking|reservation|sign-?up|rsvp|ticket|lead)s?\b)(?!.{0,40}\b(?:mailing|notification|subscriber|subscription|distribution|alert|newsletter|sms|push|broadcast|message|expo|fair|attendee|exhibitor|guest|visitor|registration|waiting|wait) ?lists?\b).{0,40}\b(?:my|me|personal)\b|\bremove me from (?:your|the) (?:system|database|records?|platform)\b|\bright to be forgotten\b|\bgdpr\b|\bdelete (?:my )?account\b/, 6),
  ],
};

/** Greeting words and the forms of address that go with them; a message made only of these is a greeting. */
export const GREETING_WORDS =
  /你好|您好|大家好|哈喽|哈啰|哈罗|嗨|早上好|早安|早|上午好|中午好|下午好|晚上好|在吗|在么|在嘛|在的吗|在不在|在不|在线吗|在线不|有人吗|有人在吗|有人在线吗|有人没|有人不|喂|\b(?:hello|hallo|helo|hi|hey|hiya|heya|yo|howdy|greetings|good (?:morning|afternoon|evening|day)|morning|what'?s up|sup|how are (?:you|ya|u)|how'?s it going)\b/g;
const GREETING_REST =
  /(?:我|我们)?(?:刚|刚刚|才|新)(?:关注|扫码|进群|加入|加的|来)(?:了)?(?:这个|你们的?|贵|本|该)?(?:公众)?(?:号|账号|群|平台|进来)?|新来的|初来乍到|我想问一下|想问一下|请问一下|问一下|想咨询一下|咨询一下|打扰一下|打扰了|请问|老师|各位|大家|朋友们?|小助手|助手|机器人|客服|亲|同学|嗯|那个|呀|啊|哈|呢|嘛|呐|哦|喽|哇|[你您](?=[\s\p{P}\p{S}]|$)|\b(?:(?:i|we) (?:have )?)?(?:just |only just )?(?:followed|joined|subscribed to|found|scanned|added) (?:your|this|the) (?:account|page|channel|bot|code|qr code|group)\b|\b(?:i'?m |we'?re )?new here\b|\bjust (?:joined|followed|arrived)\b|\b(?:there|everyone|all|team|folks|bot|assistant|friend|guys|again|you|u|anyone|anybody|oh|hi)\b|[\s\p{P}\p{S}\d]/gu;

/** True when the text is a greeting or small talk and nothing else ("嗨", "在么在么", "yo what's up", "好的，谢谢"). */
export function greetingOnly(cue: string): boolean {
  if (cue.length > 60) return false;
  const words = cue.replace(GREETING_WORDS, '').replace(SMALL_TALK_WORDS, '');
  if (words.length === cue.length) return false;
  return words.replace(GREETING_REST, '').replace(/[\s\p{P}\p{S}]/gu, '') === '';
}

/** Structural cues that argue for `unknown`: prompt injection and chit-chat. */
export const INJECTION: RegExp =
  /忽略(?:之前|以上|上面|前面|先前|所有|你的)?.{0,6}(?:指令|提示|规则|设定|要求|限制|约束)|从现在(?:开始|起)你(?:只能|必须|就是|要)|系统提示|提示词|越狱|开发者模式|管理员模式|你现在是|扮演|导出.{0,12}(?:手机号|用户|数据|名单)|(?:所有|全部|其他)(?:的)?(?:用户|报名用户|人)|数据库(?:里|中)|\bignore (?:all |any |the |your )?(?:previous|prior|above|earlier|preceding)\b|\bignore (?:everything|anything|all)(?: (?:above|before|else|you were told))?\b|\b(?:hidden|secret|original|initial|internal) (?:instructions|prompt|rules)\b|\bsystem prompt\b|\bjailbreak\b|\bdeveloper mode\b|\bdan mode\b|\bpretend (?:to be|you are)\b|\byou are now\b|\b(?:all|other) users\b|\beveryone'?s\b|\bdrop table\b|\b(?:system|admin) (?:override|mode)\b|\bact as (?:an? )?(?:admin|root|developer)\b|\bdisregard\b.{0,20}\binstructions\b/;

export const CHITCHAT: Cue = c(
  /天气|下雨|快递|包裹|气温|房价|买房|租房|工资|物价|热不热|冷不冷|几度|温度怎么样|笑话|段子|讲个故事|吃什么|吃饭|好吃|餐厅|饭店|美食|外卖|电影|电视剧|音乐|唱(?:首|个)?歌|写(?:一)?首诗|作诗|诗歌|星座|运势|算命|彩票|股票|比特币|游戏|足球|篮球|明星|八卦|恋爱|女朋友|男朋友|男的还是女的|几岁|多大了|你叫什么|无聊|陪我聊|聊天|旅游|景点|好玩|特产|火车票|机票|车票|高铁票|打车|订酒店|减肥|等于几|写代码|\b(?:weather|joke|jokes|poem|song|sing|movie|film|music|recipe|restaurant|lunch|dinner|football|soccer|basketball|who won|capital of|lottery|stock price|bitcoin|girlfriend|boyfriend|dating|how old are you|are you (?:a )?(?:human|robot|real)|meaning of life|tell me a story|how tall|scripts?|code|train tickets?|flights?|hotel booking)\b/,
  3,
);

/** Closing a conversation ("谢谢 没事了", "that's all"): nothing to do, not a greeting. */
export const CLOSING: Cue = c(/没事了|没别的(?:了|事)|没有别的(?:了|事)|就这些(?:了|吧)?|就这样吧|先这样(?:吧)?|\b(?:that'?s all|nothing else|no more questions)\b/, 3);

/** Technology vocabulary: a bare topic like "石墨烯" or "solar cells" is most likely a patent search. */
export const TECH: Cue = c(
  /电池|锂|储能|氢能|燃料|光伏|太阳能|风电|新能源|材料|石墨烯|稀土|纳米|合金|陶瓷|涂料|催化|化工|聚合|树脂|复合|芯片|半导体|集成电路|传感器|激光|光纤|光电|显示|led|机器人|无人机|人工智能|算法|识别|图像|视觉|语音|通信|5g|物联网|区块链|大数据|云计算|软件|装置|设备|系统|方法|工艺|机械|轴承|齿轮|电机|电路|汽车|轨道|船|航空|航天|医药|中药|药物|疫苗|医疗|诊断|检测|测量|农业|种植|养殖|育种|食品|饮料|包装|纺织|污水|废水|环保|固废|除尘|脱硫|节能|冶金|钢|煤|矿|水泥|建筑|桥梁|隧道|加速度计|陀螺|雷达|\b(?:batter(?:y|ies)|lithium|graphene|semiconductors?|chips?|sensors?|lasers?|robots?|robotics|drones?|uav|solar|photovoltaic|vaccines?|wastewater|water|pumps?|ai|machine learning|5g|bearings?|ceramics?|rare earths?|alloys?|coatings?|catalysts?|materials?|devices?|engines?|vehicles?|medical|medicine|pharma\w*|agricultur\w*|irrigation|food|packaging|textiles?|steel|coal|hydrogen|energy|optical|led|cells?|furniture|mining)\b/,
  1.5,
);

/** "我们是代理机构…", "we are an investment firm": who the user is, not what they ask for. */
export const ROLE_STATEMENT: RegExp =
  /(?:我们|我|本人|我司|本公司|我方)(?:是|为|属于)(?:一家|一个|一名|一所|个|家)?[^，,。.!！?？;；]{0,10}?(?:机构|公司|企业|律所|事务所|代理|高校|大学|学校|研究所|研究院|工厂|厂家|厂|投资人|投资方|专利权人|发明人|个人|观众|展商|律师)|\b(?:we are|we're|i am|i'm) (?:an? |the )?(?:[a-z-]+ ){0,3}?(?:agency|firm|company|institution|investor|university|lab|factory|manufacturer|start-?up|patentee|attorney|lawyer|inventor)s?\b/g;

/** Commands typed as text (SPEC §8) mapped to intents; /subscribe is accepted too, as people type it. */
export const COMMANDS: Record<string, Intent> = { ...COMMAND_INTENT, subscribe: 'subscribe' };

/** Questions about an expo's time, place, programme or capacity (they argue for `expo_info`). */
export const EXPO_QUESTION: RegExp =
  /什么时候|何时|几号|几月|哪天|哪一天|日期|时间|在哪|哪里|哪儿|哪个(?:省|城市|地方)|地点|地址|场馆|会场|议程|日程|安排|活动|名额|截止|开幕|闭幕|几天|多少人|门票|票|交通|哪些|有什么|有没有|谁|怎么去|规模|介绍|详情|信息|酒店|住宿|\b(?:free|cost|price|fee|when|where|date|dates|time|venue|schedule|agenda|location|deadline|address|program(?:me)?|tickets?|how to get|info|information|details|hotels?|capacity|spots? left)\b/;
