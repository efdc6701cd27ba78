/** Which messages leave an open dialogue (a clear new request) and which stay its answer (the offline classifier decides the first). */
import { describe, expect, it } from 'vitest';
import type { HandlerContext } from '../../src/handlers/context.js';
import { leaveDialogue } from '../../src/handlers/dialogue-exit.js';
import { classify } from '../../src/nlu/classify.js';
import type { ConversationState } from '../../src/services/user-store.js';

const now = new Date('2026-11-21T08:00:00Z');
const at = new Date(now.getTime() - 60_000).toISOString();
function ctxWith(state: ConversationState): HandlerContext {
  return { state, locale: 'zh' } as unknown as HandlerContext;
}
const lead = (step: NonNullable<ConversationState['lead']>['step']): ConversationState => ({ lead: { step, at, type: 'buy', need: '求购污水处理技术' } });
const reg = (step: NonNullable<ConversationState['registration']>['step']): ConversationState => ({ registration: { step, at, expoSlug: 'expo-2026-wuhan' } });

describe('leaving a dialogue', () => {
  it('leaves the lead dialogue for a registration, an expo question or forget me, saying so', () => {
    for (const text of ['我要报名', '博览会在哪举办', '删除我的信息']) {
      const ctx = ctxWith(lead('province'));
      expect(leaveDialogue(ctx, text, classify, now)?.text, text).toMatch(/已退出需求对话/);
      expect(ctx.state.lead).toBeUndefined();
    }
    const ctx = ctxWith(reg('contact'));
    expect(leaveDialogue(ctx, '我想购买专利CN117591160A', classify, now)).toBeUndefined(); // any text with a patent number counts as an answer (the lead's 'what' step takes one), so it is re-asked, not left
    expect(leaveDialogue(ctxWith(reg('contact')), '湖北的专利质押融资政策', classify, now)?.text).toMatch(/已退出报名对话/);
  });

  it('keeps answers: provinces, 不限, names, organisations, roles, contacts, yes/no, lead types, and asking for the same thing', () => {
    const stays: [ConversationState, string][] = [
      [lead('province'), '湖南'],
      [lead('province'), '长沙市'],
      [lead('province'), '不限'],
      [lead('contact'), '13812345678'],
      [lead('consent'), '同意'],
      [lead('type'), '我想购买专利'],
      [lead('what'), '求购锂电池回收技术'],
      [reg('name'), '张三'],
      [reg('name'), '我要报名'],
      [reg('org'), '湖北省知识产权局'],
      [reg('role'), 'investor'],
      [reg('contact'), 'wang.wu@example.com'],
    ];
    for (const [state, text] of stays) {
      const ctx = ctxWith(state);
      expect(leaveDialogue(ctx, text, classify, now), text).toBeUndefined();
      expect(ctx.state, text).toEqual(state);
    }
  });

  it('does nothing without an open dialogue, or once it has expired', () => {
    expect(leaveDialogue(ctxWith({}), '我要报名', classify, now)).toBeUndefined();
    const old = { lead: { step: 'province' as const, at: new Date(now.getTime() - 31 * 60_000).toISOString(), type: 'buy' as const } };
    expect(leaveDialogue(ctxWith(old), '我要报名', classify, now)).toBeUndefined();
  });
});
