// Small SVG charts for the statistics view, built node by node (createElementNS + geometry
// attributes; colours through the CSSOM), so they render under the strict CSP, follow the theme, and
// export as standalone SVG (computed colours written as attributes) and PNG (the SVG drawn on a
// canvas). Two kinds: grouped bars with 95% interval whiskers, and lines over training steps.

const NS = 'http://www.w3.org/2000/svg';
const GEOMETRY = new Set([
  'x',
  'y',
  'x1',
  'x2',
  'y1',
  'y2',
  'width',
  'height',
  'd',
  'viewBox',
  'text-anchor',
  'class',
  'r',
  'cx',
  'cy',
  'transform',
  'role',
  'aria-label',
  'font-size',
  'fill',
  'stroke',
  'stroke-width',
  'fill-opacity',
]);

function s<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number> = {},
  text?: string,
) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (!GEOMETRY.has(k)) throw new Error(`svg: attribute ${k} not allowed`);
    e.setAttribute(k, String(v));
  }
  if (text !== undefined) e.textContent = text;
  return e;
}

const paint = (e: SVGElement, color: string, prop: 'fill' | 'stroke' = 'fill') => {
  e.style.setProperty(prop, color);
  return e;
};

export interface Series {
  name: string;
  color: string;
  /** One value per category: rate in [0, 1] and its interval. */
  values: { rate: number; low: number; high: number; label?: string }[];
}

function frame(width: number, height: number, title: string) {
  const svg = s('svg', {
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: 'img',
    'aria-label': title,
  });
  svg.append(s('title', {}, title));
  return svg;
}

function yAxis(svg: SVGSVGElement, left: number, top: number, h: number, right: number) {
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    const y = top + h * (1 - t);
    svg.append(
      paint(
        s('line', { x1: left, x2: right, y1: y, y2: y, class: 'grid', 'stroke-width': 1 }),
        'var(--vscode-editorWidget-border, #8884)',
        'stroke',
      ),
    );
    svg.append(
      paint(
        s('text', { x: left - 6, y: y + 4, 'text-anchor': 'end', 'font-size': 11 }, `${t * 100}%`),
        'var(--vscode-descriptionForeground)',
      ),
    );
  }
}

function legend(svg: SVGSVGElement, series: readonly Series[], x: number, y: number) {
  series.forEach((sr, i) => {
    svg.append(paint(s('rect', { x: x + i * 170, y: y - 9, width: 10, height: 10 }), sr.color));
    svg.append(
      paint(s('text', { x: x + i * 170 + 14, y, 'font-size': 12 }, sr.name), 'var(--vscode-foreground)'),
    );
  });
}

/** Grouped bars: one group per category, one bar per series, a whisker for each interval. */
export function barChart(
  title: string,
  categories: readonly string[],
  series: readonly Series[],
): SVGSVGElement {
  const left = 44;
  const top = 28;
  const h = 200;
  const group = Math.max(84, series.length * 22 + 16);
  const width = left + categories.length * group + 10;
  const height = top + h + 64;
  const svg = frame(width, height, title);
  yAxis(svg, left, top, h, width - 10);
  legend(svg, series, left, 14);
  const bw = (group - 16) / Math.max(1, series.length);
  categories.forEach((cat, ci) => {
    const gx = left + ci * group + 8;
    series.forEach((sr, si) => {
      const v = sr.values[ci]!;
      const x = gx + si * bw;
      const y = top + h * (1 - v.rate);
      const bar = paint(
        s('rect', { x, y, width: Math.max(1, bw - 3), height: Math.max(0, top + h - y), class: 'bar' }),
        sr.color,
      );
      bar.append(
        s(
          'title',
          {},
          `${sr.name} · ${cat}: ${(v.rate * 100).toFixed(1)}% (95% CI ${(v.low * 100).toFixed(1)}–${(v.high * 100).toFixed(1)}%)${v.label ? ` · ${v.label}` : ''}`,
        ),
      );
      svg.append(bar);
      const cx = x + (bw - 3) / 2;
      const [y1, y2] = [top + h * (1 - v.high), top + h * (1 - v.low)];
      for (const [a, b, c, d] of [
        [cx, y1, cx, y2],
        [cx - 3, y1, cx + 3, y1],
        [cx - 3, y2, cx + 3, y2],
      ] as const)
        svg.append(
          paint(
            s('line', { x1: a, y1: b, x2: c, y2: d, 'stroke-width': 1.2, class: 'whisker' }),
            'var(--vscode-foreground)',
            'stroke',
          ),
        );
    });
    const words = cat.split(' ');
    const mid = gx + (group - 16) / 2;
    const t = paint(
      s('text', { x: mid, y: top + h + 16, 'text-anchor': 'middle', 'font-size': 11 }),
      'var(--vscode-foreground)',
    );
    // two lines at most: category names are short ("Visual divide & conquer")
    const half = Math.ceil(words.length / 2);
    t.append(s('tspan', { x: mid }, words.slice(0, half).join(' ')));
    if (words.length > 1) t.append(s('tspan', { x: mid, y: top + h + 30 }, words.slice(half).join(' ')));
    svg.append(t);
  });
  return svg;
}

/** Lines of rates (one per series) against training steps on the x axis. */
export function lineChart(title: string, steps: readonly number[], series: readonly Series[]): SVGSVGElement {
  const left = 44;
  const top = 28;
  const h = 200;
  const w = 560;
  const svg = frame(left + w + 20, top + h + 40 + Math.ceil(series.length / 3) * 16, title);
  yAxis(svg, left, top, h, left + w);
  const lo = Math.min(...steps);
  const hi = Math.max(...steps);
  const x = (st: number) => left + (hi === lo ? w / 2 : ((st - lo) / (hi - lo)) * w);
  for (const st of steps)
    svg.append(
      paint(
        s('text', { x: x(st), y: top + h + 16, 'text-anchor': 'middle', 'font-size': 11 }, String(st)),
        'var(--vscode-foreground)',
      ),
    );
  for (const sr of series) {
    const d = sr.values
      .map((v, i) => `${i ? 'L' : 'M'}${x(steps[i]!).toFixed(1)},${(top + h * (1 - v.rate)).toFixed(1)}`)
      .join(' ');
    const path = paint(paint(s('path', { d, 'stroke-width': 2, class: 'line' }), sr.color, 'stroke'), 'none');
    path.append(s('title', {}, sr.name));
    svg.append(path);
  }
  series.forEach((sr, i) => {
    const lx = left + (i % 3) * 190;
    const ly = top + h + 34 + Math.floor(i / 3) * 16;
    svg.append(paint(s('rect', { x: lx, y: ly - 9, width: 10, height: 10 }), sr.color));
    svg.append(paint(s('text', { x: lx + 14, y: ly, 'font-size': 11 }, sr.name), 'var(--vscode-foreground)'));
  });
  return svg;
}

/** A standalone copy of a chart: theme colours resolved and written as attributes. */
export function exportSvg(svg: SVGSVGElement): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  const live = [svg, ...svg.querySelectorAll('*')] as SVGElement[];
  const dead = [copy, ...copy.querySelectorAll('*')] as SVGElement[];
  live.forEach((e, i) => {
    const c = getComputedStyle(e);
    const d = dead[i]!;
    d.removeAttribute('style');
    if (e.style.fill) d.setAttribute('fill', c.fill);
    if (e.style.stroke) d.setAttribute('stroke', c.stroke);
  });
  copy.setAttribute('xmlns', NS);
  copy.setAttribute('font-family', getComputedStyle(document.body).fontFamily);
  return new XMLSerializer().serializeToString(copy);
}

/** The chart as a PNG data URL (2× for sharpness), on the editor's background. */
export async function exportPng(svg: SVGSVGElement): Promise<string> {
  const text = exportSvg(svg);
  const img = new Image();
  img.src = `data:image/svg+xml;base64,${btoa(unescape(encodeURIComponent(text)))}`;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = img.width * 2;
  canvas.height = img.height * 2;
  const g = canvas.getContext('2d')!;
  g.fillStyle = getComputedStyle(document.body).backgroundColor;
  g.fillRect(0, 0, canvas.width, canvas.height);
  g.scale(2, 2);
  g.drawImage(img, 0, 0);
  return canvas.toDataURL('image/png');
}
