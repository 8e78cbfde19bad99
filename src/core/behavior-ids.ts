// The eight behavior ids, free of any dependency so that the webview bundle stays small (and free of
// zod, whose JIT probe trips the webview's CSP).
export const BEHAVIOR_IDS = [
  'backtracking',
  'verification',
  'subgoal_setting',
  'backward_chaining',
  'visual_reflection',
  'visual_divide_and_conquer',
  'visual_verification',
  'goal_driven_visual_tracing',
] as const;
export type BehaviorIdValue = (typeof BEHAVIOR_IDS)[number];
