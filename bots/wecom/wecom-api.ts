/**
 * The WeCom server API over fetch, against a configurable base URL (https://qyapi.weixin.qq.com, or
 * a loopback fake in tests). Each secret has its own access_token (the self-built app's secret for
 * message/send, the 微信客服 secret for kf/*): fetched on first use, cached until shortly before
 * `expires_in`, and fetched again exactly once when WeCom answers 40014 (invalid) or 42001
 * (expired) — WeCom may invalidate a token early. Errors say which call failed and whether trying
 * again later can help.
 */
export type SecretKind = 'app' | 'kf';

/** Token errors: refetch once. */
const TOKEN_ERRORS = new Set([40014, 42001]);
/** WeCom's own trouble or its frequency limits: worth retrying later (-1 system busy, 45009 call limit, 45033 concurrency). */
const TRANSIENT = new Set([-1, 45009, 45033]);

export class WecomApiError extends Error {
  constructor(
    readonly path: string,
    readonly errcode: number,
    errmsg: string,
    /** true: trying again later may work (network, 5xx, WeCom busy or rate limited). */
    readonly transient: boolean,
    options?: { cause?: unknown },
  ) {
    super(`WeCom ${path} failed: ${errcode} ${errmsg}`.slice(0, 300), options);
    this.name = 'WecomApiError';
  }
}

export interface WecomApiOptions {
  baseUrl: string;
  corpId: string;
  secrets: Partial<Record<SecretKind, string>>;
  timeoutMs?: number;
  clock?: () => Date;
}

type Json = Record<string, unknown>;

export class WecomApi {
  private readonly tokens = new Map<SecretKind, { token: string; until: number } | Promise<string>>();
  private readonly clock: () => Date;
  /** How many times a token was fetched, per secret (for tests and metrics). */
  readonly tokenFetches: Record<SecretKind, number> = { app: 0, kf: 0 };

  constructor(private readonly o: WecomApiOptions) {
    this.clock = o.clock ?? (() => new Date());
  }

  /** POST `path` with the secret's token; the JSON answer when errcode is 0, else WecomApiError. */
  async post(kind: SecretKind, path: string, body: Json): Promise<Json> {
    let token = await this.token(kind);
    let res = await this.request('POST', path, token, body);
    if (TOKEN_ERRORS.has(Number(res.errcode))) {
      this.tokens.delete(kind);
      token = await this.token(kind);
      res = await this.request('POST', path, token, body);
    }
    const code = Number(res.errcode ?? 0);
    if (code !== 0) throw new WecomApiError(path, code, String(res.errmsg ?? ''), TRANSIENT.has(code) || TOKEN_ERRORS.has(code));
    return res;
  }

  private async token(kind: SecretKind): Promise<string> {
    const have = this.tokens.get(kind);
    if (have instanceof Promise) return have;
    if (have && have.until > this.clock().getTime()) return have.token;
    const secret = this.o.secrets[kind];
    if (!secret) throw new WecomApiError('gettoken', 0, `no ${kind === 'app' ? 'WECOM_APP_SECRET' : 'WECOM_KF_SECRET'} configured`, false);
    const fetching = (async () => {
      this.tokenFetches[kind]++;
      const q = new URLSearchParams({ corpid: this.o.corpId, corpsecret: secret });
      const res = await this.request('GET', `/cgi-bin/gettoken?${q}`, undefined, undefined);
      const code = Number(res.errcode ?? 0);
      if (code !== 0 || typeof res.access_token !== 'string') throw new WecomApiError('gettoken', code, String(res.errmsg ?? 'no access_token'), TRANSIENT.has(code));
      const ttl = Math.max(60, Number(res.expires_in ?? 7200) - 300) * 1000;
      this.tokens.set(kind, { token: res.access_token, until: this.clock().getTime() + ttl });
      return res.access_token;
    })();
    this.tokens.set(kind, fetching);
    try {
      return await fetching;
    } catch (err) {
      this.tokens.delete(kind);
      throw err;
    }
  }

  private async request(method: 'GET' | 'POST', path: string, token: string | undefined, body: Json | undefined): Promise<Json> {
    const url = new URL(path, this.o.baseUrl.endsWith('/') ? this.o.baseUrl : `${this.o.baseUrl}/`);
    if (token) url.searchParams.set('access_token', token);
    const name = path.split('?')[0]!;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 10_000),
      });
    } catch (cause) {
      throw new WecomApiError(name, 0, 'unreachable', true, { cause });
    }
    const text = await res.text().catch(() => '');
    if (!res.ok) throw new WecomApiError(name, res.status, `HTTP ${res.status}`, res.status >= 500 || res.status === 429);
    try {
      return JSON.parse(text) as Json;
    } catch (cause) {
      throw new WecomApiError(name, 0, 'answer is not JSON', true, { cause });
    }
  }
}
