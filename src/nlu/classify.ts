/**
 * Offline intent classifier (SPEC §6). Deterministic, two experts combined:
 *   1. rules: normalise → entities with spans → weighted cue scores per intent (lexicon.ts) + structural
 *      features (a patent number, an IPC code, a technology word …);
 *   2. a learned model (model.ts): logistic regression over character/word n-grams, trained on a corpus
 *      of templated and hand-written utterances, which generalises to phrasings no cue anticipates.
 * Combination (a product of experts): each intent's score is  rule score / RULE_T + MODEL_W · ln P_model,
 * with the model's weight scaled down when it knows few of the text's features (gibberish, other
 * languages). Strong cues still decide; where cues are weak, absent or split, the model decides.
 * `unknown` competes like an intent: its rule score is the chit-chat and out-of-scope cues (scope.ts) or
 * UNKNOWN_BASE, so nothing is taken without a cue of that strength or the model's support. A prompt injection is `unknown` outright.
 * The confidence is the combined probability of the intent; for `unknown` it is that of the best
 * rejected guess (always < THRESHOLD), 0 for an injection or text without letters.
 * The lead type of a `submit_lead` is chosen the same way from the lead cues and the lead-type model.
 */
import { INTENTS, type Entities, type Intent, type NluResult } from '../core/intents.js';
import { colloquial } from './colloquial.js';
import { extractNormalized, leadCueScores, topicFromSpans } from './entities.js';
import { features } from './features.js';
import { expoSubQuestion } from './expo-question.js';
import { corrected } from './fuzzy.js';
import { maskNegated } from './negation.js';
import { ABOUT_PLATFORM, CONTACT, MY_LEADS, PROCESS_FAQ } from './platform-cues.js';
import { resultReference } from './reference.js';
import { techShare } from './tech-topic.js';
import { CHITCHAT, CLOSING, COMMANDS, EXPO_QUESTION, greetingOnly, INJECTION, INTENT_CUES, LEAD_CUES, ROLE_STATEMENT, TECH, type Cue, type TextLeadType } from './lexicon.js';
import { INTENT_MODEL, LEAD_MODEL, modelTextOf, type Prediction } from './model.js';
import { normalize } from './normalize.js';
import { EXPO_ELIGIBILITY, OUT_OF_SCOPE, PAST_DEAL } from './scope.js';

/** Below this confidence the answer is `unknown`. */
export const THRESHOLD = 0.3;
/** Rule scores are read as logits at this temperature (a strong cue, 4.5–7, is worth 3–4.7 nats). */
const RULE_T = 1.5;
/** Weight of the model's log-probability against the rules' logits. */
const MODEL_W = 1;
/** The rule score `unknown` has when no chit-chat cue fires (about one weak cue's worth). */
const UNKNOWN_BASE = 1;
/** Lead types: cue weights as logits at this temperature, plus LEAD_MODEL_W · ln P. */
const LEAD_T = 1.5;
const LEAD_MODEL_W = 1;

/** The highest confidence of a reading that rests on a negation rule (below the LLM threshold, 0.8). */
const NEGATED_CONFIDENCE = 0.75;

/** Words of a detail only an event has, so that a question naming it is about the expo without saying "expo". */
const EXPO_ONLY = /签到|入场|进场|检票|门票|参展|展位|名额|报满|满员|额满|爆满|座位|空位|余位|还有(?:没有)?位置|位置(?:还)?(?:够|有没有|有吗|有么)|\b(?:check[- ]?in|doors? open|admission|entry tickets?|entrance|(?:pay|paid|charged?) (?:to|for) (?:get in|enter|entry|attend|visit|go in))\b/;

/** Signing up for the expo, in either language (to see whether a negation declined it). */
const SIGN_UP = /报名|参展|参会|登记|\b(?:register|sign up|enrol+)\b/;

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
  /** Rule scores per intent. */
  scores: Partial<Record<Intent, number>>;
  /** Model probability per intent (absent when the model was not consulted). */
  model?: Partial<Record<Intent, number>>;
}

/** How far to trust the model: 0 when it knows under 35% of the text's base units (see model.ts), 1 from 75% up. */
function trust(p: Prediction<string>): number {
  return Math.min(1, Math.max(0, (p.coverage - 0.35) / 0.4));
}

/** Softmax of `logits` (in place) — the combined distribution. */
function normalizeLogits(logits: Float64Array): Float64Array {
  const max = Math.max(...logits);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += logits[i] = Math.exp(logits[i]! - max);
  for (let i = 0; i < logits.length; i++) logits[i]! /= sum;
  return logits;
}

/** The lead type of a `submit_lead`: cue weights and the lead model combined. */
function chooseLead(cueText: string, feats: readonly string[]): TextLeadType | undefined {
  const cues = leadCueScores(cueText);
  const p = LEAD_MODEL.predict(feats);
  const w = LEAD_MODEL_W * trust(p);
  let best: TextLeadType | undefined;
  let bestScore = -Infinity;
  LEAD_MODEL.labels.forEach((lead, i) => {
    const score = cues[lead] / LEAD_T + w * Math.log(Math.max(p.probs[i]!, 1e-4));
    if (score > bestScore) [best, bestScore] = [lead, score];
  });
  return w > 0 || Object.values(cues).some((v) => v > 0) ? best : undefined;
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
  // Traditional folded to Simplified (normalize), then homophone and keyword typos corrected (胡南 → 湖南,
  // pattents → patents); everything below reads the corrected text.
  const norm = corrected(normalize(text));
  if (!/[\p{L}\p{N}]/u.test(norm)) return unknown();
  const { entities, spans } = extractNormalized(norm);
  // What a negation with contrast rules out ("不是要卖，就是问问税") is not read as the request.
  const negation = maskNegated(norm);
  // Cue text: spaces between Chinese characters dropped ("取消 订阅" → "取消订阅").
  // Chat spellings folded (啥 → 什么, thx → thanks): cues are written in the standard forms.
  const full = colloquial(negation.text.replace(/(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])/g, ''));
  // Who the user says they are (我们是代理机构 / we are an investor) is not what they ask for.
  const cue = full.replace(ROLE_STATEMENT, (m) => ' '.repeat(m.length));
  const found = (k: keyof Entities): boolean => entities[k] !== undefined;
  if (INJECTION.test(full)) return unknown();

  const scores = {} as Record<Intent, number>;
  for (const intent of PRIORITY) scores[intent] = 0;
  for (const [intent, cues] of Object.entries(INTENT_CUES) as [Intent, Cue[]][]) scores[intent] = sum(cues, cue);
  for (const cues of Object.values(LEAD_CUES)) scores.submit_lead += sum(cues, cue);
  // Other IP matters (trademarks, patents abroad, patent-law trivia, drafting) are out of scope (scope.ts);
  // a patent number makes the question one about that record, and asking for an agency to do the work
  // ("找个代理人帮我写专利申请") is a question about the alliance.
  // "第三个" / "the 2nd result": a reference to the last results shown (resolved by the handler).
  const reference = found('patentNumber') ? undefined : resultReference(norm);
  const outOfScope = found('patentNumber') || reference ? 0 : sum(OUT_OF_SCOPE, cue) * (scores.alliance_info >= 5 ? 0.5 : 1);
  // Talking to the platform: contact, a person, how a transfer is done, the leads I submitted.
  const platform = sum(CONTACT, cue) + sum(PROCESS_FAQ, cue) + sum(ABOUT_PLATFORM, cue);
  const myLeads = sum(MY_LEADS, cue);
  scores.alliance_info += platform;
  scores.my_registrations += myLeads;
  if (platform || myLeads) scores.submit_lead *= 0.3;
  scores.unknown = sum([CHITCHAT, CLOSING], cue) + outOfScope;

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
  if (reference) scores.patent_detail += 'index' in reference ? 8 : 6;
  // Expo words with a question about time, place or capacity are a request for information.
  // ("notify me when the expo …" asks for a notice, not for the date.)
  if (scores.expo_info > 0 && scores.subscribe < 5 && EXPO_QUESTION.test(cue)) scores.expo_info += 2.5;
  // A named detail (deadline, check-in, capacity, venue, fee) of the expo, or of its registration, is asked about.
  const sub = expoSubQuestion(cue);
  // Some details belong to an event only (签到, 入场, 门票, check-in, doors open): asked alone, they are about the expo.
  // So are they after declining a sign-up ("not trying to register, what's the fee?"): the expo was the subject.
  const declinedSignUp = negation.negated && SIGN_UP.test(norm) && !SIGN_UP.test(negation.text);
  if (sub && scores.expo_info === 0 && (EXPO_ONLY.test(cue) || declinedSignUp)) scores.expo_info += 2;
  // ("帮我预约参观名额" still books: a clear booking request outweighs the detail it names.)
  const booking = scores.register_expo >= 5 && sub !== 'deadline';
  if (sub && !booking && scores.subscribe < 5 && scores.cancel_registration < 4.5 && (scores.expo_info > 0 || (sub === 'deadline' && scores.register_expo > 0))) {
    scores.expo_info += 4;
    scores.register_expo *= 0.5;
  }
  // A registration named as the object of a removal ("展会报名帮我删一下", "delete my expo sign-up") is what is
  // cancelled: its 报名 / expo words are not a sign-up or a question about the event besides.
  if (scores.cancel_registration >= 6 && scores.forget_me === 0 && scores.unsubscribe === 0) {
    scores.register_expo *= 0.3;
    scores.expo_info *= 0.5;
  }
  // Who may attend or exhibit is a question about the expo, not a sign-up.
  if ((scores.expo_info > 0 || scores.register_expo > 0) && EXPO_ELIGIBILITY.test(cue)) {
    scores.expo_info += 4;
    scores.register_expo *= 0.5;
  }
  // Money back for a deal already made (or a licence taken in) is a policy question, not a new lead.
  if (scores.explain_policy >= 6 && PAST_DEAL.test(cue)) scores.submit_lead *= 0.4;
  const topic = topicFromSpans(negation.text, spans);
  if (found('ipc')) scores.search_patents += 3.5;
  // A patent type in a question about awards or subsidies says which award, not what to search.
  if (found('patentType')) scores[scores.explain_policy >= 4.5 ? 'explain_policy' : 'search_patents'] += 1.5;
  const letters = norm.match(/[\p{L}\p{N}]/gu)?.length ?? 0;
  // Technology: the cue vocabulary, or topic words the search glossary knows (铜箔, IGBT, fuel cell).
  const tech = TECH[0].test(cue) || (letters <= 24 && topic !== '' && Math.max(...Object.values(scores)) < 4.5 && techShare(topic) >= 0.7);
  if (tech) scores.search_patents += TECH[1];
  if ((found('province') || found('patentType') || found('ipc')) && topic && scores.explain_policy < 4.5) scores.search_patents += 1.5;
  if (outOfScope >= 5) {
    scores.search_patents *= 0.3;
    scores.explain_policy *= 0.7;
  }

  // Search is the default reading of anything patent-like; a strong cue for a specific intent outranks it.
  const strongest = Math.max(...PRIORITY.filter((i) => !WEAK_RIVALS.has(i)).map((i) => scores[i]));
  if (strongest >= 4.5) scores.search_patents *= 0.6;
  // A bare technology topic ("石墨烯导热膜", "solar cells") with no request words around it is a search
  // (short by nature: a long text that is "all topic" is noise, not a query).
  if (tech && strongest === 0 && letters <= 24 && topic.replace(/\s/g, '').length >= 0.7 * letters) scores.search_patents += 2;

  // A place alone ("武汉", "Hefei") asks what the platform has there.
  if (found('province') && topic === '' && strongest === 0 && letters <= 12) scores.search_patents += 5;

  // A message that is nothing but a greeting is one, however it is spelt; in front of a request it is not.
  if (greetingOnly(cue)) scores.greet += 4;
  if (strongest >= 3 || scores.search_patents >= 3) scores.greet *= 0.3;

  // Combine: rule logits plus the model's log-probabilities, over all intents including `unknown`.
  const feats = features(modelTextOf(negation.text, spans.find((s) => s.kind === 'patentNumber')));
  const pred = INTENT_MODEL.predict(feats);
  const w = MODEL_W * trust(pred);
  scores.unknown = Math.max(scores.unknown, UNKNOWN_BASE);
  const logits = Float64Array.from(INTENTS, (intent, i) => scores[intent] / RULE_T + w * Math.log(Math.max(pred.probs[i]!, 1e-4)));
  const post = normalizeLogits(logits.slice());
  const at = (intent: Intent): number => INTENTS.indexOf(intent);
  const ranked = PRIORITY.filter((i) => i !== 'unknown').sort((x, y) => logits[at(y)]! - logits[at(x)]!);
  const best = ranked[0]!;
  const model = Object.fromEntries(INTENTS.map((intent, i) => [intent, Math.round(pred.probs[i]! * 1000) / 1000]));
  // A negation is read by a rule: never surer than NEGATED_CONFIDENCE, so the model (when configured) checks it.
  const confidence = Math.round(Math.min(post[at(best)]!, negation.negated ? NEGATED_CONFIDENCE : 1) * 1000) / 1000;
  const { leadType: _lead, ...plain } = entities;
  if (logits[at('unknown')]! >= logits[at(best)]! || confidence < THRESHOLD) {
    return { ...unknown(plain, Math.min(confidence, THRESHOLD - 0.001)), scores, model };
  }

  const out: Entities = { ...entities };
  delete out.leadType;
  if (best === 'submit_lead') {
    const lead = chooseLead(cue, feats);
    if (lead) out.leadType = lead;
  }
  if (topic && (best === 'search_patents' || (best === 'submit_lead' && !found('patentNumber')))) out.query = topic;
  return { intent: best, entities: out, confidence, scores, model };
}

export function classify(text: string): NluResult {
  const { intent, entities, confidence } = explain(text);
  return { intent, entities, confidence };
}
