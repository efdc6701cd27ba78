/**
 * Cues for talking to the platform itself rather than asking it for patents (issue #21):
 *   - CONTACT: how to reach the platform, or a person (人工客服, "talk to a human") → `alliance_info`,
 *     whose handler hands over to the alliance coordinator;
 *   - PROCESS_FAQ: how a patent transfer or licence is done (流程, 手续, steps) → `alliance_info`
 *     (a sourced FAQ answer), not a sell lead though it names 转让;
 *   - MY_LEADS: the leads or demands the user submitted (我的需求, my leads) → `my_registrations`, whose
 *     handler lists leads too; not a new demand though it says 需求;
 *   - SMALL_TALK: thanks, OK, goodbye → `greet` when the message is nothing else (see GREETING_WORDS).
 * classify.ts adds their weights and lowers the lead reading when one of the first three fires.
 */
import type { Cue } from './lexicon.js';

const c = (re: RegExp, w: number): Cue => [re, w];

export const CONTACT: Cue[] = [
  c(/(?:怎么|如何|怎样|咋|去哪|在哪)(?:能|可以)?(?:联系|联络|找到?|找得到|打电话给)(?:你们|您们|平台|客服|工作人员|人工|你|管理员|运营)|(?:你们|您们|平台|客服|工作人员)(?:的)?(?:联系方式|联系电话|电话|热线|邮箱|地址|微信|办公地点)|联系方式(?:是)?(?:多少|什么)?$|人工客服|人工服务|转人工|找人工|真人|(?:找|转|接)(?:个)?客服|(?:和|跟|找)(?:你们的?)?(?:工作人员|真人|人工)(?:聊|谈|说|对接)?/, 6.5),
  c(/\b(?:contact|reach|call|email|e-mail|phone|ring) (?:you|you guys|your (?:team|staff|office|platform|service|support)|the (?:platform|team|staff|office|alliance|operators?))\b|\bcontact (?:details|info(?:rmation)?|number|phone|e-?mail|address)\b|\b(?:talk|speak|chat) (?:to|with) (?:a |an |some |real |actual )?(?:person|human|people|agent|operator|staff|someone|representative|real person)\b|\bhuman (?:agent|support|operator|being)\b|\breal person\b|\bcustomer (?:service|support)\b|\bhow (?:can|do) i (?:reach|contact) (?:you|your|the)\b/, 6.5),
];

/** Who is behind the platform (运营方, "who runs this"): the alliance describes itself. */
export const ABOUT_PLATFORM: Cue[] = [
  c(/(?:这个|你们的?|该|本)?(?:平台|机器人|小程序|公众号|服务|网站)(?:是)?(?:谁|哪个单位|哪家|什么机构)(?:在)?(?:运营|主办|办|做|开发|管理|负责)的?|(?:平台|机器人|小程序|公众号|网站)的?(?:运营方|主办方|主办单位|运营单位|背景)|谁(?:在)?(?:运营|管理|负责)(?:这个|你们的?)?(?:平台|机器人|小程序|公众号|网站)/, 6.5),
  c(/\bwho (?:runs|operates|owns|manages|is behind|made|built|maintains|is running) (?:this|the|your|you)(?: (?:platform|service|bot|site|website|chatbot|app|thing))?\b|\bwho (?:are|is) (?:behind|running) (?:this|the|you)\b/, 6.5),
];

export const PROCESS_FAQ: Cue[] = [
  c(/(?:专利|技术)?(?:转让|许可|交易|转化|过户)(?:的|要|需要|得)?(?:走|办|经过)?(?:哪些|什么|怎样的?|啥)?(?:流程|手续|步骤|程序|环节)|(?:怎么|如何|怎样|咋)(?:办理|办|做|操作)(?:专利|技术)?(?:转让|许可|交易|过户)|(?:专利|技术)(?:转让|许可|交易|过户)(?:怎么|如何|怎样|咋)(?:办理|办|操作|进行|做|弄)/, 6.5),
  c(/\bhow (?:does|do|can|would|should|to) (?:a |an |the |i |we |you |one )?(?:patent |technology )?(?:transfer|licen[cs]e|licen[cs]ing|assignment|sale|deal)s? (?:a patent |patents )?(?:work|happen|proceed|go|get done|take place)\b|\b(?:steps|process|procedure|paperwork|formalities) (?:to|for|of|in) (?:a |an |the )?(?:patent )?(?:transfer\w*|licen[cs]\w*|assignment|sell\w*)\b|\b(?:patent )?(?:transfer|licensing|assignment) (?:process|procedure|steps)\b/, 6.5),
];

export const MY_LEADS: Cue[] = [
  c(/我的(?:需求|线索|意向|商机|留言|工单)(?:$|\s*[呢吗?？。!！]|列表|记录|状态|进展|进度|情况|处理|有哪些|在哪|怎么样)|(?:查看|看看|查一下|查询|查|看一下|看下|列出|显示)(?:一下)?(?:我|我们)(?:的|提交的|发布的|发的)(?:需求|线索|意向|留言)|(?:我|我们)(?:之前|已经|上次)?(?:提交|发布|登记|发|留|报)(?:过)?的(?:需求|线索|意向|留言)(?!是)/, 7),
  c(/\bmy (?:\w+ )?(?:leads?|requests?|demands?|enquir(?:y|ies)|inquir(?:y|ies)|submissions?)\b(?! (?:is|are|for|to)\b)|\b(?:leads?|requests?|demands?|enquir(?:y|ies)|inquir(?:y|ies)) (?:i|we) (?:have )?(?:submitted|posted|sent|made|filed|left)\b|\bwhat happened to (?:my|our|the) (?:\w+ )?(?:leads?|requests?|demands?)\b/, 7),
];

/** Thanks, acknowledgements and goodbyes; a message made of these (and greetings) is small talk. */
export const SMALL_TALK_WORDS =
  /谢谢|多谢|感谢|谢了|谢啦|谢谢啦|辛苦了|辛苦|好的|好嘞|好滴|好吧|收到|明白了|明白|知道了|了解了|再见|拜拜|回头见|\b(?:thanks|thank you|thank u|thx|ty|cheers|ok|okay|got it|great|cool|awesome|perfect|bye|goodbye|bye-bye|see you|see ya)\b/g;
