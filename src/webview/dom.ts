// DOM helpers. Model output only ever becomes text nodes or KaTeX-built nodes: never markup.
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string | null | undefined)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (
      k.startsWith('data-') ||
      k === 'title' ||
      k === 'role' ||
      k === 'tabindex' ||
      k.startsWith('aria-') ||
      k === 'placeholder' ||
      k === 'alt' ||
      k === 'value'
    )
      e.setAttribute(k, v);
    else throw new Error(`el: attribute ${k} not allowed`);
  }
  for (const c of children)
    if (c !== null && c !== undefined) e.append(typeof c === 'string' ? document.createTextNode(c) : c);
  return e;
}

export function clear(e: Element) {
  while (e.firstChild) e.removeChild(e.firstChild);
}
