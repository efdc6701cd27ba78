/**
 * Optional semantic search through Meilisearch's own hybrid search: Meilisearch embeds documents
 * and queries by calling an OpenAI-compatible `/embeddings` endpoint as a REST embedder. Off unless
 * configured; the lexical path does not change when it is off.
 */
import type { Config } from '../src/config/config.js';

export const EMBEDDER = 'semantic';

export interface SemanticConfig {
  /** Base URL of the OpenAI-compatible API (…/v1); `/embeddings` is appended. */
  baseUrl: string;
  model: string;
  apiKey?: string;
  dimensions?: number;
  /** Meilisearch's semanticRatio: 0 keyword only … 1 semantic only. */
  ratio: number;
}

export function semanticFromConfig(c: Pick<Config, 'EMBEDDING_BASE_URL' | 'EMBEDDING_MODEL' | 'EMBEDDING_API_KEY' | 'EMBEDDING_DIMENSIONS' | 'SEMANTIC_RATIO'>): SemanticConfig | undefined {
  if (!c.EMBEDDING_BASE_URL || !c.EMBEDDING_MODEL) return undefined;
  return {
    baseUrl: c.EMBEDDING_BASE_URL,
    model: c.EMBEDDING_MODEL,
    ...(c.EMBEDDING_API_KEY ? { apiKey: c.EMBEDDING_API_KEY } : {}),
    ...(c.EMBEDDING_DIMENSIONS ? { dimensions: c.EMBEDDING_DIMENSIONS } : {}),
    ratio: c.SEMANTIC_RATIO,
  };
}

/**
 * The `embedders` setting: a REST embedder speaking the OpenAI embeddings format, batched
 * (`{{..}}` repeats the item), embedding each patent's title and the start of its abstract.
 */
export function embedderSettings(s: SemanticConfig) {
  return {
    [EMBEDDER]: {
      source: 'rest' as const,
      url: `${s.baseUrl.replace(/\/+$/, '')}/embeddings`,
      ...(s.apiKey ? { apiKey: s.apiKey } : {}),
      ...(s.dimensions ? { dimensions: s.dimensions } : {}),
      documentTemplate: '{{doc.title}}。{{doc.abstract}}',
      documentTemplateMaxBytes: 600,
      request: { model: s.model, input: ['{{text}}', '{{..}}'] },
      response: { data: [{ embedding: '{{embedding}}' }, '{{..}}'] },
    },
  };
}
