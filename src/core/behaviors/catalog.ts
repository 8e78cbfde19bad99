// The behavior catalog: the eight cognitive behaviors of the OVR paper, each once, with its label,
// family, default colour (a theme variable, so it follows the user's theme) and a one-line definition
// for tooltips. The ids, the labels every view shows, the host's default colours and the counting
// helper all derive from here. Free of any dependency: the webview bundle imports it (zod's JIT probe
// would trip the webview's CSP).

export type BehaviorFamily = 'linguistic' | 'visual';

export interface BehaviorInfo {
  readonly id: string;
  readonly label: string;
  readonly family: BehaviorFamily;
  /** Default colour; users override it with `cogtrace.behaviorColors`. */
  readonly color: string;
  readonly definition: string;
  /**
   * A check or a correction: it answers something already reasoned, so it never starts in the
   * reasoning's first sentence (real RL output opens with "The X in the image appears to be…",
   * which is a first reading, not a visual check).
   */
  readonly answersPrior: boolean;
}

const CATALOG = [
  {
    id: 'backtracking',
    label: 'Backtracking',
    family: 'linguistic',
    color: 'var(--vscode-charts-red)',
    definition:
      'Notices an approach or result is wrong or a dead end, abandons it and tries another or redoes it.',
    answersPrior: true,
  },
  {
    id: 'verification',
    label: 'Verification',
    family: 'linguistic',
    color: 'var(--vscode-charts-green)',
    definition:
      'Explicitly checks an intermediate or final result by reasoning or computation, without the image.',
    answersPrior: true,
  },
  {
    id: 'subgoal_setting',
    label: 'Subgoal setting',
    family: 'linguistic',
    color: 'var(--vscode-charts-blue)',
    definition: 'Breaks the task into stated intermediate goals before working toward them.',
    answersPrior: false,
  },
  {
    id: 'backward_chaining',
    label: 'Backward chaining',
    family: 'linguistic',
    color: 'var(--vscode-charts-purple)',
    definition: 'Starts from what the answer requires and works back to what is needed.',
    answersPrior: false,
  },
  {
    id: 'visual_reflection',
    label: 'Visual reflection',
    family: 'visual',
    color: 'var(--vscode-charts-orange)',
    definition: 'Returns to the image after suspecting a mistake or inconsistency, to correct course.',
    answersPrior: true,
  },
  {
    id: 'visual_divide_and_conquer',
    label: 'Visual divide & conquer',
    family: 'visual',
    color: 'var(--vscode-charts-yellow)',
    definition: 'Splits the image into regions, panels or parts and examines them in turn.',
    answersPrior: false,
  },
  {
    id: 'visual_verification',
    label: 'Visual verification',
    family: 'visual',
    color: 'var(--vscode-terminal-ansiCyan)',
    definition: 'Checks an intermediate conclusion against the image (re-reads, re-counts).',
    answersPrior: true,
  },
  {
    id: 'goal_driven_visual_tracing',
    label: 'Goal-driven visual tracing',
    family: 'visual',
    color: 'var(--vscode-terminal-ansiMagenta)',
    definition: 'From what the answer needs, searches the image for that specific evidence.',
    answersPrior: false,
  },
] as const satisfies readonly BehaviorInfo[];

type Ids<T extends readonly { id: string }[]> = { -readonly [K in keyof T]: T[K]['id'] };

/** The eight ids in the catalog's order (linguistic first), as a tuple for `z.enum`. */
export const BEHAVIOR_IDS = CATALOG.map((b) => b.id) as unknown as Ids<typeof CATALOG>;
export type BehaviorIdValue = (typeof CATALOG)[number]['id'];

export const BEHAVIORS: Readonly<Record<BehaviorIdValue, BehaviorInfo>> = Object.fromEntries(
  CATALOG.map((b) => [b.id, b]),
) as Record<BehaviorIdValue, BehaviorInfo>;

export const behaviorLabel = (id: string): string => BEHAVIORS[id as BehaviorIdValue]?.label ?? id;

/** Default colours by id (theme variables). */
export const DEFAULT_BEHAVIOR_COLORS: Readonly<Record<BehaviorIdValue, string>> = Object.fromEntries(
  CATALOG.map((b) => [b.id, b.color]),
) as Record<BehaviorIdValue, string>;

/** Per-behavior counts of detections over steps; every id present, zero when absent. */
export function countBehaviors(
  steps: readonly { behaviors: readonly { id: BehaviorIdValue }[] }[],
): Record<BehaviorIdValue, number> {
  const c = Object.fromEntries(BEHAVIOR_IDS.map((b) => [b, 0])) as Record<BehaviorIdValue, number>;
  for (const s of steps) for (const h of s.behaviors) c[h.id]++;
  return c;
}
