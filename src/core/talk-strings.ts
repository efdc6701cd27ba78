/**
 * Sentences of the conversation around the tasks: small talk, platform FAQ, the hand-over to a
 * person, "my leads", leaving a dialogue, the privacy link, the CNIPA link; typed like strings.ts.
 */
import type { Locale } from './types.js';

type Msg = string | ((...args: never[]) => string);
type Pair<M extends Msg> = { zh: M; en: M };

export const TALK_STRINGS = {
  thanks: { zh: '不客气！还有什么需要，随时告诉我。', en: "You're welcome! Tell me any time if there is anything else." },
  bye: { zh: '再见，欢迎随时回来！', en: 'Goodbye, and come back any time!' },
  faqSources: { zh: '来源', en: 'Sources' },
  faqChecked: { zh: '核对日期', en: 'Last checked' },
  faqSample: { zh: '（示例数据，运营方将替换为真实信息）', en: '(sample data; the operator replaces it with the real details)' },
  handover: {
    zh: '好的，我把您转给服务联盟的工作人员（一家成员机构，无人接手时由联盟协调员处理），并附上本次对话的摘要。还需要几项信息，以便他们联系您：',
    en: "Certainly: I will hand you over to the alliance's staff (a member agency, or the alliance coordinator when none takes it on), with a short summary of this conversation. A few details so they can reach you:",
  },
  handoverSummary: { zh: '转人工客服', en: 'Asked to talk to a person' },
  handoverLastSearch: { zh: '最近检索', en: 'Last search' },
  handoverPolicy: { zh: '政策问题', en: 'Policy question' },
  myLeads: { zh: '您提交的需求：', en: 'Requests you submitted:' },
  myLeadsNone: { zh: '您还没有提交过需求。', en: 'You have not submitted any requests.' },
  leftRegistration: { zh: '（已退出报名对话，未保存任何信息。）', en: '(I left the registration dialogue; nothing was stored.)' },
  leftLead: { zh: '（已退出需求对话，未发送任何内容。）', en: '(I left the request dialogue; nothing was sent.)' },
  privacyLink: { zh: '隐私说明', en: 'Privacy notice' },
  cnipaLink: { zh: '在国家知识产权局核实', en: 'Check at CNIPA' },
  newChat: { zh: '新对话已开始。之前的报名和需求仍然保留，发送“我的报名”可以查看。', en: 'A new conversation has started. Your earlier registrations and requests are kept; send "my registrations" to see them.' },
} satisfies Record<string, Pair<Msg>>;

export function tt<K extends keyof typeof TALK_STRINGS>(locale: Locale, key: K): (typeof TALK_STRINGS)[K]['zh'] {
  return TALK_STRINGS[key][locale] as (typeof TALK_STRINGS)[K]['zh'];
}
