// Page-side handle on the WAT sandbox worker: one run at a time, a wall-clock limit enforced by
// terminating the worker (an infinite wasm loop cannot be interrupted otherwise) and a fresh worker after.

import { DEFAULT_LIMITS, type FromSandbox, type RunResult, type SandboxLimits, type ToSandbox } from './sandbox-types';

export type { RunResult, SandboxLimits } from './sandbox-types';
export { DEFAULT_LIMITS } from './sandbox-types';

/** Upper bound for a new worker's first load (wabt and the runtime library), before a run's own clock starts. */
const STARTUP_LIMIT_MS = 30_000;

export class Sandbox {
  private worker: Worker | null = null;
  private nextId = 1;
  /** Whether the current worker has loaded wabt and the runtime library (its 'ready' message). */
  private ready = false;
  private queue: Promise<unknown> = Promise.resolve();
  /** Number of workers terminated after a timeout (shown in the performance panel). */
  restarts = 0;
  /** Ends the run in progress, if any. */
  private cancelRun: (() => void) | null = null;

  /** The limits for the next runs (a copy: settings may change it). */
  readonly limits: SandboxLimits;

  constructor(limits: Partial<SandboxLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  private spawn(): Worker {
    if (!this.worker) {
      const worker = new Worker(new URL('./sandbox.worker.ts', import.meta.url), { type: 'module', name: 'wat-sandbox' });
      this.ready = false;
      worker.addEventListener('message', (event: MessageEvent<FromSandbox>) => {
        if (event.data.type === 'ready' && this.worker === worker) this.ready = true;
      });
      this.worker = worker;
    }
    return this.worker;
  }

  /** Starts the worker (wabt and the runtime library load) before the first module needs it. */
  warmUp(): void {
    this.spawn();
  }

  run(wat: string, limits: Partial<SandboxLimits> = {}): Promise<RunResult> {
    return this.enqueue(wat, 'wat', limits);
  }

  /** Compiles a ByteLog program (in the worker) and runs it: the same result as worldmodel.bytelog.run_bytelog. */
  runByteLog(source: string, limits: Partial<SandboxLimits> = {}): Promise<RunResult> {
    return this.enqueue(source, 'bytelog', limits);
  }

  /** Stops the module running now (the user's Stop): its result is a failure of kind `stopped` (browser only). */
  cancel(): void {
    this.cancelRun?.();
  }

  private enqueue(source: string, language: ToSandbox['language'], limits: Partial<SandboxLimits>): Promise<RunResult> {
    const job = this.queue.then(() => this.runNow(source, language, { ...this.limits, ...limits }));
    this.queue = job.catch(() => {});
    return job;
  }

  private runNow(source: string, language: ToSandbox['language'], limits: SandboxLimits): Promise<RunResult> {
    const worker = this.spawn();
    const id = this.nextId++;
    const t0 = performance.now();
    return new Promise<RunResult>((resolve) => {
      // The wall clock covers assembling and compiling too (as in Python); only a worker that is still
      // loading wabt gets the startup allowance first.
      const phase = this.ready ? 'main' : 'startup';
      let timer = phase === 'main' ? setTimeout(() => kill('main'), limits.timeoutMs) : setTimeout(() => kill('startup'), STARTUP_LIMIT_MS);
      const done = (result: RunResult) => {
        this.cancelRun = null;
        clearTimeout(timer);
        worker.removeEventListener('message', onMessage);
        worker.removeEventListener('error', onError);
        resolve(result);
      };
      const kill = (phase: 'startup' | 'main' | 'cancel') => {
        worker.terminate();
        this.worker = null;
        this.restarts += 1;
        this.spawn(); // the next run finds a ready worker
        if (phase === 'cancel') return done(failure('stopped', 'stopped by the user', performance.now() - t0));
        // The Python runtime's wording (it goes into <computed error="timeout">); the UI adds the limit.
        const message = phase === 'main' ? 'time limit exceeded' : `the sandbox did not start within ${STARTUP_LIMIT_MS} ms`;
        done(failure('timeout', message, performance.now() - t0));
      };
      this.cancelRun = () => kill('cancel');
      const onMessage = (event: MessageEvent<FromSandbox>) => {
        const m = event.data;
        if (m.type === 'ready' && phase === 'startup') {
          clearTimeout(timer);
          timer = setTimeout(() => kill('main'), limits.timeoutMs);
        } else if (m.type === 'result' && m.id === id) done(m.result);
      };
      const onError = (event: ErrorEvent) => {
        event.preventDefault();
        worker.terminate();
        this.worker = null;
        done(failure('trap', `the sandbox worker failed: ${event.message}`, performance.now() - t0));
      };
      worker.addEventListener('message', onMessage);
      worker.addEventListener('error', onError);
      worker.postMessage({ type: 'run', id, source, language, limits } satisfies ToSandbox);
    });
  }

  dispose(): void {
    this.worker?.terminate();
    this.worker = null;
  }
}

function failure(kind: string, message: string, ms: number): RunResult {
  return { ok: false, stdout: '', stderr: '', value: null, errorKind: kind, errorMessage: message, ms, computedText: message };
}
