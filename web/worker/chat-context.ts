// The conversation the model sees for a follow-up question: the browser twin of worldmodel.chat_context (the
// reference; the conformance corpus checks both give the same messages). The previous turn is sent whole, as in
// training; older turns keep their question, computed block and final answer; over the token budget the oldest
// turns go first, then the previous turn is shortened, then dropped. The question is always sent.

import type { ChatMessage } from './messages';
import { COMPUTED_CLOSE, COMPUTED_OPEN, parseAnswer } from './protocol';

/** Prompt tokens (chat template included) a follow-up may use (worldmodel.chat_context.CONTEXT_BUDGET). */
export const CONTEXT_BUDGET = 1024;
/** The budget of a model trained on single questions only (manifest generation.context_budget): each question alone. */
export const SINGLE_QUESTION = 0;
/** What the chat tells its user when earlier turns are not sent (worldmodel.chat_context.SINGLE_QUESTION_NOTE). */
export const SINGLE_QUESTION_NOTE =
  'This model was trained on single questions: it answers each one on its own, without the earlier turns. Put every number a question needs into it.';

/** An assistant turn without its think and program blocks: the computed block, then the final answer. */
export function shortenedTurn(text: string): string {
  const answer = parseAnswer(text);
  if (answer.computed === null) return answer.final;
  const block =
    answer.computedError === null
      ? `${COMPUTED_OPEN}${answer.computed}${COMPUTED_CLOSE}`
      : `<computed error="${answer.computedError}">${answer.computed}${COMPUTED_CLOSE}`;
  return answer.final ? `${block}\n${answer.final}` : block;
}

function turnsOf(messages: ChatMessage[]): ChatMessage[][] {
  const turns: ChatMessage[][] = [];
  for (const message of messages) {
    if (message.role === 'user' || turns.length === 0) turns.push([message]);
    else turns[turns.length - 1].push(message);
  }
  return turns;
}

const shortened = (turn: ChatMessage[]) => turn.map((m) => (m.role === 'assistant' ? { ...m, content: shortenedTurn(m.content) } : m));

export function fitHistory(messages: ChatMessage[], countTokens: (messages: ChatMessage[]) => number, budget = CONTEXT_BUDGET): ChatMessage[] {
  if (messages.length === 0) return [];
  const earlier = messages.slice(0, -1);
  const system = earlier.filter((m) => m.role === 'system');
  const turns = turnsOf(earlier.filter((m) => m.role !== 'system'));
  const question = [messages[messages.length - 1]];
  if (budget === SINGLE_QUESTION) return [...system, ...question];
  let kept = [...turns.slice(0, -1).map(shortened), ...turns.slice(-1)];
  const fits = (candidate: ChatMessage[][]) => countTokens([...system, ...candidate.flat(), ...question]) <= budget;
  while (kept.length > 1 && !fits(kept)) kept.shift();
  if (kept.length > 0 && !fits(kept)) {
    kept = [shortened(kept[0])];
    if (!fits(kept)) kept = [];
  }
  return [...system, ...kept.flat(), ...question];
}
