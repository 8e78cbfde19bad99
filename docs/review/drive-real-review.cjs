// My own review of 12 real model traces (../shared/data/real, English and Chinese, seven model
// families), done through the extension in a real workbench: this script is the keyboard and mouse
// of that session (Playwright cannot be handed to a person here), and the decisions below are mine,
// made by reading each trace against the labelling conventions of ../shared/notes/domain.md.
// Run after `npm run build`: node docs/review/drive-real-review.cjs <workspace-with-real-review.trace.jsonl>
// Writes <workspace>/real-review.labels.jsonl by the extension's own review mode.
const { join } = require('node:path');
const W = require('../../dist/tests/workbench.js');

const B = [
  'backtracking',
  'verification',
  'subgoal_setting',
  'backward_chaining',
  'visual_reflection',
  'visual_divide_and_conquer',
  'visual_verification',
  'goal_driven_visual_tracing',
];
const digit = (b) => String(B.indexOf(b) + 1);

// per trace, in file order: detections decided (step, detected behavior, a | x | relabel target) and
// labels added by selecting a quote in a step
const DECISIONS = [
  [
    'real-04',
    [
      { add: 'subgoal_setting', step: 1, quote: '首先，我需要找出CD段的长度x。' },
      {
        add: 'backtracking',
        step: 8,
        quote: '或者，可以考虑整个过程中，电动机做的功等于物块增加的机械能加上克服摩擦力做的功。',
      },
      { add: 'backward_chaining', step: 8, quote: '所以，需要计算整个过程中克服摩擦力做的功。' },
      { add: 'verification', step: 11, quote: '不过，我得再检查一下这些推导是否正确。' },
    ],
  ],
  // "#### Step 1: Understand…" is the answer's format, not a plan
  ['real-10', [{ step: 2, det: 'subgoal_setting', do: 'x' }]],
  [
    'real-12',
    [
      { step: 0, det: 'subgoal_setting', do: 'visual_divide_and_conquer' },
      {
        add: 'visual_verification',
        step: 2,
        quote:
          'Wait, but the first emoji is a small island with a palm tree and sun, which is more like a deserted island.',
      },
      { step: 3, det: 'verification', do: 'visual_verification' },
    ],
  ],
  ['real-16', [{ step: 2, det: 'verification', do: 'a' }]],
  [
    'real-20',
    [
      { step: 0, det: 'subgoal_setting', do: 'x' },
      {
        add: 'subgoal_setting',
        step: 1,
        quote:
          'So, I need to identify which objects are not cubes initially and then subtract the brown cube',
      },
    ],
  ],
  [
    'real-23',
    [
      {
        add: 'goal_driven_visual_tracing',
        step: 0,
        quote:
          'I’ll start by cropping the central area where there’s a park with many people, as this seems like a likely place to find a dog.',
      },
      {
        add: 'goal_driven_visual_tracing',
        step: 2,
        quote:
          'I’ll crop a smaller area focusing on the left side of the park where there are more people walking along the path.',
      },
      { step: 4, det: 'visual_reflection', do: 'goal_driven_visual_tracing' },
    ],
  ],
  ['real-25', []],
  ['real-26', []],
  [
    'real-29',
    [
      {
        add: 'goal_driven_visual_tracing',
        step: 0,
        quote:
          'To determine the color of the suitcase, it would be helpful to zoom in on the area where the suitcase is located.',
      },
      { step: 2, det: 'visual_reflection', do: 'x' },
      { step: 3, det: 'visual_verification', do: 'x' },
      { step: 4, det: 'visual_verification', do: 'x' },
    ],
  ],
  [
    'real-31',
    [
      { step: 0, det: 'goal_driven_visual_tracing', do: 'a' },
      { step: 3, det: 'visual_verification', do: 'a' },
    ],
  ],
  [
    'real-33',
    [
      {
        add: 'subgoal_setting',
        step: 0,
        quote: "I'll substitute the coordinates of the point into the equation.",
      },
    ],
  ],
  [
    'real-36',
    [
      { step: 2, det: 'backtracking', do: 'x' },
      { step: 2, det: 'verification', do: 'x' },
      { step: 3, det: 'verification', do: 'visual_verification' },
    ],
  ],
];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const workspace = process.argv[2];
  const { report } = W.prepareWorkbench({ workspace });
  W.writeSettings('Default Light Modern', { 'cogtrace.review.reviewer': 'cogtrace-dev (self-review)' });
  const server = await W.startCodeServer({ workspace, report });
  const browser = await W.launchChromium();
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(server.url);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
  await sleep(4000);
  const wv = W.webview(page);
  await W.openFile(page, 'real-review.trace.jsonl');
  await page.locator('.tab.active', { hasText: 'real-review' }).waitFor({ timeout: 30000 });
  await W.waitReady(page, 60000);
  await wv.locator('.trace-item[data-index="0"]').click();
  await wv.locator('body[data-trace-index="0"]').waitFor();
  await W.runCommand(page, 'Cogtrace: Review Annotations');
  await wv.locator('.review-bar .review-progress').waitFor({ timeout: 10000 });
  const press = async (k) => {
    await page.keyboard.press(k);
    await sleep(250);
  };
  const showStep = async (k) => {
    for (let i = 0; i < 60; i++) {
      if (await wv.locator(`.step[data-step="${k}"]`).count()) return;
      await wv.locator('.steps').evaluate((e) => (e.scrollTop += 250));
      await sleep(100);
    }
    throw new Error(`step ${k} not shown`);
  };
  for (let t = 0; t < DECISIONS.length; t++) {
    const [id, ops] = DECISIONS[t];
    await wv.locator(`body[data-trace-index="${t}"]`).waitFor({ timeout: 15000 });
    await sleep(500);
    console.log(`${id}: ${ops.length} decision(s)`);
    for (const op of ops) {
      await wv.locator('.steps').evaluate((e) => (e.scrollTop = 0));
      await showStep(op.step);
      const row = wv.locator(`.step[data-step="${op.step}"]`);
      if (op.add) {
        const found = await row.locator('.step-body').evaluate((body, quote) => {
          // the quote's range across the step's text nodes (marks split them)
          const nodes = [];
          const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
          for (let n = walker.nextNode(); n; n = walker.nextNode()) nodes.push(n);
          const text = nodes.map((n) => n.textContent).join('');
          const at = text.indexOf(quote);
          if (at < 0) return false;
          const place = (off) => {
            for (const n of nodes) {
              if (off <= n.textContent.length) return [n, off];
              off -= n.textContent.length;
            }
          };
          const range = document.createRange();
          range.setStart(...place(at));
          range.setEnd(...place(at + quote.length));
          const sel = window.getSelection();
          sel.removeAllRanges();
          sel.addRange(range);
          return true;
        }, op.quote);
        if (!found) throw new Error(`${id}: quote not in step ${op.step}: ${op.quote}`);
        await press(digit(op.add));
        await row.locator(`.badge.review[data-state="added"]`).first().waitFor({ timeout: 5000 });
      } else {
        await row.locator(`.badge.review[data-key^="${op.det}@"]`).first().click();
        await sleep(200);
        await press(op.do === 'a' ? 'a' : op.do === 'x' ? 'x' : digit(op.do));
      }
    }
    await page.screenshot({ path: join(report, `review-${id}.png`) });
    await press('d');
  }
  await wv
    .locator('.review-progress', { hasText: `Reviewed ${DECISIONS.length}/${DECISIONS.length}` })
    .waitFor({ timeout: 10000 });
  console.log('all traces reviewed');
  await browser.close();
  server.proc.kill();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
