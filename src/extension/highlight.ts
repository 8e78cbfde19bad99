// Code fences in responses, highlighted with shiki on the host (tokens, not HTML: the webview's CSP
// drops inline style attributes, so it colours spans through the CSSOM).
import type { CodeBlock } from '../protocol/traceView';

type Highlighter = Awaited<ReturnType<(typeof import('shiki/core'))['createHighlighterCore']>>;
let highlighter: Promise<Highlighter> | undefined;

const LANGS: Record<string, () => Promise<unknown>> = {
  python: () => import('shiki/langs/python.mjs'),
  javascript: () => import('shiki/langs/javascript.mjs'),
  typescript: () => import('shiki/langs/typescript.mjs'),
  json: () => import('shiki/langs/json.mjs'),
  bash: () => import('shiki/langs/bash.mjs'),
  latex: () => import('shiki/langs/latex.mjs'),
};
const ALIASES: Record<string, string> = {
  py: 'python',
  js: 'javascript',
  ts: 'typescript',
  sh: 'bash',
  shell: 'bash',
  tex: 'latex',
};
export const THEMES = {
  light: 'github-light',
  dark: 'github-dark',
  'high-contrast': 'github-dark-high-contrast',
  'high-contrast-light': 'github-light-high-contrast',
} as const;
export type ThemeKind = keyof typeof THEMES;

async function getHighlighter(): Promise<Highlighter> {
  highlighter ??= (async () => {
    const { createHighlighterCore } = await import('shiki/core');
    const { createJavaScriptRegexEngine } = await import('shiki/engine/javascript');
    return createHighlighterCore({
      themes: [
        import('shiki/themes/github-light.mjs'),
        import('shiki/themes/github-dark.mjs'),
        import('shiki/themes/github-dark-high-contrast.mjs'),
        import('shiki/themes/github-light-high-contrast.mjs'),
      ] as never,
      langs: Object.values(LANGS).map((l) => l()) as never,
      engine: createJavaScriptRegexEngine(),
    });
  })();
  return highlighter;
}

const FENCE = /^```[ \t]*([\w+-]*)[^\n]*\n([\s\S]*?)^```[ \t]*$/gm;

export async function highlightCodeBlocks(text: string, theme: ThemeKind): Promise<CodeBlock[]> {
  const blocks: CodeBlock[] = [];
  FENCE.lastIndex = 0;
  const found: { start: number; end: number; lang: string; code: string }[] = [];
  let m: RegExpExecArray | null;
  while ((m = FENCE.exec(text)))
    found.push({
      start: m.index,
      end: m.index + m[0].length,
      lang: (m[1] ?? '').toLowerCase(),
      code: m[2] ?? '',
    });
  if (!found.length) return blocks;
  const h = await getHighlighter();
  for (const f of found) {
    const lang = ALIASES[f.lang] ?? f.lang;
    if (!(lang in LANGS)) {
      blocks.push({
        start: f.start,
        end: f.end,
        lang: f.lang,
        lines: f.code
          .replace(/\n$/, '')
          .split('\n')
          .map((l) => [{ content: l }]),
      });
      continue;
    }
    const r = h.codeToTokens(f.code.replace(/\n$/, ''), { lang, theme: THEMES[theme] });
    blocks.push({
      start: f.start,
      end: f.end,
      lang,
      lines: r.tokens.map((line) =>
        line.map((t) => ({ content: t.content, color: t.color, fontStyle: t.fontStyle })),
      ),
    });
  }
  return blocks;
}
