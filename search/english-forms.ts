/**
 * The dictionary forms an inflected or derived English word may have, most likely first: detecting →
 * detect, detection; catalytic → catalysis, catalyst; fluorescent → fluorescence; stopping → stop. The
 * glossary looks each up in turn when the word itself is not a key, so a need phrased with a verb, a
 * participle or an adjective reaches the entry written for the noun. Words under 5 letters get none:
 * short words are kept literal (a "bed" is not a "be").
 */
const RULES: [RegExp, string[]][] = [
  // -tic adjectives of -sis nouns (catalytic, photocatalytic, diagnostic, synthetic), else of the stem (magnetic).
  [/^(.{3,})tic$/, ['$1sis', '$1st', '$1t', '$1tics']],
  [/^(.{3,})ical$/, ['$1ic', '$1y', '$1ics', '$1ical']],
  [/^(.{3,})ic$/, ['$1', '$1y', '$1ics', '$1e']],
  [/^(.{3,})escent$/, ['$1escence']],
  [/^(.{3,})ent$/, ['$1ence', '$1e']],
  [/^(.{3,})ant$/, ['$1ance', '$1']],
  [/^(.{3,})ability$/, ['$1able', '$1']],
  [/^(.{3,})able$/, ['$1ability', '$1', '$1e', '$1ation']],
  [/^(.{3,})ible$/, ['$1ibility', '$1e', '$1ion']],
  [/^(.{3,})ive$/, ['$1ion', '$1e', '$1']],
  [/^(.{3,})ization$/, ['$1ize', '$1ized']],
  [/^(.{3,})ized$/, ['$1ization', '$1ize']],
  [/^(.{3,})izing$/, ['$1ization', '$1ize']],
  [/^(.{3,})ize$/, ['$1ization', '$1']],
  [/^(.{3,})ing$/, ['$1', '$1e', '$1ion', '$1ation', '$1ment', '$1al']],
  [/^(.{3,})ed$/, ['$1', '$1e', '$1ion', '$1ation', '$1ment', '$1al']],
  [/^(.{3,})ion$/, ['$1e', '$1', '$1ive']],
  [/^(.{3,})ment$/, ['$1']],
  [/^(.{3,})al$/, ['$1', '$1e']],
  [/^(.{3,})ly$/, ['$1', '$1e']],
  [/^(.{3,})er$/, ['$1', '$1e', '$1ing', '$1ation']],
  [/^(.{3,})es$/, ['$1', '$1e']],
];

export function englishForms(w: string): string[] {
  if (w.length < 5) return [];
  const out: string[] = [];
  const add = (f: string) => {
    if (f !== w && f.length >= 3 && !out.includes(f)) out.push(f);
  };
  for (const [re, reps] of RULES) {
    const m = re.exec(w);
    if (!m) continue;
    for (const r of reps) add(r.replace('$1', m[1]!));
    // A doubled final consonant before -ing/-ed (stopping, cutting) is one letter in the verb.
    if (/(?:ing|ed)$/.test(w) && /([b-df-hj-np-tv-z])\1$/.test(m[1]!)) add(m[1]!.slice(0, -1));
  }
  return out;
}
