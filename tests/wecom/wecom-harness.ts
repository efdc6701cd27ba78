/** One embedded service set, a fake WeCom and both WeCom channels wired as serve.ts does. */
import { sql } from 'drizzle-orm';
import { KfStore } from '../../bots/wecom/kf-store.js';
import { WecomApi } from '../../bots/wecom/wecom-api.js';
import { WecomChannel } from '../../bots/wecom/wecom-channel.js';
import { WechatKf, type WechatKfOptions } from '../../bots/wecom/wechat-kf.js';
import type { Pipeline } from '../../src/core/pipeline.js';
import { createHttpApp } from '../../src/http/http-app.js';
import { InboxStore } from '../../src/services/inbox-store.js';
import { createLogger } from '../../src/util/log.js';
import { startServices } from '../contract/services.js';
import { encryptedCallback, kfNotice, startFakeWecom, type FakeWecom } from '../support/fake-wecom.js';

export const TOKEN = 'cbtoken';
export const AES_KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';

export interface Harness {
  env: Awaited<ReturnType<typeof startServices>>;
  fake: FakeWecom;
  api: WecomApi;
  channel: WecomChannel;
  kf: WechatKf;
  kfStore: KfStore;
  inbox: InboxStore;
  app: ReturnType<typeof createHttpApp>;
  /** Virtual time shared by the fake, the channels and the sender's sleeps. */
  clock: { now: number };
  post(inner: string, o?: { receiveId?: string; token?: string }): Promise<Response>;
  /** Tells the KF channel there is something to pull, as WeCom's callback does, and waits for the pull. */
  kfNotify(): Promise<Response>;
  recorded(platform?: string): Promise<number>;
  newKf(o?: Partial<WechatKfOptions>): WechatKf;
  stop(): Promise<void>;
}

export async function startHarness(o: { pipeline?: (p: Pipeline) => Pipeline; pageSize?: number; realSleep?: boolean; start?: Date } = {}): Promise<Harness> {
  // With `start`, the services (registration windows, lead deadlines) read the same virtual clock.
  const clock = { now: o.start?.getTime() ?? Date.now() };
  const env = await startServices(o.start ? { clock: () => new Date(clock.now) } : {});
  const fake = await startFakeWecom({ now: () => clock.now, ...(o.pageSize ? { pageSize: o.pageSize } : {}) });
  const log = createLogger('silent');
  const api = new WecomApi({ baseUrl: fake.url, corpId: fake.corpId, secrets: { app: fake.appSecret, kf: fake.kfSecret }, clock: () => new Date(clock.now) });
  const inbox = new InboxStore(env.services.database);
  const pipeline = o.pipeline ? o.pipeline(env.services.pipeline) : env.services.pipeline;
  const kfStore = new KfStore(env.services.database);
  const newKf = (over: Partial<WechatKfOptions> = {}) => new WechatKf({ api, store: kfStore, openKfId: fake.openKfId, pipeline, inbox, log, clock: () => new Date(clock.now), ...over });
  const kf = newKf();
  // Virtual sleeps: waiting moves the shared clock instead of the wall clock.
  const sleep = o.realSleep ? undefined : async (ms: number) => void (clock.now += ms);
  const channel = new WecomChannel({
    crypto: { token: TOKEN, encodingAesKey: AES_KEY, receiveId: fake.corpId },
    api,
    agentId: fake.agentId,
    pipeline,
    inbox,
    log,
    kf,
    clock: () => new Date(clock.now),
    // With real sleeps the pacing must read real time too: a standing clock would make every wait longer than the last.
    sender: sleep ? { now: () => clock.now, sleep } : {},
  });
  channel.start();
  await kf.start();
  env.services.notifier.register('wecom', (id, text) => channel.push(id, text));
  env.services.notifier.register('wechat', (id, text) => kf.push(id, text));
  env.services.users.onForget('wechat', (id) => kfStore.forget(id));
  env.services.leads.registerOutlet('wecom', channel.outlet);
  const app = createHttpApp({ pipeline, log, clock: () => new Date(clock.now), readiness: {}, wecomCallback: (r) => channel.handleRequest(r) });
  const post = async (inner: string, p: { receiveId?: string; token?: string } = {}) => {
    const cb = encryptedCallback(inner, { token: p.token ?? TOKEN, encodingAesKey: AES_KEY, receiveId: p.receiveId ?? fake.corpId, timestamp: Math.floor(clock.now / 1000) });
    return app.request(`http://localhost/wecom/callback?${cb.query}`, { method: 'POST', body: cb.body, headers: { 'content-type': 'text/xml' } });
  };
  return {
    env,
    fake,
    api,
    channel,
    kf,
    kfStore,
    inbox,
    app,
    clock,
    post,
    async kfNotify() {
      const res = await post(kfNotice(fake.corpId, fake.openKfId, 'tok', Math.floor(clock.now / 1000)));
      await new Promise((r) => setImmediate(r));
      await kf.notify();
      return res;
    },
    async recorded(platform) {
      const rows = await env.services.database.rows<{ n: number }>(platform ? sql`select count(*)::int as n from inbound_updates where platform = ${platform}` : sql`select count(*)::int as n from inbound_updates`);
      return Number(rows[0]?.n ?? 0);
    },
    newKf,
    async stop() {
      await kf.stop();
      await channel.stop();
      await fake.close();
      await env.stop();
    },
  };
}
