/**
 * One model budget per inbound message (LLM_MESSAGE_BUDGET_MS). The pipeline starts it when it
 * begins handling a message and passes it down; every model call for that message (understanding,
 * query rewrite, policy answer) and every retry of those calls takes its timeout from what is left,
 * so a hanging model costs one budget per message, not one timeout per call. Once it is spent no
 * further call starts and the caller uses its offline answer.
 */

/** Below this, a call could not finish anyway: it is not started. */
export const MIN_CALL_MS = 100;

export class LlmDeadline {
  private readonly at: number;

  /** `now` is a monotonic millisecond clock (injected in tests). */
  constructor(
    budgetMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.at = now() + budgetMs;
  }

  /** Milliseconds left, never negative. */
  remaining(): number {
    return Math.max(0, this.at - this.now());
  }

  /** Whether another call (or retry) may start. */
  get spent(): boolean {
    return this.remaining() < MIN_CALL_MS;
  }

  /** The timeout for one attempt: the per-call limit or what is left, whichever is shorter. */
  timeoutFor(perCallMs: number): number {
    return Math.max(1, Math.floor(Math.min(perCallMs, this.remaining())));
  }
}
