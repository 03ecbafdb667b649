// What survives a reload: the chat (its turns and how each ended), the mode and the unsent drafts, in localStorage.
import type { ChatMessage } from '../worker/messages';

export interface StoredTurn extends ChatMessage {
  /** How an assistant turn ended (the generation's stop reason). */
  reason?: string;
  generatedTokens?: number;
  attempt?: number;
}

const CHAT = 'worldmodel.chat';
const UI = 'worldmodel.ui';

function read<T>(key: string, fallback: T): T {
  try {
    return { ...fallback, ...JSON.parse(localStorage.getItem(key) ?? '{}') };
  } catch {
    return fallback; // a corrupted entry starts afresh
  }
}

export function loadChat(): StoredTurn[] {
  const turns = read<{ turns: StoredTurn[] }>(CHAT, { turns: [] }).turns;
  return Array.isArray(turns) ? turns.filter((t) => typeof t?.content === 'string' && (t.role === 'user' || t.role === 'assistant')) : [];
}

export function saveChat(turns: StoredTurn[]): void {
  try {
    localStorage.setItem(CHAT, JSON.stringify({ turns }));
  } catch {
    // storage full or refused (private mode): the chat still works, it just will not survive a reload
  }
}

export interface UiState {
  mode: string;
  drafts: Record<string, string>;
}

export function loadUi(): UiState {
  return read<UiState>(UI, { mode: 'chat', drafts: {} });
}

export function saveUi(state: UiState): void {
  try {
    localStorage.setItem(UI, JSON.stringify(state));
  } catch {
    // as above
  }
}
