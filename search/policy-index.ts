/**
 * The `policies` Meilisearch index: one document per policy section, rebuilt from content/ at every
 * start and reindex (it is small). Chinese is indexed one character per word as for patents.
 */
import type { Meilisearch } from 'meilisearch';
import type { PolicyScope, PolicySection } from '../src/domain/policy.js';
import { guard } from './client.js';
import { SearchError } from './errors.js';
import { normText, phrase, splitCjk } from './text.js';

export const POLICY_INDEX = 'policies';

export class PolicyIndex {
  constructor(private readonly client: Meilisearch) {}

  async rebuild(sections: PolicySection[]): Promise<void> {
    const index = this.client.index(POLICY_INDEX);
    const steps = [
      () => this.client.createIndex(POLICY_INDEX, { primaryKey: 'id' }).waitTask(),
      () => index.updateSettings({ searchableAttributes: ['tz', 'te'], filterableAttributes: ['scope', 'topics'], localizedAttributes: [{ attributePatterns: ['tz'], locales: ['cmn'] }] }).waitTask(),
      () => index.deleteAllDocuments().waitTask(),
      () =>
        index
          .addDocuments(
            sections.map((s) => ({
              id: s.id,
              scope: s.scope,
              topics: s.topics,
              tz: splitCjk(`${s.title.zh} ${s.body.zh}`),
              te: normText(`${s.title.en} ${s.body.en}`),
            })),
          )
          .waitTask(),
    ];
    for (const [i, step] of steps.entries()) {
      const task = await guard('indexing policies', step);
      if (task.status === 'failed' && !(i === 0 && task.error?.code === 'index_already_exists'))
        throw new SearchError('SEARCH_TASK_FAILED', `indexing policies: ${task.error?.message ?? 'failed'}`);
    }
  }

  /** Section ids in the given scopes that mention any of the words, best first. */
  async match(scopes: PolicyScope[], words: string[]): Promise<string[]> {
    const q = words.map((w) => phrase(w)).filter(Boolean);
    if (q.length === 0) return [];
    const filter = [`scope IN [${scopes.map((s) => JSON.stringify(s)).join(', ')}]`];
    const res = await guard('searching policies', () =>
      this.client.index(POLICY_INDEX).search(q.join(' '), { filter, limit: 5, matchingStrategy: 'last', attributesToRetrieve: ['id'], locales: ['cmn'] }),
    );
    return res.hits.map((h) => String(h.id));
  }
}
