// Page-side handle on the Pyodide worker: starts it on first use, converts and runs programs, and stops an
// endless program by terminating the worker and starting a fresh one (Python cannot be interrupted otherwise).

import type { ConvertResult, FromPython, PythonReady, PythonRunResult, ToPython } from './python-runner-types';

export type { ConvertResult, PythonReady, PythonRunResult } from './python-runner-types';

/** Python inside Pyodide is slower than the converted module: its own, longer limit (Stop ends it sooner). */
export const PYTHON_TIME_LIMIT_MS = 60_000;

type Waiter = { resolve: (m: FromPython) => void; reject: (e: Error) => void };

export class PythonRunner {
  private worker: Worker | null = null;
  private ready: Promise<PythonReady> | null = null;
  private waiters = new Map<number, Waiter>();
  private nextId = 1;
  /** Workers terminated by Stop or the time limit. */
  restarts = 0;

  /** `baseUrl`: the app's pyodide/ folder (Pyodide's files, the converter wheel, assets.json). */
  constructor(private readonly baseUrl: string) {}

  /** Loads Pyodide and the converter once; later calls get the same figures. */
  start(): Promise<PythonReady> {
    if (this.ready) return this.ready;
    const worker = new Worker(new URL('./python-runner.worker.ts', import.meta.url), { type: 'module', name: 'pyodide' });
    this.worker = worker;
    this.ready = new Promise<PythonReady>((resolve, reject) => {
      worker.addEventListener('message', (event: MessageEvent<FromPython>) => {
        const m = event.data;
        if (m.type === 'ready') resolve(m);
        else if (m.type === 'failed') reject(new Error(`Python could not start: ${m.message}`));
        else {
          this.waiters.get(m.id)?.resolve(m);
          this.waiters.delete(m.id);
        }
      });
      worker.addEventListener('error', (event) => {
        event.preventDefault();
        const error = new Error(`the Python worker failed: ${event.message}`);
        reject(error);
        this.failAll(error);
      });
    });
    worker.postMessage({ type: 'init', baseUrl: this.baseUrl } satisfies ToPython);
    return this.ready;
  }

  async convert(source: string): Promise<ConvertResult> {
    const m = await this.request({ type: 'convert', id: this.nextId++, source });
    if (m.type !== 'converted') throw new Error(`unexpected answer ${m.type}`);
    return m.result;
  }

  /** Runs the program; past `timeoutMs` the worker is terminated (errorKind `timeout`) and restarted. */
  async run(source: string, options: { timeoutMs?: number; maxOutputBytes: number }): Promise<PythonRunResult> {
    const t0 = performance.now();
    const timeoutMs = options.timeoutMs ?? PYTHON_TIME_LIMIT_MS;
    await this.start();
    const timer = setTimeout(() => this.restart(new Error('timeout')), timeoutMs);
    try {
      const m = await this.request({ type: 'run', id: this.nextId++, source, maxOutputBytes: options.maxOutputBytes });
      if (m.type !== 'ran') throw new Error(`unexpected answer ${m.type}`);
      return m.result;
    } catch (e) {
      const kind = (e as Error).message === 'timeout' ? 'timeout' : (e as Error).message === 'stopped' ? 'stopped' : 'error';
      const message = kind === 'timeout' ? `time limit exceeded (${timeoutMs} ms)` : kind === 'stopped' ? 'stopped by the user' : (e as Error).message;
      return { ok: false, stdout: '', errorKind: kind, errorMessage: message, ms: performance.now() - t0 };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Ends whatever Python is doing now; the next call starts a fresh worker. */
  stop(): void {
    this.restart(new Error('stopped'));
  }

  private async request(message: ToPython & { id: number }): Promise<FromPython> {
    await this.start();
    return new Promise<FromPython>((resolve, reject) => {
      this.waiters.set(message.id, { resolve, reject });
      this.worker!.postMessage(message);
    });
  }

  private restart(reason: Error) {
    if (!this.worker) return;
    this.worker.terminate();
    this.worker = null;
    this.ready = null;
    this.restarts += 1;
    this.failAll(reason);
    void this.start().catch(() => {}); // warm again for the next program; a failure shows on next use
  }

  private failAll(reason: Error) {
    for (const waiter of this.waiters.values()) waiter.reject(reason);
    this.waiters.clear();
  }

  dispose(): void {
    this.worker?.terminate();
    this.worker = null;
    this.ready = null;
  }
}
