// Regions of a response: which parts the model thought (`think`), answered (`answer`), summarised
// (`summary`), which are its tool calls (`tool-call`), what the environment sent back
// (`tool-output`) and the rest (`other`). Found from the markers real models and agent frameworks
// write — `<think>`, Kimi-VL's `◁think▷`, `<answer>`, `<summary>`, `<tool_call>`, `<observation>`,
// Qwen-Agent's `[TOOL_CALL]`, LLaVA-CoT's `<CAPTION>`… — as one configurable marker set. Marker
// text itself belongs to no region: steps are cut around it so the view can draw a boundary instead
// of raw tags.
// Free of zod (the webview imports it, and zod trips the webview's CSP): the schema of a user's
// marker file lives in schema.ts.

export const REGIONS = ['think', 'answer', 'summary', 'tool-call', 'tool-output', 'other'] as const;
export type RegionKind = (typeof REGIONS)[number];

/**
 * One marker. `open`/`close` are literal strings, or regexes when written `/like this/`.
 * Without `close`, a marker starts a region that runs to the next marker. Two pseudo-regions:
 * `model` (the model's own text resumes, untagged: Qwen-Agent's `[ANSWER]`) and `placeholder`
 * (an inline stand-in such as `<sub-image 1>`: hidden, no region change).
 */
export interface RegionMarker {
  region: RegionKind | 'model' | 'placeholder';
  open: string;
  close?: string;
}
export interface RegionMarkers {
  /** When true (the default), these markers are added to the built-in ones. */
  extends: boolean;
  markers: RegionMarker[];
}

export const DEFAULT_MARKERS: readonly RegionMarker[] = [
  { region: 'think', open: '<think>', close: '</think>' },
  { region: 'think', open: '<thinking>', close: '</thinking>' },
  { region: 'think', open: '◁think▷', close: '◁/think▷' },
  { region: 'answer', open: '<answer>', close: '</answer>' },
  // LLaVA-CoT's four stages: a plan, a caption of the image and the reasoning are all thought
  { region: 'think', open: '<SUMMARY>', close: '</SUMMARY>' },
  { region: 'think', open: '<CAPTION>', close: '</CAPTION>' },
  { region: 'think', open: '<REASONING>', close: '</REASONING>' },
  { region: 'answer', open: '<CONCLUSION>', close: '</CONCLUSION>' },
  { region: 'summary', open: '<summary>', close: '</summary>' },
  { region: 'tool-call', open: '<tool_call>', close: '</tool_call>' },
  { region: 'tool-call', open: '<code>', close: '</code>' },
  { region: 'tool-call', open: '[TOOL_CALL]' },
  { region: 'tool-output', open: '<tool_response>', close: '</tool_response>' },
  { region: 'tool-output', open: '<observation>', close: '</observation>' },
  { region: 'tool-output', open: '<|observation|>' },
  { region: 'tool-output', open: '[TOOL_RESPONSE]' },
  { region: 'model', open: '[ANSWER]' },
  {
    region: 'placeholder',
    open: '/<sub-image \\d+>|<image(?::[^>\\n]{0,200})?>|<\\|(?:im_end|endoftext|eot_id)\\|>|<\\|im_start\\|>(?:assistant|user|system|tool)?/',
  },
];

/** The marker set in force: the defaults, extended or replaced by a user's set. */
export function resolveMarkers(user?: RegionMarkers): readonly RegionMarker[] {
  if (!user) return DEFAULT_MARKERS;
  return user.extends ? [...DEFAULT_MARKERS, ...user.markers] : user.markers;
}

export interface RegionSpan {
  start: number;
  end: number;
  region: RegionKind;
}

export interface RegionScan {
  regions: RegionSpan[];
  /** Marker spans (tags and framework markers), in order. */
  markers: { start: number; end: number }[];
  /** Regions opened and never closed (a generation cut off inside them). */
  unclosed: RegionKind[];
}

interface Token {
  start: number;
  end: number;
  def: number;
  kind: 'open' | 'close' | 'start' | 'placeholder';
}

interface CompiledMarkers {
  defs: readonly RegionMarker[];
  re: RegExp;
  /** Capture group index → [def index, kind]. */
  groups: [number, Token['kind']][];
}

const cache = new WeakMap<readonly RegionMarker[], CompiledMarkers>();
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
/** A marker's regex source; capture groups in a user's regex become non-capturing (we number ours). */
const source = (s: string) =>
  s.length > 2 && s.startsWith('/') && s.endsWith('/')
    ? s.slice(1, -1).replace(/(^|[^\\])\((?!\?)/g, '$1(?:')
    : escape(s);

function compile(defs: readonly RegionMarker[]): CompiledMarkers {
  const hit = cache.get(defs);
  if (hit) return hit;
  const alts: string[] = [];
  const groups: [number, Token['kind']][] = [];
  defs.forEach((d, i) => {
    const kind = d.region === 'placeholder' ? 'placeholder' : d.close ? 'open' : 'start';
    alts.push(`(${source(d.open)})`);
    groups.push([i, kind]);
    if (d.close) {
      alts.push(`(${source(d.close)})`);
      groups.push([i, 'close']);
    }
  });
  const compiled = { defs, re: new RegExp(alts.join('|'), 'g'), groups };
  cache.set(defs, compiled);
  return compiled;
}

function tokens(text: string, c: CompiledMarkers): Token[] {
  const out: Token[] = [];
  c.re.lastIndex = 0;
  for (let m = c.re.exec(text); m; m = c.re.exec(text)) {
    if (m[0].length === 0) {
      c.re.lastIndex++;
      continue;
    }
    let g = 1;
    while (g < m.length && m[g] === undefined) g++;
    const [def, kind] = c.groups[g - 1]!;
    out.push({ start: m.index, end: m.index + m[0].length, def, kind });
  }
  return out;
}

const isBlank = (s: string) => !/\S/.test(s);
const TOOLISH = new Set<string>(['tool-call', 'tool-output']);

/** Splits `text` into regions around its markers. */
export function scanRegions(text: string, markers: readonly RegionMarker[] = DEFAULT_MARKERS): RegionScan {
  const c = compile(markers);
  const toks = tokens(text, c);
  const segs: { start: number; end: number; region: RegionKind | null; nextTok?: Token }[] = [];
  const markerSpans: { start: number; end: number }[] = [];
  const stack: { region: RegionKind; def: number; startOnly: boolean }[] = [];
  let pos = 0;
  let sawThink = false;
  const top = () => stack[stack.length - 1];
  for (const t of toks) {
    if (t.start > pos) segs.push({ start: pos, end: t.start, region: top()?.region ?? null, nextTok: t });
    markerSpans.push({ start: t.start, end: t.end });
    pos = t.end;
    const d = c.defs[t.def]!;
    const region = d.region as RegionKind;
    if (t.kind === 'placeholder') continue;
    if (t.kind === 'open' || t.kind === 'start') {
      // a start-only region (or an unclosed tool block) ends where the next region begins
      while (top() && (top()!.startOnly || (TOOLISH.has(top()!.region) && region !== 'answer'))) stack.pop();
      if (d.region === 'model') continue;
      if (region === 'think' && stack.some((s) => s.region === 'think')) continue; // a repeated open tag
      if (region === 'think') sawThink = true;
      stack.push({ region, def: t.def, startOnly: t.kind === 'start' });
      continue;
    }
    // a close tag
    let k = stack.length - 1;
    while (k >= 0 && stack[k]!.def !== t.def) k--;
    if (k >= 0) {
      stack.length = k;
      continue;
    }
    if (region === 'think' && !sawThink) {
      sawThink = true;
      // "</think>" with no opening tag: the opening one was in the prompt, so what came before was
      // thinking — unless nothing came before (a stray tag at the very start).
      for (const s of segs) if (s.region === null) s.region = 'think';
    }
  }
  if (pos < text.length) segs.push({ start: pos, end: text.length, region: top()?.region ?? null });
  const unclosed = stack.filter((s) => !s.startOnly).map((s) => s.region);

  // untagged text: what surrounds the tagged regions decides what it is
  const hasThink = segs.some((s) => s.region === 'think');
  let lastThink = -1;
  let firstThink = -1;
  segs.forEach((s, i) => {
    if (s.region === 'think') {
      lastThink = i;
      if (firstThink < 0) firstThink = i;
    }
  });
  const out: RegionSpan[] = [];
  const push = (start: number, end: number, region: RegionKind) => {
    if (end <= start || isBlank(text.slice(start, end))) {
      // whitespace joins the previous region so that steps keep covering the text between markers
      const prev = out[out.length - 1];
      if (prev && prev.end === start) prev.end = end;
      return;
    }
    const prev = out[out.length - 1];
    if (prev && prev.end === start && prev.region === region) prev.end = end;
    else out.push({ start, end, region });
  };
  let lastUntagged = -1;
  segs.forEach((s, i) => {
    if (s.region === null && !isBlank(text.slice(s.start, s.end))) lastUntagged = i;
  });
  segs.forEach((s, i) => {
    if (s.region !== null) return push(s.start, s.end, s.region);
    const beforeTool =
      s.nextTok && c.defs[s.nextTok.def]!.region === 'tool-output' && s.nextTok.kind !== 'close';
    if (hasThink) {
      if (beforeTool && i > firstThink) return push(s.start, s.end, 'tool-call');
      if (i > lastThink) return push(s.start, s.end, 'answer');
      return push(s.start, s.end, 'other');
    }
    // no thinking tags: untagged text is the reasoning, except a code block handed to a tool and a
    // closing "Answer" paragraph
    let end = s.end;
    if (beforeTool) {
      const fence = text.slice(s.start, s.end).search(/(^|\n)[ \t]*```[^\n]*\n[\s\S]*```\s*$/);
      if (fence >= 0) {
        const at = s.start + fence + (text[s.start + fence] === '\n' ? 1 : 0);
        push(s.start, at, 'think');
        return push(at, s.end, 'tool-call');
      }
    }
    if (i === lastUntagged && !segs.some((x) => x.region === 'answer')) {
      const answerAt = finalAnswerParagraph(text, s.start, s.end);
      push(s.start, answerAt, 'think');
      end = answerAt;
      return push(end, s.end, 'answer');
    }
    push(s.start, end, 'think');
  });
  return { regions: out, markers: markerSpans, unclosed };
}

/** Where a closing "Final Answer" / "Answer:" / "答案" paragraph starts in an untagged tail, or `end`. */
function finalAnswerParagraph(text: string, start: number, end: number): number {
  const from = Math.max(start, end - 2000);
  const tail = text.slice(from, end);
  const re = /(?:^|\n)[ \t]*(?:#{1,4}[ \t]*)?(?:\*\*)?(?:final answer|answer|最终答案|答案)(?![a-z])[^\n]*/gi;
  let at = -1;
  for (let m = re.exec(tail); m; m = re.exec(tail)) at = m.index + (tail[m.index] === '\n' ? 1 : 0);
  // the heading must lead a short closing part, not sit in the middle of the reasoning
  if (at < 0 || (at === 0 && from === start) || tail.length - at > 600) return end;
  return from + at;
}
