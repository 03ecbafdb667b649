// Opt-in usage counts (Settings, "Send anonymous usage counts"; off by default). When on, the app counts a few
// kinds of event and sends the totals in batches to the leaderboard server (`POST api/v1/events`,
// docs/leaderboard.md): `{"kind": "answer", "count": 3}` and nothing else, no text, no identifier. When off,
// nothing is counted and nothing is sent.

/** The server's allow-list (docs/leaderboard.md, POST /events): the app's kinds, then the benchmark page's. */
export type EventKind = 'answer' | 'compute_error' | 'load_error' | 'benchmark_started' | 'benchmark_finished' | 'benchmark_failed' | 'result_submitted';

/** Batches go out at most this often, and when the page is hidden (closed, switched away from). */
const FLUSH_INTERVAL_MS = 60_000;

export class UsageCounts {
  private counts = new Map<EventKind, number>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly url = new URL('api/v1/events', location.href).href;

  constructor(private enabled: boolean) {
    addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') this.flush();
    });
    this.setEnabled(enabled);
  }

  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
    if (!enabled) this.counts.clear(); // counted while on but not yet sent: dropped, as the user asked
    if (enabled && !this.timer) this.timer = setInterval(() => this.flush(), FLUSH_INTERVAL_MS);
    if (!enabled && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  count(kind: EventKind): void {
    if (this.enabled) this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
  }

  /** Sends one POST per kind counted since the last batch; a failed send is not retried (counts are approximate). */
  flush(): void {
    if (!this.enabled) return;
    for (const [kind, count] of this.counts) {
      // keepalive: the batch sent as the page is hidden still arrives after the page is gone.
      void fetch(this.url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ kind, count }), keepalive: true }).catch(() => {});
    }
    this.counts.clear();
  }
}
