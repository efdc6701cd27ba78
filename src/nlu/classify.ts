/**
 * Offline intent classifier (SPEC §6). Deterministic and table-driven:
 *   normalise → entities with spans → weighted cue scores per intent (lexicon.ts) + structural features
 *   → best intent with a confidence; below THRESHOLD, or when chit-chat / prompt injection wins, `unknown`.
 * For `unknown` the confidence is that of the best rejected guess (always < THRESHOLD), 0 when nothing
 * matched or when the text was chit-chat or a prompt-injection attempt.
 */
import type { Entities, Intent, NluResult } from '../core/intents.js';
import { extractNormalized, topicFromSpans } from './entities.js';
import { correctTypos } from './fuzzy.js';
import { CHITCHAT, COMMANDS, EXPO_QUESTION, INJECTION, INTENT_CUES, LEAD_CUES, ROLE_STATEMENT, TECH, type Cue } from './lexicon.js';
import { normalize } from './normalize.js';

/** Below this confidence the answer is `unknown`. */
export const THRESHOLD = 0.4;

/** Tie-break: the more specific intent first. */
const PRIORITY: readonly Intent[] = [
  'forget_me',
  'unsubscribe',
  'cancel_registration',
  'my_registrations',
  'subscribe',
  'submit_lead',
  'patent_detail',
  'register_expo',
  'expo_info',
  'explain_policy',
  'alliance_info',
  'search_patents',
  'help',
  'greet',
  'unknown',
];

/** Intents whose cues do not make a patent search less likely. */
const WEAK_RIVALS = new Set<Intent>(['search_patents', 'patent_detail', 'greet', 'help', 'unknown']);

export interface Explained extends NluResult {
  scores: Partial<Record<Intent, number>>;
}

function sum(cues: readonly Cue[], text: string): number {
  let s = 0;
  for (const [re, w] of cues) if (re.test(text)) s += w;
  return s;
}

function unknown(entities: Entities = {}, confidence = 0): Explained {
  return { intent: 'unknown', entities, confidence, scores: {} };
}

/** `classify` with the per-intent scores, for the evaluation script and debugging. */
export function explain(text: string): Explained {
  if (typeof text !== 'string') return unknown();
  const norm = normalize(text);
  if (!/[\p{L}\p{N}]/u.test(norm)) return unknown();
  const { entities, spans } = extractNormalized(norm);
  // Cue text: typos corrected, spaces between Chinese characters dropped ("取消 订阅" → "取消订阅").
  const full = correctTypos(norm).replace(/(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])/g, '');
  // Who the user says they are (我们是代理机构 / we are an investor) is not what they ask for.
  const cue = full.replace(ROLE_STATEMENT, (m) => ' '.repeat(m.length));
  const found = (k: keyof Entities): boolean => entities[k] !== undefined;
  if (INJECTION.test(full)) return unknown();

  const scores = {} as Record<Intent, number>;
  for (const intent of PRIORITY) scores[intent] = 0;
  for (const [intent, cues] of Object.entries(INTENT_CUES) as [Intent, Cue[]][]) scores[intent] = sum(cues, cue);
  for (const cues of Object.values(LEAD_CUES)) scores.submit_lead += sum(cues, cue);
  scores.unknown = sum([CHITCHAT], cue);

  const command = /^\s*\/([a-z]+)/.exec(cue);
  const commandIntent = command ? COMMANDS[command[1]!] : undefined;
  if (commandIntent) scores[commandIntent] += 10;

  // Structure: a patent number points at the record, unless the user wants to trade it.
  if (found('patentNumber')) {
    scores.patent_detail += 5;
    if (scores.submit_lead > 0) scores.submit_lead += 5;
  } else {
    scores.patent_detail *= 0.5;
  }
  // Expo words with a question about time, place or capacity are a request for information.
  if (scores.expo_info > 0 && EXPO_QUESTION.test(cue)) scores.expo_info += 2.5;
  const topic = topicFromSpans(norm, spans);
  if (found('ipc')) scores.search_patents += 3.5;
  if (found('patentType')) scores.search_patents += 1.5;
  if (TECH[0].test(cue)) scores.search_patents += TECH[1];
  if ((found('province') || found('patentType') || found('ipc')) && topic) scores.search_patents += 1.5;

  // Search is the default reading of anything patent-like; a strong cue for a specific intent outranks it.
  const strongest = Math.max(...PRIORITY.filter((i) => !WEAK_RIVALS.has(i)).map((i) => scores[i]));
  if (strongest >= 4.5) scores.search_patents *= 0.6;

  // A greeting in front of a request does not make the request a greeting.
  if (strongest >= 3 || scores.search_patents >= 3) scores.greet *= 0.3;

  const ranked = PRIORITY.filter((i) => i !== 'unknown').sort((x, y) => scores[y] - scores[x]);
  const best = ranked[0]!;
  const top = scores[best];
  const second = scores[ranked[1]!];
  const { leadType: _lead, ...plain } = entities;
  if (top <= 0 || scores.unknown >= top) return { ...unknown(plain), scores };
  const confidence = (1 - Math.exp(-top / 2.5)) * (0.6 + (0.4 * (top - second)) / top);
  if (confidence < THRESHOLD) return { ...unknown(plain, Math.round(confidence * 1000) / 1000), scores };

  const out: Entities = { ...entities };
  if (best !== 'submit_lead') delete out.leadType;
  if (topic && (best === 'search_patents' || (best === 'submit_lead' && !found('patentNumber')))) out.query = topic;
  return { intent: best, entities: out, confidence: Math.round(confidence * 1000) / 1000, scores };
}

export function classify(text: string): NluResult {
  const { intent, entities, confidence } = explain(text);
  return { intent, entities, confidence };
}
