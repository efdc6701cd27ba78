/**
 * The Lark SDK's token cache, one per client. The SDK's default is a module-wide map shared by every
 * Client in the process, and it has no way to drop a token Feishu has stopped accepting: this one
 * is ours, so `clear()` makes the next call fetch a fresh tenant_access_token (after 99991663).
 */
import type { Cache } from '@larksuiteoapi/node-sdk';

export class FeishuTokenCache implements Cache {
  private readonly values = new Map<string, { value: unknown; expiresAt?: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  // eslint-disable-next-line @typescript-eslint/no-wrapper-object-types -- the SDK's own signature
  async set(key: string | Symbol, value: unknown, expiresAt?: number, options?: { namespace?: string }): Promise<boolean> {
    this.values.set(`${options?.namespace ?? ''}/${String(key)}`, { value, ...(expiresAt ? { expiresAt } : {}) });
    return true;
  }

  // eslint-disable-next-line @typescript-eslint/no-wrapper-object-types -- the SDK's own signature
  async get(key: string | Symbol, options?: { namespace?: string }): Promise<unknown> {
    const e = this.values.get(`${options?.namespace ?? ''}/${String(key)}`);
    return e && (!e.expiresAt || e.expiresAt > this.now()) ? e.value : undefined;
  }

  clear(): void {
    this.values.clear();
  }
}
