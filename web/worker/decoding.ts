// The app's decoding defaults, twins of python/worldmodel/generate.py GenerationConfig (grammar, jump_forward) and
// python/worldmodel/voting.py (votes, temperature, retries); README "Decoding" gives the figures behind them.
export { DEFAULT_RETRIES, DEFAULT_VOTE_TEMPERATURE, DEFAULT_VOTES } from './voting';

export const DEFAULT_GRAMMAR = false;
export const DEFAULT_JUMP_FORWARD = false;
