// The LLM-judge detector behind the core's detector interface. judgeAll() asks the judge one prompt
// per (trace, behavior) — concurrently up to a limit, answers from the on-disk cache first — and
// keeps the parsed judgments; detect() then maps each quoted instance back to the step holding it,
// synchronously like every detector (so eval, annotate and the views use it unchanged). A judgment
// that failed leaves that behavior undetected in that trace and is listed in `failures`.
import { BEHAVIOR_IDS, type BehaviorHit, type BehaviorId, type Problem } from '../schema';
import { type BehaviorDetector, DETECTED_REGIONS, type DetectionInput } from '../behaviors/detector';
import type { JudgmentCache } from './cache';
import { judgmentKey } from './cache';
import type { JudgeBackend } from './client';
import { type Judgment, type Match, parseJudgment, placeQuote } from './parse';
import { type JudgePrompts, problemText, renderPrompt } from './prompts';

export interface JudgeInput {
  response: string;
  problem?: Partial<Pick<Problem, 'question' | 'choices'>>;
}

export interface JudgeFailure {
  input: number;
  behavior: BehaviorId;
  message: string;
}

export interface JudgeEstimate {
  /** Calls the run will make (judgments not in the cache). */
  calls: number;
  cached: number;
  /** Rough: prompt characters / 4, and a typical answer length per call. */
  promptTokens: number;
  completionTokens: number;
  /** At `secondsPerCall` per call, `concurrency` at a time. */
  seconds: number;
}

/** Confidence of a hit by how its quote was found: the judge's word placed exactly, or less surely. */
const CONFIDENCE: Record<Match | 'unplaced', number> = {
  exact: 0.9,
  normalized: 0.85,
  approximate: 0.6,
  unplaced: 0.5,
};

export class JudgeDetector implements BehaviorDetector {
  readonly name: string;
  private readonly judged = new Map<string, Judgment>();
  readonly failures: JudgeFailure[] = [];
  /** Quotes found nowhere in their trace (the judge paraphrased beyond recognition, or invented). */
  readonly unplaced = new Map<string, { behavior: BehaviorId; quote: string }>();

  constructor(
    private readonly client: JudgeBackend,
    private readonly prompts: JudgePrompts,
    private readonly cache?: JudgmentCache,
    private readonly behaviors: readonly BehaviorId[] = BEHAVIOR_IDS,
  ) {
    this.name = `judge:${client.model}/${prompts.version}`;
  }

  get counters() {
    return this.client.counters;
  }

  /** Ends the judge's model process, if it has one (a local checkpoint). */
  dispose() {
    this.client.dispose?.();
  }

  private key(input: JudgeInput, behavior: BehaviorId) {
    return judgmentKey({
      model: this.client.model,
      version: this.prompts.version,
      behavior,
      response: input.response,
      problem: problemText(input.problem),
    });
  }

  estimate(inputs: readonly JudgeInput[], concurrency = 4, secondsPerCall = 6): JudgeEstimate {
    let calls = 0;
    let cached = 0;
    let chars = 0;
    for (const input of inputs)
      for (const b of this.behaviors) {
        if (this.cache?.get(this.key(input, b))) {
          cached++;
          continue;
        }
        calls++;
        chars += renderPrompt(this.prompts, b, input.response, problemText(input.problem)).reduce(
          (n, m) => n + m.content.length,
          0,
        );
      }
    return {
      calls,
      cached,
      promptTokens: Math.round(chars / 4),
      completionTokens: calls * 150,
      seconds: Math.ceil(calls / Math.max(1, concurrency)) * secondsPerCall,
    };
  }

  /** Judges every input on every behavior; resolves when all are done or `signal` aborts (then rejects). */
  async judgeAll(
    inputs: readonly JudgeInput[],
    opts: {
      concurrency?: number;
      signal?: AbortSignal;
      onProgress?: (done: number, total: number) => void;
    } = {},
  ): Promise<void> {
    const tasks = inputs.flatMap((input, i) => this.behaviors.map((b) => ({ i, input, b })));
    let next = 0;
    let done = 0;
    const worker = async () => {
      while (next < tasks.length) {
        opts.signal?.throwIfAborted();
        const { i, input, b } = tasks[next++]!;
        const key = this.key(input, b);
        let answer = this.cache?.get(key);
        if (answer) this.client.counters.cached++;
        else
          try {
            const r = await this.client.complete(
              renderPrompt(this.prompts, b, input.response, problemText(input.problem)),
              opts.signal,
            );
            answer = { ...r, at: Date.now() };
            await this.cache?.put(key, answer);
          } catch (e) {
            if (opts.signal?.aborted) throw e;
            this.failures.push({ input: i, behavior: b, message: (e as Error).message });
          }
        if (answer) {
          const j = parseJudgment(answer.text);
          if (answer.truncated) j.notes.push('the answer was cut at max_tokens');
          this.judged.set(key, j);
        }
        opts.onProgress?.(++done, tasks.length);
      }
    };
    await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 4, tasks.length) }, worker));
  }

  /** The parsed judgment of one input and behavior, when judged. */
  judgment(input: JudgeInput, behavior: BehaviorId): Judgment | undefined {
    return this.judged.get(this.key(input, behavior));
  }

  detect({ response, steps, problem }: DetectionInput): BehaviorHit[][] {
    const out: BehaviorHit[][] = steps.map(() => []);
    // the step a quote starts in, or else the first it overlaps (a quote may begin in a tag)
    const stepOf = (p: { start: number; end: number }) => {
      const at = steps.findIndex((s) => s.start <= p.start && p.start < s.end);
      return at >= 0 ? at : steps.findIndex((s) => s.start < p.end && p.start < s.end);
    };
    for (const b of this.behaviors) {
      const j = this.judged.get(this.key({ response, problem }, b));
      if (!j?.count) continue;
      let placedAny = false;
      const taken = new Set<number>();
      for (const quote of j.instances.slice(0, Math.max(j.count, 1))) {
        let p = placeQuote(response, quote);
        // the same quote twice (a repeated check) takes its next occurrence
        while (p && taken.has(p.start)) p = placeQuote(response, quote, p.start + 1);
        if (!p) {
          this.unplaced.set(`${b}\u0000${quote}`, { behavior: b, quote });
          continue;
        }
        taken.add(p.start);
        const si = stepOf(p);
        if (si < 0) continue;
        placedAny = true;
        out[si]!.push({
          id: b,
          confidence: CONFIDENCE[p.match],
          cue: { start: p.start, end: p.end },
          detector: `${this.name}/${p.match}`,
        });
      }
      // the judge counted instances but quoted none that can be found: the trace has the behavior,
      // shown on its last reasoning step, less surely
      if (!placedAny) {
        let si = steps.length - 1;
        while (si > 0 && !DETECTED_REGIONS.has(steps[si]!.region)) si--;
        const s = steps[si];
        if (s)
          out[si]!.push({
            id: b,
            confidence: CONFIDENCE.unplaced,
            cue: { start: s.start, end: s.end },
            detector: `${this.name}/unplaced`,
          });
      }
    }
    return out;
  }
}

/** Two detectors' hits together (`annotate --detector both`): each hit names its detector. */
export class BothDetector implements BehaviorDetector {
  readonly name: string;
  constructor(
    readonly a: BehaviorDetector,
    readonly b: BehaviorDetector,
  ) {
    this.name = `${a.name}+${b.name}`;
  }
  detect(input: DetectionInput): BehaviorHit[][] {
    const x = this.a.detect(input);
    const y = this.b.detect(input);
    return x.map((hits, i) => [...hits, ...(y[i] ?? [])]);
  }
}
