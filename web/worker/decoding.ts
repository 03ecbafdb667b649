// The app's decoding defaults, twins of python/worldmodel/decoding_options.py (grammar, jump-forward) and
// python/worldmodel/voting.py (votes, temperature, retries); README "Decoding" gives the figures behind them:
// jump-forward guided by the grammar (nothing masked, a wrong module still fails honestly), one program.
export { DEFAULT_RETRIES, DEFAULT_VOTE_TEMPERATURE, DEFAULT_VOTES } from './voting';

export const DEFAULT_GRAMMAR = false;
export const DEFAULT_JUMP_FORWARD = true;
