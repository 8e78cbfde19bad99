// Keyboard shortcuts inside a webview (outside text fields): j/k or Alt+↓/↑ move between steps,
// n jumps to the next behavior, / focuses search. The host sends the same intents as commands.
export type KeyIntent = 'nextStep' | 'previousStep' | 'nextBehavior' | 'focusSearch';

export function keyIntent(e: Pick<KeyboardEvent, 'key' | 'altKey'>): KeyIntent | undefined {
  if (e.key === 'j' || (e.altKey && e.key === 'ArrowDown')) return 'nextStep';
  if (e.key === 'k' || (e.altKey && e.key === 'ArrowUp')) return 'previousStep';
  if (e.key === 'n') return 'nextBehavior';
  if (e.key === '/') return 'focusSearch';
  return undefined;
}

export function installKeys(run: (intent: KeyIntent) => void) {
  document.addEventListener('keydown', (e) => {
    const tag = (e.target as HTMLElement | null)?.tagName ?? '';
    if (tag.startsWith('VSCODE-TEXTFIELD') || tag === 'INPUT' || tag === 'TEXTAREA') return;
    const intent = keyIntent(e);
    if (!intent) return;
    e.preventDefault();
    run(intent);
  });
}
