/**
 * Builds the WeCom channels from configuration (called by the composition root, src/cli/serve.ts):
 * the callback channel with the self-built app when WECOM_APP_SECRET is set, and 微信客服 when
 * WECOM_KF_SECRET is set. Nothing starts here.
 */
import type { Config } from '../../src/config/config.js';
import type { Pipeline } from '../../src/core/pipeline.js';
import type { Database } from '../../src/db/database.js';
import type { InboxStore } from '../../src/services/inbox-store.js';
import type { RateClock } from '../../src/services/rate-clock.js';
import type { Logger } from '../../src/util/log.js';
import type { Metrics } from '../../src/util/metrics.js';
import { KfStore } from './kf-store.js';
import { WecomApi } from './wecom-api.js';
import { WecomChannel } from './wecom-channel.js';
import { WechatKf } from './wechat-kf.js';

export interface WecomParts {
  channel: WecomChannel;
  kf?: WechatKf;
  /** The self-built app is configured (message/send can be used). */
  app: boolean;
}

export function createWecom(config: Config, deps: { pipeline: Pipeline; database: Database; inbox: InboxStore; log: Logger; metrics?: Metrics; rateClock?: RateClock }): WecomParts | undefined {
  if (!config.WECOM_CORP_ID || !config.WECOM_TOKEN || !config.WECOM_ENCODING_AES_KEY) return undefined;
  const api = new WecomApi({
    baseUrl: config.WECOM_API_URL,
    corpId: config.WECOM_CORP_ID,
    secrets: { ...(config.WECOM_APP_SECRET ? { app: config.WECOM_APP_SECRET } : {}), ...(config.WECOM_KF_SECRET ? { kf: config.WECOM_KF_SECRET } : {}) },
  });
  const kf =
    config.WECOM_KF_SECRET && config.WECOM_KF_OPEN_KFID
      ? new WechatKf({ api, store: new KfStore(deps.database), openKfId: config.WECOM_KF_OPEN_KFID, pipeline: deps.pipeline, inbox: deps.inbox, log: deps.log.child({ channel: 'wechat' }), ...(deps.metrics ? { metrics: deps.metrics } : {}) })
      : undefined;
  const channel = new WecomChannel({
    crypto: { token: config.WECOM_TOKEN, encodingAesKey: config.WECOM_ENCODING_AES_KEY, receiveId: config.WECOM_CORP_ID },
    api,
    agentId: config.WECOM_AGENT_ID ?? 0,
    pipeline: deps.pipeline,
    inbox: deps.inbox,
    log: deps.log.child({ channel: 'wecom' }),
    ...(kf ? { kf } : {}),
    sender: { perMemberPerMinute: config.WECOM_MEMBER_PER_MINUTE, ...(deps.rateClock ? { shared: { clock: deps.rateClock, key: 'wecom' } } : {}) },
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
  });
  return { channel, ...(kf ? { kf } : {}), app: !!config.WECOM_APP_SECRET };
}
