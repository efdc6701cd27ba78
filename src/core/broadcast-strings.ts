/** Sentences of organiser broadcasts, in both languages; typed like strings.ts. */
import type { Locale } from './types.js';

type Msg = string | ((...args: never[]) => string);
type Pair<M extends Msg> = { zh: M; en: M };

const n = (x: number) => x.toLocaleString('en-US');
const duration = (ms: number, zh: boolean) => {
  const s = Math.round(ms / 1000);
  const m = Math.floor(s / 60);
  return zh ? (m ? `${m} 分 ${s % 60} 秒` : `${s} 秒`) : m ? `${m} min ${s % 60} s` : `${s} s`;
};

export const BROADCAST_STRINGS = {
  notOrganiser: { zh: '只有博览会组织者可以群发公告。组织者请先用邀请码加入（/join 邀请码）。', en: 'Only expo organisers can broadcast. Organisers join with an invite code first (/join CODE).' },
  askAudience: { zh: (expo: string) => `群发给谁？（${expo}）`, en: (expo: string) => `Who should receive it? (${expo})` },
  audConfirmed: { zh: '已确认的报名者', en: 'Confirmed registrants' },
  audWaitlisted: { zh: '候补名单', en: 'Waitlist' },
  audActive: { zh: '全部报名者（含候补）', en: 'All registrants (incl. waitlist)' },
  audSubscribers: { zh: '所有订阅公告的用户', en: 'All subscribers' },
  askRole: { zh: '只发给某一身份吗？', en: 'Only one role?' },
  allRoles: { zh: '所有身份', en: 'All roles' },
  askZh: { zh: '请发送中文内容（不需要中文版请点“跳过”）。', en: 'Send the Chinese text (press Skip if there is none).' },
  askEn: { zh: '请发送英文内容（不需要英文版请点“跳过”）。', en: 'Send the English text (press Skip if there is none).' },
  needOneText: { zh: '至少需要中文或英文内容之一。请发送中文内容。', en: 'At least one of the Chinese and English texts is needed. Send the Chinese text.' },
  badText: { zh: '内容需为 1–3000 个字。', en: 'The text must be 1–3000 characters.' },
  askLink: { zh: '附加一个链接按钮吗？发送以 https:// 开头的网址，或点“跳过”。', en: 'Add a link button? Send an address starting with https://, or press Skip.' },
  badLink: { zh: '网址需以 http:// 或 https:// 开头，且不超过 500 个字符。', en: 'The address must start with http:// or https:// and be at most 500 characters.' },
  linkLabel: { zh: '了解详情', en: 'Learn more' },
  footer: { zh: '—— 如不想再收到平台公告，请发送“退订”。', en: '— To stop these announcements, send "unsubscribe".' },
  btnUnsubscribe: { zh: '退订公告', en: 'Unsubscribe' },
  preview: {
    zh: (recipients: string, unsub: number, noPush: number) =>
      `预览如下（收件人看到的就是这样）。\n收件人：${recipients}；已退订不发送 ${n(unsub)} 人；仅用网页聊天、无法推送 ${n(noPush)} 人。\n确认发送吗？`,
    en: (recipients: string, unsub: number, noPush: number) =>
      `Preview below (exactly what recipients see).\nRecipients: ${recipients}; unsubscribed, not sent: ${n(unsub)}; web chat only, cannot be pushed: ${n(noPush)}.\nSend it?`,
  },
  previewOf: { zh: (l: string) => `【${l}版】`, en: (l: string) => `[${l} version]` },
  btnSend: { zh: '确认发送', en: 'Send' },
  btnCancel: { zh: '取消', en: 'Cancel' },
  btnSkip: { zh: '跳过', en: 'Skip' },
  btnStop: { zh: '停止群发', en: 'Stop the broadcast' },
  noRecipients: { zh: '这个范围内没有可推送的收件人，未创建群发。', en: 'No one in that audience can be reached; nothing was created.' },
  left: { zh: '已取消，未发送任何内容。', en: 'Cancelled; nothing was sent.' },
  started: { zh: (id: number, total: number) => `群发 #${id} 已开始，共 ${n(total)} 位收件人。进度会在下方更新。`, en: (id: number, total: number) => `Broadcast #${id} started for ${n(total)} recipients. Progress follows below.` },
  progress: {
    zh: (id: number, done: number, total: number, sent: number, unreachable: number, failed: number, skipped: number) =>
      `群发 #${id} 进度：${n(done)} / ${n(total)}（${total ? Math.floor((done / total) * 100) : 100}%）\n已送达 ${n(sent)} · 无法送达 ${n(unreachable)} · 失败 ${n(failed)} · 已退订跳过 ${n(skipped)}`,
    en: (id: number, done: number, total: number, sent: number, unreachable: number, failed: number, skipped: number) =>
      `Broadcast #${id}: ${n(done)} / ${n(total)} (${total ? Math.floor((done / total) * 100) : 100}%)\ndelivered ${n(sent)} · unreachable ${n(unreachable)} · failed ${n(failed)} · unsubscribed, skipped ${n(skipped)}`,
  },
  summary: {
    zh: (id: number, sent: number, unreachable: number, failed: number, skipped: number, cancelled: number, ms: number) =>
      `群发 #${id} ${cancelled ? '已停止' : '已完成'}：送达 ${n(sent)}，无法送达 ${n(unreachable)}，失败 ${n(failed)}，已退订跳过 ${n(skipped)}${cancelled ? `，未发送 ${n(cancelled)}` : ''}，用时 ${duration(ms, true)}。`,
    en: (id: number, sent: number, unreachable: number, failed: number, skipped: number, cancelled: number, ms: number) =>
      `Broadcast #${id} ${cancelled ? 'stopped' : 'finished'}: delivered ${n(sent)}, unreachable ${n(unreachable)}, failed ${n(failed)}, unsubscribed and skipped ${n(skipped)}${cancelled ? `, not sent ${n(cancelled)}` : ''}, in ${duration(ms, false)}.`,
  },
  cancelDone: { zh: (id: number) => `群发 #${id} 已停止，尚未发送的不再发送。`, en: (id: number) => `Broadcast #${id} stopped; nothing more will be sent.` },
  cancelGone: { zh: '这次群发已经结束或不存在。', en: 'That broadcast has already ended or does not exist.' },
} satisfies Record<string, Pair<Msg>>;

export function bt<K extends keyof typeof BROADCAST_STRINGS>(locale: Locale, key: K): (typeof BROADCAST_STRINGS)[K]['zh'] {
  return BROADCAST_STRINGS[key][locale] as (typeof BROADCAST_STRINGS)[K]['zh'];
}
