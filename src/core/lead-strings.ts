/** Sentences of the trade-lead flow (authors and agency staff), in both languages; typed like strings.ts. */
import type { LeadType } from './intents.js';
import type { Locale } from './types.js';

type Msg = string | ((...args: never[]) => string);
type Pair<M extends Msg> = { zh: M; en: M };

export const LEAD_TYPE_LABEL: Record<LeadType, Pair<string>> = {
  buy: { zh: '购买专利', en: 'Buy a patent' },
  license: { zh: '专利许可', en: 'License a patent' },
  invest: { zh: '投资项目', en: 'Invest' },
  cooperate: { zh: '技术合作', en: 'Cooperate' },
  sell: { zh: '出售专利', en: 'Sell a patent' },
  demand: { zh: '发布技术需求', en: 'Post a technology demand' },
  protect: { zh: '维权保护', en: 'IP protection' },
  consult: { zh: '咨询', en: 'Consultation' },
};

export const LEAD_STATUS_LABEL: Record<string, Pair<string>> = {
  new: { zh: '待分派', en: 'waiting for an agency' },
  notified: { zh: '已通知机构', en: 'sent to an agency' },
  claimed: { zh: '已认领', en: 'claimed' },
  contacted: { zh: '已联系', en: 'contacted' },
  won: { zh: '已成交', en: 'won' },
  lost: { zh: '未成交', en: 'lost' },
};

const WHAT: Record<LeadType, Pair<string>> = {
  buy: { zh: '想购买哪项专利？请发送专利号，或描述您需要的技术。', en: 'Which patent would you like to buy? Send its number, or describe the technology you need.' },
  license: { zh: '想许可（或获得许可）哪项专利？请发送专利号，或描述技术。', en: 'Which patent is the licence about? Send its number, or describe the technology.' },
  invest: { zh: '想投资什么项目或技术？请发送专利号或简要描述。', en: 'What project or technology would you like to invest in? Send a patent number or a short description.' },
  cooperate: { zh: '想在哪方面开展技术合作？请简要描述。', en: 'What kind of technical cooperation are you looking for? Please describe it briefly.' },
  sell: { zh: '想出售哪项专利？请发送专利号，或描述技术。', en: 'Which patent would you like to sell? Send its number, or describe the technology.' },
  demand: { zh: '请描述您需要的技术（用途、指标、应用场景）。', en: 'Describe the technology you need (purpose, specifications, where it will be used).' },
  protect: { zh: '请描述侵权情况：涉及哪项专利、发生了什么。', en: 'Describe the infringement: which patent, and what happened.' },
  consult: { zh: '请写下您想咨询的问题。', en: 'Please write the question you would like to ask.' },
};

export const LEAD_STRINGS = {
  askType: { zh: '您希望服务机构帮您做什么？', en: 'What would you like an alliance agency to help you with?' },
  askWhat: { zh: (t: LeadType) => WHAT[t].zh, en: (t: LeadType) => WHAT[t].en },
  badWhat: { zh: '请用 4–500 个字描述，或发送专利号。', en: 'Please describe it in 4–500 characters, or send a patent number.' },
  askProvince: { zh: '这件事与哪个省有关？该省的机构会优先对接。', en: 'Which province is this about? Agencies there will be asked first.' },
  anyProvince: { zh: '不限', en: 'Any' },
  badProvince: { zh: '请从中部六省中选择，或选择“不限”。', en: 'Please choose one of the six provinces, or "Any".' },
  askContact: { zh: '机构怎么联系您？请发送大陆手机号或电子邮箱。', en: 'How can the agency reach you? Send a mainland China mobile number or an e-mail address.' },
  badContact: { zh: '没有识别出手机号或邮箱。请发送 11 位大陆手机号（如 13800138000）或邮箱地址。', en: "That is not a mobile number or e-mail address I can use. Send an 11-digit mainland mobile number (e.g. 13800138000) or an e-mail address." },
  askNotes: { zh: '还有补充吗（预算、时间要求等）？直接输入，或点“跳过”。', en: 'Anything to add (budget, timing)? Type it, or press Skip.' },
  badNotes: { zh: '补充说明请控制在 500 字以内。', en: 'Please keep the note under 500 characters.' },
  askConsent: {
    zh: '是否同意把您的联系方式和需求提供给一家服务联盟成员机构，以便其与您联系？只有接手的机构能看到。',
    en: 'Do you agree that your contact details and request are shared with one member agency of the alliance so it can contact you? Only the agency that takes it on will see them.',
  },
  noConsent: { zh: '好的，未发送任何内容，您的联系方式也没有保存。', en: 'Understood: nothing was sent and your contact details were not kept.' },
  btnSkip: { zh: '跳过', en: 'Skip' },
  btnAgree: { zh: '同意', en: 'I agree' },
  btnDisagree: { zh: '不同意', en: 'I do not agree' },
  btnSend: { zh: '确认发送', en: 'Send' },
  btnCancel: { zh: '取消', en: 'Cancel' },
  left: { zh: '已取消，未发送任何内容。', en: 'Cancelled; nothing was sent.' },
  useButtons: { zh: '请点“确认发送”或“取消”。', en: 'Please press "Send" or "Cancel".' },
  summary: {
    zh: (type: string, what: string, province: string, contact: string, notes: string) =>
      `请确认：\n类型：${type}\n内容：${what}\n省份：${province}\n联系方式：${contact}${notes ? `\n补充：${notes}` : ''}\n确认后将发送给一家服务机构。`,
    en: (type: string, what: string, province: string, contact: string, notes: string) =>
      `Please confirm:\nType: ${type}\nRequest: ${what}\nProvince: ${province}\nContact: ${contact}${notes ? `\nNote: ${notes}` : ''}\nOnce confirmed it goes to one alliance agency.`,
  },
  sent: {
    zh: (ref: string) => `已发送，编号 ${ref}。服务机构认领后我会告诉您由哪家机构与您联系（通常在 4 个工作小时内）。`,
    en: (ref: string) => `Sent. Your reference is ${ref}. When an agency takes it on I will tell you which one will contact you (usually within 4 working hours).`,
  },
  limit: {
    zh: (n: number) => `24 小时内最多提交 ${n} 条需求，您已达到上限。请等待机构联系，或明天再试。`,
    en: (n: number) => `You can submit at most ${n} requests in 24 hours and have reached that limit. Please wait for the agencies to reply, or try again tomorrow.`,
  },
  claimedNotice: {
    zh: (ref: string, agency: string) => `您的需求 ${ref} 已由“${agency}”接手，对方会尽快与您联系。`,
    en: (ref: string, agency: string) => `Your request ${ref} has been taken on by ${agency}; they will contact you soon.`,
  },
  patentUnknown: { zh: (n: string) => `平台库中没有 ${n}，将按您提供的号码转交。`, en: (n: string) => `${n} is not in the platform's database; it will be passed on as you wrote it.` },
  // staff side
  joinUsage: { zh: '请发送 /join 加上邀请码，例如 /join ABCDE-23456。', en: 'Send /join followed by your invite code, e.g. /join ABCDE-23456.' },
  joinInvalid: { zh: '邀请码无效（错误、已使用或已过期）。请向平台运营方索取新的邀请码。', en: 'That invite code is not valid (wrong, already used or expired). Ask the platform operator for a new one.' },
  joinedStaff: {
    zh: (a: string) => `欢迎！您已成为“${a}”的工作人员。请在机构的 Telegram 群或 Slack 频道里发送 /inbox（Slack：/patent inbox），该处即成为机构的线索收件箱。`,
    en: (a: string) => `Welcome! You are now staff of ${a}. Send /inbox in your agency's Telegram group (Slack: /patent inbox in its channel) to receive leads there.`,
  },
  joinedOrganiser: { zh: (e: string) => `欢迎！您已成为“${e}”的组织者。`, en: (e: string) => `Welcome! You are now an organiser of ${e}.` },
  joinAlready: { zh: '您已经加入过了，无需重复。', en: 'You have already joined; nothing changed.' },
  inboxNotStaff: { zh: '只有服务机构工作人员可以设置线索收件箱。请先用邀请码加入（/join 邀请码）。', en: 'Only agency staff can set a lead inbox. Join with an invite code first (/join CODE).' },
  inboxWhich: { zh: (slugs: string) => `您属于多家机构，请指明：/inbox ${slugs}`, en: (slugs: string) => `You belong to several agencies; say which: /inbox ${slugs}` },
  inboxBound: { zh: (a: string) => `此处已设为“${a}”的线索收件箱，新线索会发到这里。`, en: (a: string) => `This chat is now the lead inbox of ${a}; new leads will arrive here.` },
  noticeTitle: { zh: (ref: string, type: string) => `新线索 ${ref} · ${type}`, en: (ref: string, type: string) => `New lead ${ref} · ${type}` },
  fPatent: { zh: '专利', en: 'Patent' },
  fNeed: { zh: '需求', en: 'Request' },
  fProvince: { zh: '省份', en: 'Province' },
  fContact: { zh: '联系方式（提交人已同意提供）', en: 'Contact (shared with the author’s consent)' },
  fNotes: { zh: '补充', en: 'Note' },
  fDeadline: { zh: (d: string) => `请在 ${d}（北京时间）前认领，逾期将转给下一家机构。`, en: (d: string) => `Please claim by ${d} (China time); after that it goes to the next agency.` },
  fCoordinator: { zh: '各成员机构均未接手，请协调员处理。', en: 'No member agency took this on; over to the coordinator.' },
  btnClaim: { zh: '认领', en: 'Claim' },
  btnPass: { zh: '转给其他机构', en: 'Pass' },
  btnDetails: { zh: '专利详情', en: 'Patent details' },
  btnContacted: { zh: '已联系', en: 'Contacted' },
  btnWon: { zh: '已成交', en: 'Won' },
  btnLost: { zh: '未成交', en: 'Lost' },
  claimedBy: { zh: (who: string, at: string) => `✔ 已由 ${who} 认领（${at}）`, en: (who: string, at: string) => `✔ Claimed by ${who} (${at})` },
  statusLine: { zh: (s: string) => `状态：${s}`, en: (s: string) => `Status: ${s}` },
  passedOn: { zh: '已转给其他机构。', en: 'Passed on to another agency.' },
  expiredOn: { zh: '认领期限已过，已转给下一家机构。', en: 'Not claimed in time; passed on to the next agency.' },
  claimNotStaff: { zh: (a: string) => `只有“${a}”的工作人员可以处理这条线索。`, en: (a: string) => `Only staff of ${a} can act on this lead.` },
  claimTaken: { zh: (who: string) => `这条线索已由 ${who} 认领。`, en: (who: string) => `This lead has already been claimed by ${who}.` },
  claimGone: { zh: '这条线索已不在本机构的待认领列表中。', en: 'This lead is no longer open for your agency.' },
  statusUsage: { zh: '用法：/lead 编号 contacted|won|lost，例如 /lead L-7K3M9Q won', en: 'Usage: /lead REF contacted|won|lost, e.g. /lead L-7K3M9Q won' },
  statusNotYours: { zh: '没有找到由您的机构认领的这条线索。', en: 'No lead with that reference is claimed by your agency.' },
  statusBad: { zh: (from: string, to: string) => `不能从“${from}”改为“${to}”。`, en: (from: string, to: string) => `The status cannot go from ${from} to ${to}.` },
  statusDone: { zh: (ref: string, s: string) => `${ref} 状态已更新为：${s}`, en: (ref: string, s: string) => `${ref} is now: ${s}` },
  consoleNotStaff: { zh: '控制台供服务机构工作人员和博览会组织者使用。请先用邀请码加入（/join 邀请码）。', en: 'The console is for agency staff and expo organisers. Join with an invite code first (/join CODE).' },
  consolePrivate: { zh: '登录链接只在私聊中发送，请私聊我发送 /console。', en: 'Sign-in links are only sent in a private chat: send /console to me directly.' },
  consoleOff: { zh: '控制台尚未开放。', en: 'The console is not available.' },
  consoleLink: { zh: (url: string, what: string) => `${what}的控制台登录链接（10 分钟内有效，仅可使用一次，请勿转发）：\n${url}`, en: (url: string, what: string) => `Console sign-in link for ${what} (valid for 10 minutes, works once; do not forward it):\n${url}` },
  someone: { zh: '一位同事', en: 'a colleague' },
} satisfies Record<string, Pair<Msg>>;

export function lt<K extends keyof typeof LEAD_STRINGS>(locale: Locale, key: K): (typeof LEAD_STRINGS)[K]['zh'] {
  return LEAD_STRINGS[key][locale] as (typeof LEAD_STRINGS)[K]['zh'];
}
