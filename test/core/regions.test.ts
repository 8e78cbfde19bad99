// Regions and their markers: think/answer/summary/tool blocks as real models and agent frameworks
// write them, malformed ones included, and a user's own marker set.
import { describe, expect, it } from 'vitest';
import { resolveMarkers, scanRegions } from '../../src/core/regions';
import { RegionMarkers } from '../../src/core/schema';
import { segment } from '../../src/core/segment';

const regionsOf = (s: string, markers?: Parameters<typeof scanRegions>[1]) =>
  scanRegions(s, markers).regions.map((r) => [r.region, s.slice(r.start, r.end).trim()]);

describe('regions', () => {
  it('reads think, answer and summary tags, and Kimi-VL think markers', () => {
    expect(regionsOf('<think>a b c</think><summary>sum up</summary>\\boxed{4}')).toEqual([
      ['think', 'a b c'],
      ['summary', 'sum up'],
      ['answer', '\\boxed{4}'],
    ]);
    expect(regionsOf('◁think▷look at it◁/think▷The answer is 3.')).toEqual([
      ['think', 'look at it'],
      ['answer', 'The answer is 3.'],
    ]);
    expect(regionsOf('<think>x</think> <answer>D</answer>')).toEqual([
      ['think', 'x'],
      ['answer', 'D'],
    ]);
  });

  it("reads LLaVA-CoT's four stages: plan, caption and reasoning are thought, the conclusion answers", () => {
    const llavaCot =
      '<SUMMARY> I will count the cubes, then subtract the large ones. </SUMMARY>\n\n<CAPTION> Three red cubes. </CAPTION>\n\n<REASONING> 3 - 1 = 2. </REASONING>\n\n<CONCLUSION> 2 </CONCLUSION>';
    expect(regionsOf(llavaCot)).toEqual([
      ['think', 'I will count the cubes, then subtract the large ones.'],
      ['think', 'Three red cubes.'],
      ['think', '3 - 1 = 2.'],
      ['answer', '2'],
    ]);
    // lower-case <summary> stays Kimi/OVR's closing summary
    expect(regionsOf('<think>x</think><summary>s</summary>')[1]).toEqual(['summary', 's']);
  });

  it('separates tool calls and tool output from reasoning (DeepEyes, Qwen-Agent, Skywork styles)', () => {
    const deepEyes =
      '<think>zoom on the suitcase</think>\n<tool_call>{"name": "zoom"}</tool_call>\n<tool_response><sub-image 1></tool_response>\n<think>It is brown.</think>\n<answer>brown</answer>';
    expect(regionsOf(deepEyes)).toEqual(
      [
        ['think', 'zoom on the suitcase'],
        ['tool-call', '{"name": "zoom"}'],
        ['tool-output', ''],
        ['think', 'It is brown.'],
        ['answer', 'brown'],
      ].filter(([, t]) => t !== ''),
    );
    const agent =
      '[ANSWER]\nI will zoom on the sign.\n[TOOL_CALL] zoom\n{"bbox": [1, 2]}\n[TOOL_RESPONSE] zoom\n\n[ANSWER]\nThe sign says Hop Inn.';
    expect(regionsOf(agent)).toEqual([
      ['think', 'I will zoom on the sign.'],
      ['tool-call', 'zoom\n{"bbox": [1, 2]}'],
      ['tool-output', 'zoom'],
      ['think', 'The sign says Hop Inn.'],
    ]);
    // untagged code right before an observation is the model's tool call
    const sky =
      '<think>crop the park</think>\n\nimport os\ncrop(1)\n<observation> <sub-image 1> </observation> <think>a dog</think>';
    expect(regionsOf(sky)).toEqual([
      ['think', 'crop the park'],
      ['tool-call', 'import os\ncrop(1)'],
      ['think', 'a dog'],
    ]);
  });

  it('survives malformed markers: never closed, stray, nested, a tool call left open', () => {
    expect(regionsOf('<think>cut off mid thought')).toEqual([['think', 'cut off mid thought']]);
    expect(scanRegions('<think>cut off').unclosed).toEqual(['think']);
    // a stray </think> at the very start (OVR's Fig. 8) does not turn the reasoning into an answer
    expect(regionsOf('</think> Okay, so I need X.\n</think>\nAnswer: 4')).toEqual([
      ['think', 'Okay, so I need X.'],
      ['answer', 'Answer: 4'],
    ]);
    // the opening tag was in the prompt (R1 style)
    expect(regionsOf('Let me think.</think>The answer is 2.')).toEqual([
      ['think', 'Let me think.'],
      ['answer', 'The answer is 2.'],
    ]);
    // <answer> inside <think>, and a <tool_call> that the next <think> closes
    expect(regionsOf('<think>so <answer>B</answer> right</think>')).toEqual([
      ['think', 'so'],
      ['answer', 'B'],
      ['think', 'right'],
    ]);
    expect(regionsOf('<think>a</think><tool_call>{"x":1}\n<think>b</think>')).toEqual([
      ['think', 'a'],
      ['tool-call', '{"x":1}'],
      ['think', 'b'],
    ]);
    expect(regionsOf('<answer>never closed')).toEqual([['answer', 'never closed']]);
  });

  it('takes a user marker set, extending or replacing the defaults', () => {
    const user = RegionMarkers.parse({
      markers: [
        { region: 'tool-call', open: '<<call>>', close: '<</call>>' },
        { region: 'tool-output', open: '/<env id=\\d+>/', close: '</env>' },
      ],
    });
    const s = '<think>plan</think><<call>>zoom<</call>><env id=3>crop</env><think>done</think>';
    expect(regionsOf(s, resolveMarkers(user))).toEqual([
      ['think', 'plan'],
      ['tool-call', 'zoom'],
      ['tool-output', 'crop'],
      ['think', 'done'],
    ]);
    const only = resolveMarkers(
      RegionMarkers.parse({ extends: false, markers: [{ region: 'think', open: '[[', close: ']]' }] }),
    );
    expect(regionsOf('<think>x</think>[[y]]', only)).toEqual([
      ['other', '<think>x</think>'],
      ['think', 'y'],
    ]);
  });

  it('never puts marker text inside a step, and makes each tool block one step', () => {
    const s =
      '<think>\nFirst, zoom in.\n</think>\n<tool_call>{"a": 1}\n{"b": 2}</tool_call>\n<answer>5</answer>';
    const steps = segment(s);
    for (const st of steps) expect(s.slice(st.start, st.end)).not.toMatch(/<\/?(think|tool_call|answer)>/);
    expect(steps.filter((x) => x.region === 'tool-call')).toHaveLength(1);
  });
});

describe('paragraph steps', () => {
  it('keeps a list with its lead-in and groups short lines, while cues start a new step', () => {
    const s =
      "Looking at the table:\n\n- f(2) = -3\n\n- g(2) = 1\n\n- g'(2) = 7\n\nPlugging these values into the product rule gives h'(2) = -29, which is our result for now.\n\nWait, let me double-check the sign of g'(2) once more before going on.";
    const t = texts(s, 'paragraph');
    expect(t[0]).toContain('Looking at the table:');
    expect(t[0]).toContain("- g'(2) = 7");
    expect(t.some((x) => x.startsWith('Wait, let me double-check'))).toBe(true);
  });
  it('splits Chinese sentences in sentence mode and keeps numbered items with their lead-in', () => {
    const s =
      '我需要求解的是：\n\n1. CD段的长度x；\n\n2. BC段的功率P。\n\n首先，物块做匀减速运动。然后我们计算加速度。';
    expect(texts(s, 'paragraph')[0]).toContain('2. BC段的功率P。');
    expect(texts(s, 'sentence')).toContain('然后我们计算加速度。');
  });
});

const texts = (s: string, mode: 'paragraph' | 'sentence') =>
  segment(s, { mode }).map((x) => s.slice(x.start, x.end).trim());
