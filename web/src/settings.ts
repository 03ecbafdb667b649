// User settings, kept in localStorage; URL parameters (?bundle=, ?channel=, ?threads=) override them for one visit.
import { DEFAULT_GRAMMAR, DEFAULT_JUMP_FORWARD, DEFAULT_RETRIES, DEFAULT_VOTES } from '../worker/decoding';

export interface Settings {
  temperature: number;
  topP: number;
  maxTokens: number;
  threads: number;
  timeoutMs: number;
  bundle: string;
  /** Constrain modules to the typed WAT grammar; jump-forward over forced text. */
  grammar: boolean;
  jumpForward: boolean;
  /** Programs written per question; the computed value most of them agree on is the answer. */
  votes: number;
  /** With one program: samples again after a failed module, up to this many times. */
  retries: number;
  /** URL of a release channel file (docs/deploy.md); empty: load `bundle` as it is, no updates. */
  channel: string;
  /** Which channel of that file to follow. */
  channelName: 'stable' | 'beta';
  /** A/B variant chosen by the user; empty: the one assigned from this browser's random id. */
  variant: string;
  /** Send anonymous aggregate usage counts to the leaderboard server (analytics.ts); off unless the user turns it on. */
  analytics: boolean;
}

/** The channel a build follows by default (VITE_WORLDMODEL_CHANNEL at build time, docs/deploy.md). */
export const DEFAULT_CHANNEL: string = import.meta.env.VITE_WORLDMODEL_CHANNEL ?? '';

const KEY = 'worldmodel.settings';

export function defaultSettings(): Settings {
  return {
    temperature: 0,
    topP: 0.9,
    maxTokens: 0, // 0: the bundle's default (manifest generation.max_new_tokens)
    threads: Math.min(4, navigator.hardwareConcurrency || 1),
    timeoutMs: 5000,
    bundle: 'bundle/manifest.json',
    grammar: DEFAULT_GRAMMAR,
    jumpForward: DEFAULT_JUMP_FORWARD,
    votes: DEFAULT_VOTES,
    retries: DEFAULT_RETRIES,
    channel: DEFAULT_CHANNEL,
    channelName: 'stable',
    variant: '',
    analytics: false,
  };
}

export function loadSettings(): Settings {
  let stored: Partial<Settings> = {};
  try {
    stored = JSON.parse(localStorage.getItem(KEY) ?? '{}');
  } catch {
    // a corrupted entry falls back to the defaults
  }
  const settings = { ...defaultSettings(), ...stored };
  const params = new URLSearchParams(location.search);
  if (params.get('channel')) settings.channel = params.get('channel')!;
  if (params.get('bundle')) {
    settings.bundle = params.get('bundle')!;
    settings.channel = ''; // an explicit bundle is loaded as it is
  }
  if (params.get('threads')) settings.threads = Number(params.get('threads'));
  if (params.get('timeout')) settings.timeoutMs = Number(params.get('timeout'));
  return settings;
}

export function saveSettings(settings: Settings): void {
  localStorage.setItem(KEY, JSON.stringify(settings));
}
