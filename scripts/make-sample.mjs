// Writes sample/: problems with images and recorded traces of two checkpoints (cold-start, RL), made
// from the labelled dev traces, plus images drawn from SVG. Run once; the result is committed so that
// `npm start` needs nothing outside the repository.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';

const root = join(import.meta.dirname, '..', 'sample');
const dev = readFileSync(
  join(import.meta.dirname, '..', '..', 'shared', 'data', 'behaviors-dev.jsonl'),
  'utf8',
)
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l));
mkdirSync(join(root, 'images'), { recursive: true });

const esc = (s) =>
  s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]);
function wrap(text, n) {
  const words = text.split(/\s+/);
  const lines = [''];
  for (const w of words) {
    if ((lines.at(-1) + ' ' + w).length > n) lines.push(w);
    else lines[lines.length - 1] = (lines.at(-1) + ' ' + w).trim();
  }
  return lines;
}
const svgs = {
  'clock-01': () => {
    const ticks = Array.from({ length: 12 }, (_, i) => {
      const a = (i * 30 * Math.PI) / 180;
      return `<text x="${200 + 150 * Math.sin(a)}" y="${208 - 150 * Math.cos(a)}" font-size="26" text-anchor="middle">${i === 0 ? 12 : i}</text>`;
    }).join('');
    const hand = (deg, len, w) =>
      `<line x1="200" y1="200" x2="${200 + len * Math.sin((deg * Math.PI) / 180)}" y2="${200 - len * Math.cos((deg * Math.PI) / 180)}" stroke="#222" stroke-width="${w}" stroke-linecap="round"/>`;
    return `<circle cx="200" cy="200" r="180" fill="#fff" stroke="#333" stroke-width="6"/>${ticks}${hand(240, 150, 5)}${hand(110, 95, 9)}`;
  },
  'pie-10': () =>
    pie(
      [
        ['Housing', 35, '#4e79a7'],
        ['Food', 25, '#f28e2b'],
        ['Transport', 15, '#bab0ac'],
        ['Entertainment', 10, '#b07aa1'],
        ['Savings', 15, '#59a14f'],
      ],
      true,
    ),
  'pie-11': () =>
    pie(
      [
        ['Apples', 120, '#e15759'],
        ['Bananas', 90, '#edc948'],
        ['Oranges', 72, '#f28e2b'],
        ['Other', 18, '#bab0ac'],
        ['Grapes', 60, '#76b7b2'],
      ],
      false,
    ),
  'venn-09': () =>
    `<circle cx="160" cy="210" r="110" fill="#4e79a744" stroke="#4e79a7" stroke-width="3"/><circle cx="260" cy="210" r="110" fill="#f28e2b44" stroke="#f28e2b" stroke-width="3"/><text x="120" y="80" font-size="24">Tea (30)</text><text x="240" y="80" font-size="24">Coffee (25)</text><text x="205" y="218" font-size="28" text-anchor="middle">x</text><text x="30" y="370" font-size="24">8</text><rect x="10" y="40" width="390" height="350" fill="none" stroke="#333"/>`,
  'coord-12': () =>
    grid(
      [
        [1, 2, 'A'],
        [5, 4, 'B'],
        [3, 7, 'C'],
      ],
      true,
    ),
};
function pie(slices, percent) {
  const total = slices.reduce((s, x) => s + x[1], 0);
  let a = 0;
  return slices
    .map(([name, v, col]) => {
      const a0 = (a / total) * 2 * Math.PI;
      a += v;
      const a1 = (a / total) * 2 * Math.PI;
      const p = (t, r = 160) => [200 + r * Math.sin(t), 210 - r * Math.cos(t)];
      const [x0, y0] = p(a0);
      const [x1, y1] = p(a1);
      const [lx, ly] = p((a0 + a1) / 2, 105);
      const label = name === 'Savings' || name === 'Grapes' ? name : `${name} ${percent ? v + '%' : v + '°'}`;
      return `<path d="M200,210 L${x0},${y0} A160,160 0 ${a1 - a0 > Math.PI ? 1 : 0},1 ${x1},${y1} Z" fill="${col}" stroke="#fff" stroke-width="2"/><text x="${lx}" y="${ly}" font-size="15" text-anchor="middle">${label}</text>`;
    })
    .join('');
}
function grid(points, poly) {
  const X = (x) => 40 + x * 40;
  const Y = (y) => 380 - y * 40;
  let s = '';
  for (let i = 0; i <= 8; i++)
    s += `<line x1="${X(i)}" y1="${Y(0)}" x2="${X(i)}" y2="${Y(8)}" stroke="#ccc"/><line x1="${X(0)}" y1="${Y(i)}" x2="${X(8)}" y2="${Y(i)}" stroke="#ccc"/>`;
  if (poly)
    s += `<polygon points="${points.map(([x, y]) => `${X(x)},${Y(y)}`).join(' ')}" fill="#4e79a733" stroke="#4e79a7" stroke-width="3"/>`;
  for (const [x, y, n] of points)
    s += `<circle cx="${X(x)}" cy="${Y(y)}" r="5" fill="#e15759"/><text x="${X(x) + 8}" y="${Y(y) - 8}" font-size="20">${n}</text>`;
  return s;
}
function card(desc) {
  return (
    `<rect x="10" y="10" width="380" height="380" rx="14" fill="#f6f8fa" stroke="#888"/>` +
    wrap(desc, 38)
      .slice(0, 14)
      .map((l, i) => `<text x="24" y="${48 + i * 24}" font-size="17">${esc(l)}</text>`)
      .join('')
  );
}

const problems = new Map();
for (const r of dev) problems.set(r.problem_id, r.problem);
for (const [id, p] of problems) {
  const body = (svgs[id] ?? (() => card(p.image_description)))();
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400" viewBox="0 0 400 400" font-family="DejaVu Sans, sans-serif"><rect width="400" height="400" fill="#fff"/>${body}</svg>`;
  await sharp(Buffer.from(svg))
    .png()
    .toFile(join(root, 'images', `${id}.png`));
}
const problemLines = [...problems].map(([id, p]) =>
  JSON.stringify({
    id,
    question: p.question,
    choices: p.choices ?? undefined,
    answer: p.answer,
    image: `images/${id}.png`,
    meta: { image_description: p.image_description },
  }),
);
writeFileSync(join(root, 'problems.jsonl'), problemLines.join('\n') + '\n');

const traceOf = (r) => ({
  schemaVersion: 1,
  id: r.id,
  problemId: r.problem_id,
  checkpoint:
    r.checkpoint === 'rl'
      ? { id: 'rl', label: 'OVR-7B-RL', role: 'rl', step: 1000 }
      : { id: 'cold-start', label: 'OVR-7B-ColdStart', role: 'cold-start', step: 0 },
  model: {
    name: r.checkpoint === 'rl' ? 'OVR-7B-RL (recorded sample)' : 'OVR-7B-ColdStart (recorded sample)',
  },
  response: r.response,
  status: 'complete',
  problem: {
    id: r.problem_id,
    question: r.problem.question,
    ...(r.problem.choices ? { choices: r.problem.choices } : {}),
    answer: r.problem.answer,
    image: `images/${r.problem_id}.png`,
    meta: { image_description: r.problem.image_description },
  },
});
const all = dev.map(traceOf);
writeFileSync(join(root, 'ovr-sample.trace.jsonl'), all.map((t) => JSON.stringify(t)).join('\n') + '\n');
writeFileSync(
  join(root, 'cold-start.trace.jsonl'),
  all
    .filter((t) => t.checkpoint.id === 'cold-start')
    .map((t) => JSON.stringify(t))
    .join('\n') + '\n',
);
writeFileSync(
  join(root, 'rl.trace.jsonl'),
  all
    .filter((t) => t.checkpoint.id === 'rl')
    .map((t) => JSON.stringify(t))
    .join('\n') + '\n',
);

// a looping, code-bearing trace with token log-probabilities, to show the loop marker and shading
const loopText = [
  '<think>\nLet me count the dots in the figure row by row.',
  ...Array.from({ length: 6 }, () => 'Row 3 has 4 dots.'),
  'Wait, I keep repeating myself. Let me compute it instead:',
  '```python\nrows = [1, 2, 3, 4]\nprint(sum(rows))\n```',
  'So the total is $1 + 2 + 3 + 4 = 10$.\n</think>\n\nAnswer: \\boxed{10}',
].join('\n\n');
const toks = loopText.match(/\s*\S+/g);
writeFileSync(
  join(root, 'looping.trace.jsonl'),
  JSON.stringify({
    schemaVersion: 1,
    id: 'dots-loop/rl',
    problemId: 'dots-loop',
    checkpoint: { id: 'rl', label: 'OVR-7B-RL', role: 'rl' },
    response: loopText,
    tokens: toks.map((t, i) => ({ text: t, logprob: -((i * 37) % 11) / 8 })),
    status: 'complete',
    problem: { id: 'dots-loop', question: 'How many dots are in the triangle?', answer: '10', meta: {} },
  }) + '\n',
);
writeFileSync(
  join(root, 'README.md'),
  '# Cogtrace sample workspace\n\nOpen `ovr-sample.trace.jsonl` (cold-start and RL traces of 15 visual problems), `looping.trace.jsonl`, or run\n`npx cogtrace diff cold-start.trace.jsonl rl.trace.jsonl --problem pie-11` and `npx cogtrace stats ovr-sample.trace.jsonl` in a terminal.\n',
);
console.log(`sample written to ${root}`);
