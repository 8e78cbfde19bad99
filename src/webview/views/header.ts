// The trace header: problem id, checkpoint, status and timing; the question (rich text) and
// choices; the extracted answer with where it was read from, its verdict and the reference; the
// loop badge; and the problem image (zoomable) or its description when the image is absent.
import type { AnnotatedTrace } from '../../core/schema';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { clear, el } from '../dom';
import { renderRich } from '../richText';
import { imageViewer } from './imageViewer';

function answerLine(t: AnnotatedTrace): HTMLElement {
  const a = t.answer;
  const verdict = a.correct === null ? 'unknown' : a.correct ? 'correct' : 'incorrect';
  return el(
    'div',
    { class: 'answer' },
    'Answer: ',
    el('code', {}, a.extracted ?? '—'),
    a.extracted === null && a.reason
      ? el('span', { class: 'muted' }, ` (${a.reason.replace(/-/g, ' ')})`)
      : null,
    a.convention
      ? el('span', { class: 'muted', title: 'Where the answer was read from' }, ` · ${a.convention}`)
      : null,
    ' ',
    el('span', { class: `answer-badge ${verdict}` }, a.correct === null ? 'no reference' : verdict),
    a.uncertain
      ? el(
          'span',
          { class: 'uncertain', title: 'A free-text reference, compared by containment: check it yourself' },
          ' ?',
        )
      : null,
    t.loop
      ? el(
          'span',
          { class: 'loop-badge', title: `The response ends repeating itself from step ${t.loop.step + 1}` },
          ` ⟳ looping from step ${t.loop.step + 1} (×${t.loop.repeats})`,
        )
      : null,
    t.problem?.answer ? el('span', { class: 'muted' }, ` reference: ${t.problem.answer}`) : null,
  );
}

function metaLine(t: AnnotatedTrace): HTMLElement {
  const timing = t.timing
    ? [
        t.timing.ttftMs !== undefined ? `TTFT ${t.timing.ttftMs.toFixed(0)} ms` : '',
        t.timing.totalMs !== undefined ? `total ${(t.timing.totalMs / 1000).toFixed(1)} s` : '',
        t.timing.tokensPerSecond !== undefined ? `${t.timing.tokensPerSecond.toFixed(1)} tok/s` : '',
      ]
        .filter(Boolean)
        .join(' · ')
    : '';
  const c = t.checkpoint;
  return el(
    'div',
    { class: 'meta' },
    el('strong', {}, t.problemId),
    ` · ${c.label || c.id} (${c.role}${c.step !== undefined ? `, step ${c.step}` : ''})`,
    t.status !== 'complete'
      ? el('span', { class: 'status-warn' }, ` · ${t.status}${t.error ? `: ${t.error}` : ''}`)
      : null,
    ' ',
    timing ? el('span', { class: 'muted' }, timing) : null,
  );
}

export interface HeaderImage {
  uri?: string;
  /** An image outside the folders the view may read, with the action that allows its folder. */
  blocked?: { path: string; folder: string };
  onAllow?: () => void;
}

function blockedImage(b: NonNullable<HeaderImage['blocked']>, onAllow?: () => void): HTMLElement {
  const allow = el(
    'vscode-button',
    { title: `Let trace views show images from ${b.folder}` },
    'Allow this folder',
  );
  if (onAllow) allow.addEventListener('click', onAllow);
  return el(
    'div',
    { class: 'image-blocked', role: 'note' },
    el(
      'div',
      {},
      'Image not shown: it lies outside the workspace, the trace file’s folder and cogtrace.imageRoots.',
    ),
    el('code', {}, b.path),
    allow,
  );
}

export function renderHeader(container: HTMLElement, t: AnnotatedTrace | undefined, image: HeaderImage = {}) {
  clear(container);
  if (!t) return;
  const q = el('div', { class: 'question' });
  if (t.problem?.question) renderRich(q, t.problem.question, 0, t.problem.question.length, [], []);
  const choices = t.problem?.choices?.length
    ? el('ol', { class: 'choices' }, ...t.problem.choices.map((c) => el('li', {}, c)))
    : null;
  container.append(el('div', { class: 'problem-text' }, metaLine(t), q, choices, answerLine(t)));
  const description = t.problem?.meta?.image_description;
  if (image.uri)
    container.append(imageViewer(image.uri, typeof description === 'string' ? description : undefined));
  else if (image.blocked) container.append(blockedImage(image.blocked, image.onAllow));
  else if (description)
    container.append(
      el(
        'div',
        { class: 'image-missing', title: 'Image description from the data' },
        `🖼 ${String(description)}`,
      ),
    );
}

export function renderEmpty(container: HTMLElement, message: string) {
  clear(container);
  container.append(el('div', { class: 'empty' }, message));
}
