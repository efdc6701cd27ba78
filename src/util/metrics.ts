/**
 * Prometheus metrics for `GET /metrics`. One registry per service instance (tests build their own),
 * labels only from closed sets (platform, intent, result) so cardinality stays bounded.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Rows waiting or done per durable queue (inbox, lead notices, broadcasts, pg-boss jobs), read at scrape time. */
export type QueueSource = () => Promise<{ queue: string; state: string; n: number }[]>;

export interface Metrics {
  registry: Registry;
  updates: Counter<'platform' | 'intent'>;
  replyLatency: Histogram<'platform'>;
  errors: Counter<'platform' | 'kind'>;
  deliveries: Counter<'platform' | 'result'>;
  /** Inbound updates recorded as rejected: structurally unusable or refused by the database as data. */
  inboundRejected: Counter<'platform' | 'reason'>;
  leads: Counter<'type'>;
  searchLatency: Histogram<'outcome'>;
  /** Where the queue gauge reads from; set once the database is open. */
  setQueueSource(source: QueueSource): void;
  llmCalls: Counter<'kind' | 'outcome'>;
  llmTokens: Counter<'kind' | 'type'>;
  llmLatency: Histogram<'kind'>;
  broadcastDeliveries: Counter<'platform' | 'result'>;
  leadNotices: Counter<'platform' | 'result'>;
  leadNoticeLatency: Histogram<'platform'>;
}

export function createMetrics(opts: { defaults?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (opts.defaults) collectDefaultMetrics({ register: registry, prefix: 'patent_bridge_' });
  let queueSource: QueueSource | undefined;
  new Gauge({
    name: 'patent_bridge_queue_items',
    help: 'Items in each durable queue by state (inbox:<platform>, lead-notices, broadcasts, pgboss:<queue>)',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of (await queueSource?.().catch(() => [])) ?? []) this.set({ queue: r.queue, state: r.state }, r.n);
    },
  });
  return {
    registry,
    setQueueSource: (source) => void (queueSource = source),
    searchLatency: new Histogram({
      name: 'patent_bridge_search_seconds',
      help: 'Patent search time in the chat path (query understanding, Meilisearch, ranking), by outcome',
      labelNames: ['outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    updates: new Counter({ name: 'patent_bridge_updates_total', help: 'Inbound updates handled, by platform and intent', labelNames: ['platform', 'intent'], registers: [registry] }),
    replyLatency: new Histogram({
      name: 'patent_bridge_reply_seconds',
      help: 'Time from receiving an update to having its replies, by platform',
      labelNames: ['platform'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    errors: new Counter({ name: 'patent_bridge_errors_total', help: 'Failures, by platform and kind', labelNames: ['platform', 'kind'], registers: [registry] }),
    deliveries: new Counter({ name: 'patent_bridge_deliveries_total', help: 'Outbound messages, by platform and result', labelNames: ['platform', 'result'], registers: [registry] }),
    inboundRejected: new Counter({
      name: 'patent_bridge_inbound_rejected_total',
      help: 'Inbound updates acknowledged but recorded as rejected, by platform and reason (no_chat, no_from, unstorable)',
      labelNames: ['platform', 'reason'],
      registers: [registry],
    }),
    broadcastDeliveries: new Counter({ name: 'patent_bridge_broadcast_deliveries_total', help: 'Broadcast sends, by platform and outcome (sent, unreachable, failed, skipped, retry)', labelNames: ['platform', 'result'], registers: [registry] }),
    llmCalls: new Counter({
      name: 'patent_bridge_llm_calls_total',
      help: 'Model calls by kind (intent, policy, rewrite) and outcome; anything but ok fell back to the offline path (budget: not called)',
      labelNames: ['kind', 'outcome'],
      registers: [registry],
    }),
    llmTokens: new Counter({ name: 'patent_bridge_llm_tokens_total', help: 'Model tokens used, by kind and type (prompt, completion)', labelNames: ['kind', 'type'], registers: [registry] }),
    llmLatency: new Histogram({ name: 'patent_bridge_llm_seconds', help: 'Model call time including fallbacks', labelNames: ['kind'], buckets: [0.1, 0.25, 0.5, 1, 2, 4, 8], registers: [registry] }),
    leads: new Counter({ name: 'patent_bridge_leads_total', help: 'Trade leads submitted, by type', labelNames: ['type'], registers: [registry] }),
    leadNotices: new Counter({
      name: 'patent_bridge_lead_notices_total',
      help: 'Lead notice attempts: sent, retry (platform error, will try again), dead (retries exhausted or inbox refused: dead-letter list)',
      labelNames: ['platform', 'result'],
      registers: [registry],
    }),
    leadNoticeLatency: new Histogram({
      name: 'patent_bridge_lead_notice_seconds',
      help: 'Time from a lead offer being written to its notice being in the agency inbox',
      labelNames: ['platform'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300, 1800],
      registers: [registry],
    }),
  };
}

/** Intent labels are a closed set: anything else (a dialogue step, an action) is folded into its kind. */
export function intentLabel(intent: string | undefined): string {
  if (!intent) return 'none';
  const [kind, rest] = intent.split(':');
  return kind === 'action' || kind === 'command' || kind === 'dialogue' || kind === 'invalid' ? `${kind}:${rest ?? ''}` : kind!;
}
