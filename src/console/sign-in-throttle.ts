/**
 * Slows down guessing at console sign-in, per client address: the first FREE_FAILURES wrong
 * tokens or dead links in a row are just refused; after that each failure locks the address out
 * for twice as long as the one before (1 s, 2 s, 4 s … at most 15 minutes), and a sign-in attempted
 * while locked out is answered 429 with Retry-After without being checked. A success clears the
 * address; so does a quiet FORGET_MS after its last failure. In process memory and bounded (the
 * oldest addresses go first beyond MAX_ADDRESSES): a replica counts its own attempts.
 */
export const FREE_FAILURES = 5;
export const MAX_LOCK_MS = 15 * 60_000;
const FORGET_MS = 60 * 60_000;
const MAX_ADDRESSES = 10_000;

export class SignInThrottle {
  private readonly failures = new Map<string, { count: number; lockedUntil: number; last: number }>();

  constructor(private readonly clock: () => Date = () => new Date()) {}

  /** Milliseconds this address must still wait before its next attempt is checked (0: go ahead). */
  wait(address: string): number {
    const f = this.current(address);
    return f ? Math.max(0, f.lockedUntil - this.clock().getTime()) : 0;
  }

  fail(address: string): void {
    const now = this.clock().getTime();
    const f = this.current(address) ?? { count: 0, lockedUntil: 0, last: now };
    f.count += 1;
    f.last = now;
    if (f.count > FREE_FAILURES) f.lockedUntil = now + Math.min(MAX_LOCK_MS, 1000 * 2 ** Math.min(30, f.count - FREE_FAILURES - 1));
    this.failures.delete(address); // re-insert: the map's order is the order of last failure
    this.failures.set(address, f);
    if (this.failures.size > MAX_ADDRESSES) this.failures.delete(this.failures.keys().next().value!);
  }

  succeed(address: string): void {
    this.failures.delete(address);
  }

  private current(address: string) {
    const f = this.failures.get(address);
    if (f && this.clock().getTime() - f.last > FORGET_MS && this.clock().getTime() >= f.lockedUntil) {
      this.failures.delete(address);
      return undefined;
    }
    return f;
  }
}
