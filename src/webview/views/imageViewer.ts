// The problem image with wheel zoom, drag to pan and double-click to reset (transforms through the
// CSSOM, which the CSP allows).
import { el } from '../dom';

export function imageViewer(src: string, alt?: string): HTMLElement {
  const img = el('img', { alt: alt ?? 'problem image' });
  img.src = src;
  const frame = el(
    'div',
    { class: 'image-frame', title: 'Wheel to zoom, drag to pan, double-click to reset' },
    img,
  );
  let scale = 1;
  let x = 0;
  let y = 0;
  const apply = () => (img.style.transform = `translate(${x}px, ${y}px) scale(${scale})`);
  frame.addEventListener('wheel', (e) => {
    e.preventDefault();
    scale = Math.min(12, Math.max(0.5, scale * (e.deltaY < 0 ? 1.15 : 1 / 1.15)));
    apply();
  });
  let drag: { x: number; y: number } | null = null;
  frame.addEventListener('pointerdown', (e) => {
    drag = { x: e.clientX - x, y: e.clientY - y };
    frame.setPointerCapture(e.pointerId);
  });
  frame.addEventListener('pointermove', (e) => {
    if (!drag) return;
    x = e.clientX - drag.x;
    y = e.clientY - drag.y;
    apply();
  });
  frame.addEventListener('pointerup', () => (drag = null));
  frame.addEventListener('dblclick', () => {
    scale = 1;
    x = y = 0;
    apply();
  });
  return frame;
}
