// The labelled data's split, in one place: the traces the rules (and the shipped lexical model)
// were tuned on, and the quarter of dev3 nobody tuned on (problems split by sha1: session 6 tuned
// on problems whose hash starts with an even byte, session 7 on odd-then-even; odd-odd is held out).
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { loadTraces } from '../../src/core/files/traces';
import type { Trace } from '../../src/core/schema';

const byte = (p: string, i: number) => createHash('sha1').update(p).digest()[i]! % 2;
export const isHeldOut = (problemId: string) => byte(problemId, 0) === 1 && byte(problemId, 1) === 1;

const labelled = async (file: string) => (await loadTraces(file)).items.filter((t) => t.labels);

export async function tuningTraces(shared: string): Promise<Trace[]> {
  const dev3 = await labelled(join(shared, 'behaviors-dev3.jsonl'));
  return [
    ...(await labelled(join(shared, 'behaviors-dev.jsonl'))),
    ...(await labelled(join(shared, 'behaviors-dev2.jsonl'))),
    ...dev3.filter((t) => !isHeldOut(t.problemId)),
  ];
}

export async function heldOutTraces(shared: string): Promise<Trace[]> {
  return (await labelled(join(shared, 'behaviors-dev3.jsonl'))).filter((t) => isHeldOut(t.problemId));
}
