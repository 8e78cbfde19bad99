// The default detector: the rules, and the learned model where the rules found nothing. Rules are
// precise on the phrasings they were written from and miss a new hand's (written traces scored
// before their rules: 0.54 / 0.53 macro F1); the learned model reads words, not phrasings. So when
// the rules find no hit of a behavior anywhere in a trace, the learned model's most probable
// sentence for that behavior becomes a hit if its calibrated probability clears both its fitted
// threshold and an even chance — one hit per missing behavior, so a long trace cannot collect many
// false ones — and only in a trace where the rules found some behavior: where they find none the
// trace is most often a plain answer (real RL rollouts that answer in two sentences), and the
// model's best sentence there is noise. The rules' own hits are never removed. Measured on data
// neither part was tuned on, see docs/architecture.md and README ("How well it detects").
import { BEHAVIOR_IDS, type BehaviorHit } from '../schema';
import { BEHAVIORS } from './catalog';
import { type BehaviorDetector, type DetectionInput, RuleDetector } from './detector';
import defaultModelJson from './default-detector.json';
import { LearnedDetector, type LearnedModelFile, learnedHit, reasoningSentences, stepOf } from './learned';
import { type LearnedModelInput, modelFromFile } from './modelFile';
import { defaultRuleSet, expandVocab } from './rules';

export class RulesWithLearned implements BehaviorDetector {
  readonly name: string;

  constructor(
    readonly rules: RuleDetector,
    readonly learned: LearnedDetector,
    /** The least calibrated probability a learned hit needs (besides its behavior's threshold). */
    readonly minProbability = 0.5,
    /** A visual behavior's learned hit needs this in its sentence or the one before (null: no test). */
    readonly imageWords: RegExp | null = defaultImageWords(),
  ) {
    this.name = `${rules.name}+${learned.name}`;
  }

  detect(input: DetectionInput): BehaviorHit[][] {
    const hits = this.rules.detect(input);
    const found = new Set(hits.flat().map((h) => h.id));
    // no behavior anywhere: nothing for the model to fill in beside (in 5-fold cross-validation 1
    // of 8 such fills was right; on 1,947 real A-OKVQA RL rollouts 120 of the fill's 130 hits fell
    // in such traces, and those read were wrong)
    if (!found.size) return hits;
    const missing = BEHAVIOR_IDS.map((b, bi) => [b, bi] as const).filter(([b]) => !found.has(b));
    if (!missing.length) return hits;
    const sentences = reasoningSentences(input.response, input);
    const probs = this.learned.scoreSentences(input.response, sentences, hits);
    // whether each sentence names the image, tested once and only where a visual hit is in reach
    const named = new Int8Array(sentences.length);
    const namesImage = (i: number) => (named[i] ||= this.imageWords!.test(sentences[i]!.text) ? 1 : -1) === 1;
    for (const [b, bi] of missing) {
      const floor = Math.max(this.minProbability, this.learned.model.behaviors[b].threshold);
      const visual = !!this.imageWords && BEHAVIORS[b].family === 'visual';
      const seesImage = (i: number) => !visual || namesImage(i) || (i > 0 && namesImage(i - 1));
      // backward chaining reasons from the answer to what it requires; "to determine X, I need to
      // zoom in on …" names a look at the image, not a requirement (the rules' own look-alike)
      const allowed =
        b === 'backward_chaining'
          ? (i: number) => !NEEDS_A_LOOK.test(sentences[i]!.text) && seesImage(i)
          : seesImage;
      let best = -1;
      for (let i = 0; i < sentences.length; i++)
        if (probs[i]![bi]! >= floor && (best < 0 || probs[i]![bi]! > probs[best]![bi]!) && allowed(i))
          best = i;
      if (best < 0) continue;
      const k = stepOf(input.steps, sentences[best]!.start);
      if (k >= 0) hits[k]!.push(learnedHit(this.learned.name, b, probs[best]![bi]!, sentences[best]!));
    }
    return hits;
  }
}

/** What is needed is a look at the image: zooming, cropping, examining, a closer view. */
const NEEDS_A_LOOK =
  /\b(?:need|needs|have|want)(?: to)? (?:(?:visually|carefully|closely|first) )?(?:zoom|crop|look|examine|inspect|observe|focus|assess|scan|view|analy[sz]e (?:the|this) (?:image|picture|photo)|get a (?:closer|clearer|better) (?:view|look))\b|\bneed (?:a|to get a) (?:closer|clearer|better) (?:view|look)\b/i;

let imageWords: RegExp | undefined;
/**
 * The words by which a sentence is about the image (the rules' vocabulary): a learned model reads
 * "split the cost evenly" like "split the figure into halves"; a visual behavior needs the image.
 */
export function defaultImageWords(): RegExp {
  // the rule set is parsed (validated) only for the first detector, not for every one built
  return (imageWords ??= new RegExp(
    expandVocab(
      defaultRuleSet(),
      '{{visual}}|{{visualZh}}|{{imagePosition}}|{{toolLook}}|{{lookAgain}}',
      'image words',
    ),
    'i',
  ));
}

let shipped: LearnedModelFile | undefined;
/** The learned model that ships (default-detector.json; `npm run fit-default` writes it). */
export function defaultLearned(): LearnedDetector {
  shipped ??= modelFromFile(defaultModelJson as unknown as LearnedModelInput);
  return new LearnedDetector(shipped);
}

let fingerprint: string | undefined;
/**
 * A short fingerprint of the default detector (its rules and shipped model): caches of annotations
 * made with the default are keyed by it, so a refitted model or an edited rule invalidates them.
 */
export function defaultDetectorFingerprint(): string {
  if (fingerprint) return fingerprint;
  const text = JSON.stringify(defaultRuleSet()) + JSON.stringify(defaultModelJson);
  let h = 0x811c9dc5; // FNV-1a, 32 bits
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (fingerprint = (h >>> 0).toString(16).padStart(8, '0'));
}

/** The detector Cogtrace uses unless told otherwise. */
export const defaultDetector = (): BehaviorDetector =>
  new RulesWithLearned(new RuleDetector(), defaultLearned());
