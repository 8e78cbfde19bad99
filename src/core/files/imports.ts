// Converts the trace formats people already have into our Trace: our own JSONL, the labelled
// dev-set format, OpenAI chat-completion JSON, and verl/OpenRLHF rollout dumps.
import { BehaviorId, type Checkpoint, type CheckpointRole, Trace } from '../schema';
import { type InputIssue, zodIssues } from '../issues';

type Raw = Record<string, unknown>;

export function inferRole(id: string): CheckpointRole {
  const s = id.toLowerCase();
  if (/cold|sft/.test(s)) return 'cold-start';
  if (/(^|[^a-z])(rl|grpo|ppo|dapo|rloo)([^a-z]|$)/.test(s)) return 'rl';
  if (/base|instruct/.test(s)) return 'base';
  return 'other';
}

export function checkpointFromName(id: string, step?: number): Checkpoint {
  return { id, label: id, role: inferRole(id), ...(step !== undefined ? { step } : {}) };
}

export interface ImportContext {
  file: string;
  line: number;
  /** Default checkpoint name when the record has none (the file's base name). */
  defaultCheckpoint: string;
  /** JSON path prefix for issues inside whole-file JSON. */
  prefix?: string;
}

/** A trace, issues, or both (a trace that loads with a bad optional field still loads). */
export interface ImportResult {
  trace?: Trace;
  issues?: InputIssue[];
}

const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;

function fail(ctx: ImportContext, field: string, message: string): ImportResult {
  const f = ctx.prefix ? (field === '(line)' ? ctx.prefix : `${ctx.prefix}.${field}`) : field;
  return { issues: [{ file: ctx.file, line: ctx.line, field: f, message }] };
}

function validate(ctx: ImportContext, candidate: unknown): ImportResult {
  const parsed = Trace.safeParse(candidate);
  return parsed.success
    ? { trace: parsed.data }
    : { issues: zodIssues(ctx.file, ctx.line, parsed.error, ctx.prefix) };
}

function fromChatCompletion(o: Raw, ctx: ImportContext): ImportResult {
  const choices = o.choices;
  if (!Array.isArray(choices) || choices.length === 0)
    return fail(ctx, 'choices', 'expected a non-empty array');
  const msg = (choices[0] as Raw).message as Raw | undefined;
  if (!msg || typeof msg.content !== 'string')
    return fail(ctx, 'choices[0].message.content', 'expected a string');
  const reasoning = str(msg.reasoning_content) ?? str(msg.reasoning);
  const response = reasoning ? `<think>\n${reasoning}\n</think>\n\n${msg.content}` : msg.content;
  const model = str(o.model) ?? ctx.defaultCheckpoint;
  const id = str(o.id) ?? `${ctx.defaultCheckpoint}:${ctx.line}`;
  return validate(ctx, {
    id,
    problemId: str((o.metadata as Raw | undefined)?.problem_id) ?? id,
    checkpoint: checkpointFromName(model),
    model: { name: model },
    response,
  });
}

function fromLabelled(o: Raw, ctx: ImportContext): ImportResult {
  if (typeof o.response !== 'string')
    return fail(ctx, 'response', o.response === undefined ? 'missing' : 'expected a string');
  const pid = str(o.problem_id) ?? str(o.id);
  if (!pid) return fail(ctx, 'problem_id', 'missing');
  const ck = str(o.checkpoint) ?? ctx.defaultCheckpoint;
  const p = (o.problem ?? {}) as Raw;
  const labels = Array.isArray(o.labels) ? o.labels : undefined;
  const issues: InputIssue[] = [];
  const goodLabels = labels?.flatMap((l, i) => {
    const lb = l as Raw;
    const b = BehaviorId.safeParse(lb?.behavior);
    if (!b.success || typeof lb.quote !== 'string') {
      issues.push({
        file: ctx.file,
        line: ctx.line,
        field: `labels[${i}]`,
        message: 'expected {behavior: <behavior id>, quote: string}',
      });
      return [];
    }
    return [{ behavior: b.data, quote: lb.quote }];
  });
  const r = validate(ctx, {
    id: str(o.id) ?? `${pid}/${ck}`,
    problemId: pid,
    checkpoint: checkpointFromName(ck),
    response: o.response,
    problem: {
      id: pid,
      question: str(p.question) ?? '',
      choices: Array.isArray(p.choices) ? p.choices : undefined,
      answer: str(p.answer),
      image: str(p.image),
      meta: p.image_description ? { image_description: p.image_description } : {},
    },
    labels: goodLabels,
    answerCorrect: typeof o.answer_correct === 'boolean' ? o.answer_correct : undefined,
  });
  // a bad label is reported and dropped; the trace itself still loads
  return issues.length ? { trace: r.trace, issues: [...(r.issues ?? []), ...issues] } : r;
}

function promptText(p: unknown): string | undefined {
  if (typeof p === 'string') return p;
  if (Array.isArray(p)) {
    return p
      .map((m) => {
        const c = (m as Raw)?.content;
        return typeof c === 'string'
          ? c
          : Array.isArray(c)
            ? c.map((x) => str((x as Raw)?.text) ?? '').join('')
            : '';
      })
      .join('\n');
  }
  return undefined;
}

function fromRollout(o: Raw, ctx: ImportContext): ImportResult {
  const response = o.response ?? o.output ?? o.completion;
  if (typeof response !== 'string')
    return fail(ctx, 'response', response === undefined ? 'missing' : 'expected a string');
  const step =
    typeof o.global_step === 'number' ? o.global_step : typeof o.step === 'number' ? o.step : undefined;
  const ck = str(o.checkpoint) ?? (step !== undefined ? `step-${step}` : ctx.defaultCheckpoint);
  const prompt = promptText(o.prompt ?? o.input ?? o.query);
  const rm = o.reward_model as Raw | undefined;
  const gold = str(o.ground_truth) ?? str(o.answer) ?? str(o.label) ?? str(rm?.ground_truth);
  const pid =
    str(o.uid) ??
    str(o.problem_id) ??
    str(o.id) ??
    str(o.index) ??
    (prompt ? `p${hash(prompt)}` : `line-${ctx.line}`);
  const reward = typeof o.reward === 'number' ? o.reward : typeof o.score === 'number' ? o.score : undefined;
  return validate(ctx, {
    id: `${pid}/${ck}/${ctx.line}`,
    problemId: pid,
    checkpoint: checkpointFromName(ck, step),
    prompt: prompt !== undefined ? { user: prompt } : undefined,
    response,
    reward,
    problem: gold !== undefined || prompt ? { id: pid, question: prompt ?? '', answer: gold } : undefined,
  });
}

/** FNV-1a: a stable short id for rollouts that carry no problem id. */
function hash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

export function importTraceRecord(raw: unknown, ctx: ImportContext): ImportResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return fail(ctx, '(line)', 'expected a JSON object');
  const o = raw as Raw;
  if (
    o.object === 'chat.completion' ||
    (Array.isArray(o.choices) && (o.choices[0] as Raw | undefined)?.message)
  ) {
    return fromChatCompletion(o, ctx);
  }
  if ('problemId' in o || (typeof o.checkpoint === 'object' && o.checkpoint !== null))
    return validate(ctx, o);
  if ('problem_id' in o || 'labels' in o || 'answer_correct' in o) return fromLabelled(o, ctx);
  if ('prompt' in o || 'output' in o || 'completion' in o || 'query' in o) return fromRollout(o, ctx);
  if ('response' in o) return fromLabelled(o, ctx);
  return fail(ctx, '(line)', 'not a trace: expected a "response" (or "output") field');
}
