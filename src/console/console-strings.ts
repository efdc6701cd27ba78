/** Console wording in both languages; typed like strings.ts. */
import type { Locale } from '../core/types.js';

const S = {
  title: { zh: '运营控制台', en: 'Operator console' },
  navDashboard: { zh: '概览', en: 'Dashboard' },
  navLeads: { zh: '线索', en: 'Leads' },
  navRegistrations: { zh: '报名', en: 'Registrations' },
  navBroadcasts: { zh: '群发', en: 'Broadcasts' },
  navPatents: { zh: '专利数据', en: 'Patents' },
  signOut: { zh: '退出', en: 'Sign out' },
  signIn: { zh: '登录', en: 'Sign in' },
  signInHelp: { zh: '运营人员请输入 ADMIN_TOKEN；服务机构工作人员和博览会组织者请在聊天中向机器人发送 /console 获取一次性登录链接。', en: 'Operators: enter ADMIN_TOKEN. Agency staff and expo organisers: send /console to the bot in chat for a one-time sign-in link.' },
  token: { zh: '管理令牌', en: 'Admin token' },
  badToken: { zh: '令牌不正确。', en: 'That token is not right.' },
  linkInvalid: { zh: '登录链接无效或已过期，请在聊天中重新发送 /console。', en: 'That sign-in link is invalid or has expired; send /console in chat for a new one.' },
  forbidden: { zh: '您没有权限查看此页面。', en: 'You are not allowed to see this page.' },
  csrf: { zh: '表单已过期，请刷新页面后重试。', en: 'The form has expired; reload the page and try again.' },
  signedInAs: { zh: (w: string) => `已登录：${w}`, en: (w: string) => `Signed in: ${w}` },
  operator: { zh: '运营人员', en: 'operator' },
  filter: { zh: '筛选', en: 'Filter' },
  all: { zh: '全部', en: 'All' },
  none: { zh: '暂无', en: 'None' },
  ref: { zh: '编号', en: 'Ref' },
  created: { zh: '提交时间', en: 'Created' },
  type: { zh: '类型', en: 'Type' },
  province: { zh: '省份', en: 'Province' },
  status: { zh: '状态', en: 'Status' },
  agency: { zh: '机构', en: 'Agency' },
  age: { zh: '已过', en: 'Age' },
  actions: { zh: '操作', en: 'Actions' },
  audit: { zh: '变更记录', en: 'Audit trail' },
  back: { zh: '返回', en: 'Back' },
  claim: { zh: '认领', en: 'Claim' },
  pass: { zh: '转给其他机构', en: 'Pass' },
  done: { zh: '已完成。', en: 'Done.' },
  notAllowed: { zh: '只有认领机构的工作人员可以这样操作。', en: 'Only staff of the agency holding the lead can do that.' },
} as const;

export type ConsoleKey = keyof typeof S;
export function ct<K extends ConsoleKey>(locale: Locale, key: K): (typeof S)[K]['zh'] {
  return S[key][locale] as (typeof S)[K]['zh'];
}
