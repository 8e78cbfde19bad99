// Renders a step's text: plain text as text nodes, LaTeX through katex.render (DOM + CSSOM, which
// the strict CSP allows; renderToString + innerHTML would lose every inline style), code fences
// from host-side shiki tokens, cues and search hits as <mark>.
import katex from 'katex';
import type { CodeBlock } from '../protocol/traceView';
import { el } from './dom';

export interface Mark {
  start: number;
  end: number;
  className: string;
  title?: string;
}

interface Segment {
  start: number;
  end: number;
  kind: 'text' | 'math' | 'code';
  display?: boolean;
  tex?: string;
  block?: CodeBlock;
}

const MATH =
  /\$\$([\s\S]+?)\$\$|\\\[([\s\S]+?)\\\]|\\\(([\s\S]+?)\\\)|\$([^$\n]+?)\$|\\begin\{(equation\*?|align\*?|gather\*?|aligned|cases|[pbv]?matrix)\}([\s\S]*?)\\end\{\5\}/g;

/** Splits [from, to) of `text` into text, math and code segments. */
export function segmentsOf(text: string, from: number, to: number, code: CodeBlock[]): Segment[] {
  const out: Segment[] = [];
  let at = from;
  const blocks = code.filter((b) => b.start >= from && b.end <= to);
  const pushText = (s: number, e: number) => {
    if (e <= s) return;
    const slice = text.slice(s, e);
    MATH.lastIndex = 0;
    let m: RegExpExecArray | null;
    let last = 0;
    while ((m = MATH.exec(slice))) {
      if (m.index > last) out.push({ start: s + last, end: s + m.index, kind: 'text' });
      const tex = m[1] ?? m[2] ?? m[3] ?? m[4] ?? m[0];
      out.push({
        start: s + m.index,
        end: s + m.index + m[0].length,
        kind: 'math',
        display: m[1] !== undefined || m[2] !== undefined || m[5] !== undefined,
        tex,
      });
      last = m.index + m[0].length;
    }
    if (last < slice.length) out.push({ start: s + last, end: e, kind: 'text' });
  };
  for (const b of blocks) {
    pushText(at, b.start);
    out.push({ start: b.start, end: b.end, kind: 'code', block: b });
    at = b.end;
  }
  pushText(at, to);
  return out;
}

function textWithMarks(text: string, start: number, end: number, marks: Mark[]): Node[] {
  const nodes: Node[] = [];
  const inside = marks.filter((m) => m.start < end && m.end > start).sort((a, b) => a.start - b.start);
  let at = start;
  for (const m of inside) {
    const s = Math.max(m.start, at);
    const e = Math.min(m.end, end);
    if (s > at) nodes.push(document.createTextNode(text.slice(at, s)));
    if (e > s) {
      const mk = el('mark', { class: m.className, ...(m.title ? { title: m.title } : {}) }, text.slice(s, e));
      nodes.push(mk);
      at = e;
    }
  }
  if (at < end) nodes.push(document.createTextNode(text.slice(at, end)));
  return nodes;
}

export function renderRich(
  container: HTMLElement,
  text: string,
  from: number,
  to: number,
  code: CodeBlock[],
  marks: Mark[],
) {
  for (const seg of segmentsOf(text, from, to, code)) {
    if (seg.kind === 'text') {
      container.append(...textWithMarks(text, seg.start, seg.end, marks));
    } else if (seg.kind === 'math') {
      const span = el('span', {
        class: seg.display ? 'math display' : 'math',
        title: text.slice(seg.start, seg.end),
      });
      const marked = marks.some((m) => m.start < seg.end && m.end > seg.start);
      if (marked) span.classList.add('marked');
      try {
        katex.render(seg.tex!, span, {
          displayMode: !!seg.display,
          throwOnError: false,
          trust: false,
          strict: 'ignore',
          maxExpand: 500,
          maxSize: 20,
        });
      } catch {
        span.textContent = text.slice(seg.start, seg.end);
      }
      container.append(span);
    } else {
      const pre = el('pre', { class: 'code', 'data-lang': seg.block!.lang });
      for (const line of seg.block!.lines) {
        const lineEl = el('div', { class: 'code-line' });
        for (const t of line) {
          const span = el('span', {}, t.content);
          if (t.color) span.style.color = t.color; // CSSOM: allowed by the CSP
          if (t.fontStyle && t.fontStyle & 1) span.style.fontStyle = 'italic';
          if (t.fontStyle && t.fontStyle & 2) span.style.fontWeight = 'bold';
          lineEl.append(span);
        }
        pre.append(lineEl);
      }
      container.append(pre);
    }
  }
}

/** Token-confidence view: each token shaded by its probability (plain text, no math rendering). */
export function renderTokens(
  container: HTMLElement,
  tokens: { text: string; logprob?: number; entropy?: number }[],
  offsets: number[],
  from: number,
  to: number,
) {
  for (let i = 0; i < tokens.length; i++) {
    const s = offsets[i]!;
    const e = s + tokens[i]!.text.length;
    if (e <= from || s >= to) continue;
    const t = tokens[i]!;
    const span = el(
      'span',
      {
        class: 'tok',
        title:
          t.logprob !== undefined
            ? `p=${Math.exp(t.logprob).toFixed(3)}${t.entropy !== undefined ? ` H=${t.entropy.toFixed(2)}` : ''}`
            : '',
      },
      t.text,
    );
    if (t.logprob !== undefined)
      span.style.setProperty('--uncertainty', (1 - Math.exp(t.logprob)).toFixed(3));
    container.append(span);
  }
}
