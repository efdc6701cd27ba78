/**
 * Every user-facing sentence, in both languages, in one place. Keys are typed, so a missing
 * translation is a compile error.
 */
import type { Locale } from './types.js';

type Msg = string | ((...args: never[]) => string);
type Pair<M extends Msg> = { zh: M; en: M };

export const STRINGS = {
  welcome: {
    zh: '您好！这里是中部六省专利技术转化服务平台。可以直接告诉我您想找的技术，例如“湖北 锂电池 专利”，或输入“帮助”查看全部功能。',
    en: 'Hello! This is the Patent Technology Conversion Service Platform of six central Chinese provinces. Tell me what technology you are looking for, e.g. "lithium battery patents in Hubei", or type "help" to see everything I can do.',
  },
  help: {
    zh: '我可以：\n• 检索专利：如“湖南 工程机械 发明专利”“湖北 锂电池 专利”\n• 查看专利详情：发送专利号或申请号，如“CN117591160A”\n• 解读六省专利转化政策（附来源）：如“湖北的专利质押融资政策”\n• 介绍服务联盟的成员机构：如“有哪些做专利维权的机构”\n• 博览会信息与报名：“博览会在哪举办”“我要报名”“我的报名”（也列出您提交的需求）\n• 订阅/退订平台公告：“订阅”“退订”\n• 把交易需求转给服务机构：“我想购买专利CN117591160A”“求购污水处理技术”“有人侵犯我的专利”\n• 常见问题与人工服务：“专利转让流程是什么”“人工客服”\n• 删除您的个人数据：“删除我的信息”',
    en: 'I can:\n• search patents, e.g. "construction machinery invention patents in Hunan" or "lithium battery patents in Hubei"\n• show a patent in detail: send its publication or application number, e.g. "CN117591160A"\n• explain the six provinces\' patent-conversion policies, with sources: "pledge financing policy in Hubei"\n• introduce the alliance\'s member agencies: "which agencies offer IP protection?"\n• the patent expo: "where is the expo?", "register me for the expo", "my registrations" (also lists the requests you submitted)\n• subscribe to or unsubscribe from platform announcements: "subscribe", "unsubscribe"\n• pass a trade request to an alliance agency: "we want to license CN117591160A", "looking for wastewater treatment technology", "someone is infringing my patent"\n• common questions and a person to talk to: "how does a patent transfer work?", "talk to a person"\n• delete your personal data: "forget me"',
  },
  unknown: {
    zh: '抱歉，我没听懂。您可以直接描述想找的技术，或输入“帮助”查看我能做什么。',
    en: "Sorry, I didn't understand that. Describe the technology you are looking for, or type \"help\" to see what I can do.",
  },
  searchedFor: { zh: (q: string) => `原词没有结果，已按“${q}”检索：`, en: (q: string) => `Nothing matched your words; searched for “${q}” instead:` },
  searchedForClose: { zh: (q: string) => `原词没有找到贴切的结果，已按“${q}”检索：`, en: (q: string) => `Nothing close matched your words; searched for “${q}” instead:` },
  policyAiNote: { zh: '（以上由 AI 根据下列已核实的政策条目概括，以原文为准。）', en: '(Summarised by AI from the verified sections below; the originals prevail.)' },
  btnPostDemand: { zh: '发布为技术需求', en: 'Post as a demand' },
  btnAskAlliance: { zh: '转给联盟机构咨询', en: 'Ask an alliance agency' },
  empty: { zh: '消息是空的，请输入您的问题。', en: 'That message was empty. Please type your question.' },
  tooLong: {
    zh: (max: number) => `消息太长了（上限 ${max} 字）。请精简后再发。`,
    en: (max: number) => `That message is too long (limit ${max} characters). Please shorten it.`,
  },
  unreadable: { zh: '这条消息无法识别（可能包含乱码或二进制内容），请用文字重新描述。', en: "I couldn't read that message (it looks like binary or garbled content). Please describe it in words." },
  searchFailed: { zh: '检索服务暂时不可用，请稍后再试。', en: 'The search service is unavailable right now. Please try again in a moment.' },
  internalError: { zh: '处理您的消息时出了问题，请稍后再试。', en: 'Something went wrong while handling your message. Please try again shortly.' },
  results: {
    zh: (total: number, from: number, to: number) => `找到 ${total} 件相关专利，以下是第 ${from}–${to} 件：`,
    en: (total: number, from: number, to: number) => `Found ${total} matching patents; showing ${from}–${to}:`,
  },
  partialResults: {
    zh: '没有同时包含全部关键词的专利，以下是只匹配部分关键词的结果。',
    en: 'No patent matches all of your words; these match some of them.',
  },
  noCloseMatch: {
    zh: (q: string) => `没有找到与“${q}”接近的专利。下面几件只是相关，不一定满足您的需求；也可以把需求发布给服务机构，由他们帮您寻找技术。`,
    en: (q: string) => `Nothing close to "${q}" was found. The few below are only related and may not meet your need; you can also post the need to the alliance's agencies, who will look for the technology for you.`,
  },
  relatedLabel: { zh: '相关（非直接匹配）', en: 'Related (not a close match)' },
  offerDemand: {
    zh: '如果这些都不合适，可以把您的需求发布给服务机构，由他们帮您对接技术。',
    en: 'If none of these fits, you can post your need to the alliance’s agencies and they will help you find the technology.',
  },
  narrowDown: {
    zh: (n: number) => `以上是最相关的 ${n} 件。加上省份、专利类型或更具体的词可以缩小范围。`,
    en: (n: number) => `These are the ${n} most relevant. Add a province, a patent type or more specific words to narrow the search.`,
  },
  resultsFilters: { zh: (f: string) => `筛选条件：${f}`, en: (f: string) => `Filters: ${f}` },
  noResults: {
    zh: (q: string) =>
      `没有找到与“${q}”匹配的专利。可以试试更宽泛的词（如把“锂电池隔膜”换成“电池”），或去掉省份、类型限制；也可以把需求发布给服务机构。`,
    en: (q: string) =>
      `No patents match "${q}". Try broader words (e.g. "battery" instead of "lithium battery separator") or drop the province or type filter; you can also post your need to the alliance's agencies.`,
  },
  noQuery: { zh: '请告诉我要检索的技术关键词，例如“锂电池”或“无人机”。', en: 'Tell me the technology to search for, e.g. "lithium battery" or "drone".' },
  notCovered: {
    zh: '您提到的省份不在本平台覆盖的中部六省（山西、河南、湖北、湖南、安徽、江西）范围内，以下结果不限省份。',
    en: 'The province you named is outside the six central provinces this platform covers (Shanxi, Henan, Hubei, Hunan, Anhui, Jiangxi); the results below are not limited by province.',
  },
  noMorePages: { zh: '没有更多结果了。', en: 'There are no more results.' },
  searchExpired: { zh: '上一次的检索已失效，请重新输入关键词。', en: 'That search has expired. Please type your keywords again.' },
  patentNotFound: {
    zh: (n: string) => `平台库中没有找到专利 ${n}。请核对号码，或发送关键词检索。`,
    en: (n: string) => `Patent ${n} is not in the platform's database. Please check the number, or search by keywords.`,
  },
  askNumber: { zh: '请发送专利号（如 CN117591160A）或申请号（如 202310557238.3）。', en: 'Please send the publication number (e.g. CN117591160A) or the application number (e.g. 202310557238.3).' },
  subscribed: { zh: '已订阅平台公告。随时发送“退订”即可取消。', en: 'You are subscribed to platform announcements. Send "unsubscribe" at any time to stop.' },
  alreadySubscribed: { zh: '您已经订阅了平台公告。', en: 'You are already subscribed to announcements.' },
  unsubscribed: { zh: '已退订，不会再向您推送公告。', en: 'Unsubscribed: you will not receive announcements any more.' },
  notSubscribed: { zh: '您目前没有订阅公告。', en: 'You are not subscribed to announcements.' },
  forgetAsk: {
    zh: '确认删除您在本平台的全部个人数据（语言设置、订阅、检索记录、关注的专利，博览会报名中的姓名、单位和联系方式，以及您提交的需求中的联系方式、需求描述和补充说明）吗？此操作不可撤销。',
    en: 'Delete all your personal data on this platform (language setting, subscription, search state, patents you marked, the name, organisation and contact details of your expo registrations, and the contact details, description and note of the requests you submitted)? This cannot be undone.',
  },
  forgotten: { zh: '您的个人数据已删除。再次发消息将作为新用户开始。', en: 'Your personal data has been deleted. Writing again starts afresh as a new user.' },
  forgetCancelled: { zh: '已取消，您的数据保持不变。', en: 'Cancelled; your data is unchanged.' },
  languageAsk: { zh: '请选择回复语言：', en: 'Choose the reply language:' },
  languageSet: { zh: '好的，之后我用中文回复。', en: 'OK, I will reply in English from now on.' },
  buttonExpired: { zh: '这个按钮已失效，请重新发起。', en: 'That button has expired; please start again.' },
  rateLimited: { zh: '消息太频繁了，请稍等片刻再发。', en: 'You are sending messages too quickly; please wait a moment.' },
  policyWhichProvince: {
    zh: '请问您想了解哪个省的专利转化政策？',
    en: 'Which province’s patent-conversion policies would you like to read about?',
  },
  policyNotCovered: {
    zh: '本平台只收录中部六省（山西、河南、湖北、湖南、安徽、江西）的政策，您问的省份不在其中。可以选择以下省份：',
    en: 'This platform covers the six central provinces only (Shanxi, Henan, Hubei, Hunan, Anhui, Jiangxi); the province you named is not among them. Choose one of these:',
  },
  policyNothing: {
    zh: (p: string) => `没有找到${p}与此相关、已核实的政策。可以查看该省已收录的政策，或把问题转给服务联盟的机构咨询。`,
    en: (p: string) => `No verified ${p} policy on file matches that. You can browse the policies on file for the province, or pass your question to an alliance agency.`,
  },
  policyList: { zh: (p: string) => `${p}已收录的政策：`, en: (p: string) => `Policies on file for ${p}:` },
  policySource: { zh: '来源', en: 'Source' },
  policyReported: { zh: '据报道', en: 'reported' },
  policyIssued: { zh: '发布日期', en: 'Issued' },
  policyChecked: { zh: '核对日期', en: 'Last checked' },
  btnMorePolicies: { zh: (p: string) => `更多${p}政策`, en: (p: string) => `More ${p} policies` },
  allianceIntro: {
    zh: '湖南知识产权服务联盟汇集信息、交易、代理、投资、维权五类机构，为企业提供估值、交易、咨询、维权全链条服务。',
    en: 'The Hunan IP Service Alliance brings together agencies in five fields — IP information, trading, agency (attorneys), investment and enforcement — for valuation, trading, consultation and enforcement.',
  },
  allianceMatches: { zh: (n: number) => `符合条件的成员机构（${n} 家）：`, en: (n: number) => `Member agencies that match (${n}):` },
  allianceNone: { zh: '没有符合条件的成员机构；以下是全部成员：', en: 'No member agency matches that; here are all members:' },
  allianceSample: { zh: '（示例数据，运营方将替换为真实成员）', en: '(sample data; the operator replaces it with the real members)' },
  expoNone: { zh: '目前没有已公布的博览会届次。', en: 'No upcoming expo edition has been announced.' },
  expoSample: { zh: '（示例数据：日期、场馆与名额为占位信息，以组委会公布为准）', en: '(sample data: dates, venue and capacity are placeholders until the organisers publish them)' },
  expoWhen: { zh: '时间', en: 'Dates' },
  expoWhere: { zh: '地点', en: 'Venue' },
  expoCapacity: { zh: '名额', en: 'Places' },
  expoTickets: { zh: '门票', en: 'Tickets' },
  expoCheckIn: {
    zh: (starts: string, tickets: string) => `入场签到：${starts} 开幕当天起；${tickets}。具体签到时间以组委会通知为准。`,
    en: (starts: string, tickets: string) => `Check-in: from the opening day, ${starts}; ${tickets}. The organisers announce the exact check-in hours.`,
  },
  expoSchedule: { zh: '日程', en: 'Programme' },
  expoRegOpen: { zh: (closes: string) => `报名进行中，截止 ${closes}。`, en: (closes: string) => `Registration is open until ${closes}.` },
  expoRegNotOpen: { zh: (opens: string) => `报名将于 ${opens} 开始。`, en: (opens: string) => `Registration opens on ${opens}.` },
  expoRegClosed: { zh: '报名已截止。', en: 'Registration has closed.' },
  expoLater: { zh: '之后的届次：', en: 'Later editions:' },
  regNoneOpen: { zh: '目前没有正在报名的博览会。', en: 'No expo edition is open for registration right now.' },
  regWhich: { zh: '有多届博览会正在报名，请选择：', en: 'Several editions are open; which one?' },
  regAskName: {
    zh: (expo: string) => `报名「${expo}」。随时发送“取消”可退出。\n第 1/5 步：请输入您的姓名。`,
    en: (expo: string) => `Registering for "${expo}". Send "cancel" at any time to stop.\nStep 1/5: your name?`,
  },
  regBadName: { zh: '姓名需为 2–40 个字符，请重新输入。', en: 'A name has 2–40 characters; please type it again.' },
  regAskOrg: { zh: '第 2/5 步：您的单位或公司名称？（个人参加可填“个人”）', en: 'Step 2/5: your organisation or company? (write "individual" if none)' },
  regBadOrg: { zh: '单位名称需为 2–80 个字符，请重新输入。', en: 'An organisation name has 2–80 characters; please type it again.' },
  regAskRole: { zh: '第 3/5 步：您以什么身份参加？', en: 'Step 3/5: in what role will you attend?' },
  regBadRole: { zh: '请点选下面的一个身份。', en: 'Please choose one of the roles below.' },
  regAskContact: { zh: '第 4/5 步：请留下手机号（大陆 11 位）或电子邮箱。', en: 'Step 4/5: a mobile number (mainland China, 11 digits) or an e-mail address?' },
  regBadContact: { zh: '没有识别出手机号或邮箱。手机号示例：13812345678；邮箱示例：name@example.com。', en: 'That is neither a mobile number nor an e-mail address. Examples: 13812345678, name@example.com.' },
  regAskConsent: {
    zh: '第 5/5 步：您是否同意平台保存以上信息用于本届博览会报名，并接收博览会通知？（可随时发送“删除我的信息”删除）',
    en: 'Step 5/5: do you agree that the platform stores these details for this expo registration and sends you expo notices? (You can delete them at any time with "forget me".)',
  },
  regNoConsent: { zh: '未获同意，报名已取消，您的信息未保存。', en: 'Without your consent nothing was stored; the registration is cancelled.' },
  regSummary: {
    zh: (expo: string, name: string, org: string, role: string, contact: string) => `请确认：\n博览会：${expo}\n姓名：${name}\n单位：${org}\n身份：${role}\n联系方式：${contact}`,
    en: (expo: string, name: string, org: string, role: string, contact: string) => `Please confirm:\nExpo: ${expo}\nName: ${name}\nOrganisation: ${org}\nRole: ${role}\nContact: ${contact}`,
  },
  regUseButtons: { zh: '请点“确认”或“取消”。', en: 'Please press "Confirm" or "Cancel".' },
  regLeft: { zh: '已退出报名，未保存任何信息。', en: 'Registration stopped; nothing was stored.' },
  regExpired: { zh: '报名对话已超时，请重新发起。', en: 'The registration dialogue timed out; please start again.' },
  regConfirmed: {
    zh: (expo: string, code: string) => `报名成功！「${expo}」确认码：${code}\n请凭确认码入场；发送“我的报名”可随时查看。`,
    en: (expo: string, code: string) => `You are registered for "${expo}". Confirmation code: ${code}\nShow it at the entrance; send "my registrations" to see it again.`,
  },
  regWaitlisted: {
    zh: (expo: string, pos: number, code: string) => `「${expo}」名额已满，您已进入候补名单第 ${pos} 位（编号 ${code}）。有人取消时将自动为您递补并通知您。`,
    en: (expo: string, pos: number, code: string) => `"${expo}" is full; you are number ${pos} on the waitlist (reference ${code}). If someone cancels you move up automatically and we will tell you.`,
  },
  regExists: {
    zh: (expo: string, status: string, code: string) => `您已报名「${expo}」（${status}，编号 ${code}），无需重复报名。`,
    en: (expo: string, status: string, code: string) => `You are already registered for "${expo}" (${status}, reference ${code}).`,
  },
  regClosedNow: { zh: '该届报名已截止，未能登记。', en: 'Registration for that edition has just closed; nothing was stored.' },
  regPromoted: {
    zh: (expo: string, code: string) => `好消息：有人取消了报名，您已从候补转为「${expo}」正式参会，确认码：${code}。`,
    en: (expo: string, code: string) => `Good news: a place came free and your registration for "${expo}" is now confirmed. Confirmation code: ${code}.`,
  },
  regReminder: {
    zh: (expo: string, day: string, where: string, code: string) => `提醒：「${expo}」明天（${day}）开幕，地点：${where}。请凭确认码 ${code} 入场。`,
    en: (expo: string, day: string, where: string, code: string) => `Reminder: "${expo}" opens tomorrow (${day}) at ${where}. Your confirmation code is ${code}.`,
  },
  regMineNone: { zh: '您还没有博览会报名。发送“报名博览会”开始。', en: 'You have no expo registrations. Send "register for the expo" to start.' },
  regMine: { zh: '您的博览会报名：', en: 'Your expo registrations:' },
  regCancelNone: { zh: '您没有可以取消的报名。', en: 'You have no registration to cancel.' },
  regCancelAsk: { zh: (expo: string, code: string) => `确认取消「${expo}」的报名（编号 ${code}）吗？`, en: (expo: string, code: string) => `Cancel your registration for "${expo}" (reference ${code})?` },
  regCancelWhich: { zh: '请选择要取消的报名：', en: 'Which registration do you want to cancel?' },
  regCancelled: { zh: (expo: string) => `已取消「${expo}」的报名。`, en: (expo: string) => `Your registration for "${expo}" is cancelled.` },
  regSeatPassed: { zh: '您的名额已自动递补给候补名单上的下一位。', en: 'Your place has gone to the next person on the waitlist.' },
  statusConfirmed: { zh: '已确认', en: 'confirmed' },
  statusWaitlisted: { zh: (n: number) => `候补第 ${n} 位`, en: (n: number) => `waitlist #${n}` },
  statusCancelled: { zh: '已取消', en: 'cancelled' },
  btnConfirm: { zh: '确认', en: 'Confirm' },
  btnAgree: { zh: '同意', en: 'I agree' },
  btnDisagree: { zh: '不同意', en: 'No' },
  btnCancelReg: { zh: '取消报名', en: 'Cancel registration' },
  btnRegister: { zh: '立即报名', en: 'Register' },
  // Labels
  btnDetail: { zh: '详情', en: 'Details' },
  btnInterest: { zh: '我感兴趣', en: "I'm interested" },
  btnMore: { zh: '下一页', en: 'Next page' },
  btnHelp: { zh: '帮助', en: 'Help' },
  btnSubscribe: { zh: '订阅公告', en: 'Subscribe' },
  btnConfirmDelete: { zh: '确认删除', en: 'Yes, delete' },
  btnCancel: { zh: '取消', en: 'Cancel' },
  fApplicant: { zh: '申请人', en: 'Applicant' },
  fProvince: { zh: '省份', en: 'Province' },
  fType: { zh: '类型', en: 'Type' },
  fStatus: { zh: '法律状态', en: 'Legal status' },
  fPublished: { zh: '公开日', en: 'Published' },
  fApplication: { zh: '申请号', en: 'Application no.' },
  fInventors: { zh: '发明人', en: 'Inventors' },
  fGranted: { zh: '授权公告日', en: 'Granted' },
  /** The invention's other publication (the application of a granted one), on its card and in its details. */
  alsoPublished: { zh: (numbers: string) => `另见公开号 ${numbers}`, en: (numbers: string) => `Also published as ${numbers}` },
  fIpc: { zh: 'IPC', en: 'IPC' },
  fYear: { zh: '年份', en: 'Year' },
  fTrade: { zh: '交易方式', en: 'Open to' },
  fAbstract: { zh: '摘要', en: 'Abstract' },
  unknownValue: { zh: '未载明', en: 'not stated' },
  demoNote: { zh: '（演示数据）', en: '(demo data)' },
  zhOnly: { zh: '', en: '(abstract in Chinese)' },
} satisfies Record<string, Pair<Msg>>;

export type StringKey = keyof typeof STRINGS;

export function t<K extends StringKey>(locale: Locale, key: K): (typeof STRINGS)[K]['zh'] {
  return STRINGS[key][locale] as (typeof STRINGS)[K]['zh'];
}

export const TYPE_LABEL: Record<string, Pair<string>> = {
  invention: { zh: '发明', en: 'Invention' },
  utility_model: { zh: '实用新型', en: 'Utility model' },
  design: { zh: '外观设计', en: 'Design' },
};

export const TRADE_LABEL: Record<string, Pair<string>> = {
  transfer: { zh: '转让', en: 'transfer' },
  license: { zh: '许可', en: 'licence' },
  pledge: { zh: '质押融资', en: 'pledge financing' },
  cooperate: { zh: '合作开发', en: 'co-development' },
  invest: { zh: '作价入股', en: 'equity investment' },
};

/** CNIPA legal-status phrases as the corpus writes them (有权-审定授权 …), for English readers. */
export const LEGAL_STATUS_EN: Record<string, string> = {
  有权: 'in force',
  无权: 'not in force',
  审中: 'pending',
  授权: 'granted',
  审定授权: 'granted',
  实质审查: 'substantive examination',
  公开: 'published',
  驳回: 'rejected',
  撤回: 'withdrawn',
  视为撤回: 'deemed withdrawn',
  放弃: 'abandoned',
  期限届满: 'expired',
  未缴年费: 'annual fee unpaid',
  权利终止: 'terminated',
  转让: 'transferred',
  许可: 'licensed',
  质押: 'pledged',
};

export function legalStatusLabel(status: string | null, locale: Locale): string {
  if (!status) return t(locale, 'unknownValue');
  if (locale === 'zh') return status;
  const parts = status.split(/[-－—,，、;；]/).map((p) => p.trim()).filter(Boolean);
  const en = parts.map((p) => LEGAL_STATUS_EN[p]);
  return en.every(Boolean) ? `${en.join(' – ')} (${status})` : status;
}

export const FIELD_LABEL: Record<string, Pair<string>> = {
  information: { zh: '知识产权信息', en: 'IP information' },
  trading: { zh: '知识产权交易', en: 'IP trading' },
  agency: { zh: '知识产权代理', en: 'IP agency (attorneys)' },
  investment: { zh: '投资', en: 'investment' },
  protection: { zh: '维权保护', en: 'IP protection' },
};

export const ROLE_LABEL: Record<string, Pair<string>> = {
  patentee: { zh: '专利权人', en: 'Patentee' },
  buyer: { zh: '技术需求方/买方', en: 'Buyer' },
  investor: { zh: '投资方', en: 'Investor' },
  agency: { zh: '服务机构', en: 'Agency' },
  visitor: { zh: '观众', en: 'Visitor' },
  exhibitor: { zh: '参展商', en: 'Exhibitor' },
};

