// The answer protocol (docs/protocol.md section 1), the browser twin of `worldmodel.protocol`:
// same tags, same parsing, same computed block, same provenance rule.

import type { RunResult } from './sandbox-types';

export const THINK_OPEN = '<think>';
export const THINK_CLOSE = '</think>';
export const WAT_OPEN = '<wat_model>';
export const WAT_CLOSE = '</wat_model>';
export const BYTELOG_OPEN = '<computation>';
export const BYTELOG_CLOSE = '</computation>';
export const COMPUTED_OPEN = '<computed>';
export const COMPUTED_CLOSE = '</computed>';
/** Decoding pauses at these: the runtime must run the program before the model may go on. */
export const PROGRAM_CLOSE_TAGS = [WAT_CLOSE, BYTELOG_CLOSE];

/** `<computed>TEXT</computed>` on success, `<computed error="KIND">MESSAGE</computed>` (one line) on failure. */
export function computedBlock(result: RunResult): string {
  if (result.ok) return `${COMPUTED_OPEN}${result.computedText}${COMPUTED_CLOSE}`;
  const message = (result.errorMessage ?? '').split(/\s+/).filter(Boolean).join(' ') || result.errorKind;
  return `<computed error="${result.errorKind}">${message}${COMPUTED_CLOSE}`;
}

/** What the runtime appends to the context after a program closes (worldmodel.generate INJECT_PREFIX/SUFFIX). */
export function computedInjection(result: RunResult): string {
  return `\n${computedBlock(result)}\n`;
}

/** The final answer after a runtime error under onError "template" (worldmodel.generate.could_not_compute). */
export function couldNotCompute(errorKind: string): string {
  return `I could not compute the answer: the program I wrote failed (${errorKind}), so I will not guess a value.`;
}

export interface Answer {
  think: string | null;
  wat: string | null;
  bytelog: string | null;
  computed: string | null;
  /** The error kind when the runtime failed. */
  computedError: string | null;
  final: string;
  blocks: string[];
}

const BLOCK =
  /<think>(?<think>[\s\S]*?)<\/think>|<wat_model>(?<wat>[\s\S]*?)<\/wat_model>|<computation>(?<bytelog>[\s\S]*?)<\/computation>|<computed(?:\s+error="(?<error>[^"]*)")?>(?<computed>[\s\S]*?)<\/computed>/g;

/** Splits an assistant turn into its blocks; text after the last block is the final answer. */
export function parseAnswer(text: string): Answer {
  const answer: Answer = { think: null, wat: null, bytelog: null, computed: null, computedError: null, final: '', blocks: [] };
  let end = 0;
  for (const match of text.matchAll(BLOCK)) {
    const g = match.groups!;
    if (g.think !== undefined) {
      answer.think = g.think.trim();
      answer.blocks.push('think');
    } else if (g.wat !== undefined) {
      answer.wat = g.wat.trim();
      answer.blocks.push('wat');
    } else if (g.bytelog !== undefined) {
      answer.bytelog = g.bytelog.trim();
      answer.blocks.push('bytelog');
    } else {
      answer.computed = g.computed;
      answer.computedError = g.error ?? null;
      answer.blocks.push('computed');
    }
    end = match.index + match[0].length;
  }
  answer.final = text.slice(end).trim();
  return answer;
}

/** Numbers as people write them: 1,234.5 / -3 / 2.5e-3 / 12%. */
const NUMBER = /(?<![\w.])[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?/g;

export interface NumberMatch {
  text: string;
  index: number;
  value: number;
}

export function numberMatches(text: string): NumberMatch[] {
  return [...text.matchAll(NUMBER)].map((m) => ({ text: m[0], index: m.index, value: Number(m[0].replace(/,/g, '')) }));
}

export function numbersIn(text: string): number[] {
  return numberMatches(text).map((m) => m.value);
}

/** True when `value` equals (within rel_tol 1e-9) a number the runtime computed: the provenance rule. */
export function fromComputation(value: number, computedText: string, relTol = 1e-9): boolean {
  return numbersIn(computedText).some((known) => Math.abs(value - known) <= relTol * Math.max(1, Math.abs(known)));
}
