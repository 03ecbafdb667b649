// The WAT sandbox's result: the same fields and error kinds as `worldmodel.runtime.RunResult` in Python.

/** The defaults are `worldmodel.runtime.Limits`' (fuel aside: browsers have none, the wall clock bounds loops). */
export interface SandboxLimits {
  /** Wall clock for assembling, compiling, instantiating and `main`, enforced by terminating the worker. */
  timeoutMs: number;
  /** Bytes written to fd 1 and fd 2 together. */
  maxOutputBytes: number;
  /** Bytes of linear memory (rounded down to 64 KiB pages). */
  memoryBytes: number;
  /** Size of the WAT text and of the binary. */
  maxModuleBytes: number;
  maxFunctions: number;
  /** Locals × control blocks in one function (compile time grows with it; `Limits.max_compile_cost`). */
  maxCompileCost: number;
}

export const DEFAULT_LIMITS: SandboxLimits = {
  timeoutMs: 5000,
  maxOutputBytes: 64 * 1024,
  memoryBytes: 64 * 1024 * 1024,
  maxModuleBytes: 2 * 1024 * 1024,
  maxFunctions: 5000,
  maxCompileCost: 1_000_000,
};

export interface RunResult {
  ok: boolean;
  stdout: string;
  stderr: string;
  /** The value `main` returned, as text (decimal or Python float repr), or null. */
  value: string | null;
  errorKind: string | null;
  errorMessage: string | null;
  ms: number;
  /** docs/protocol.md section 3: stdout minus one trailing newline, else the returned value; the message on failure. */
  computedText: string;
}

/** `source` is a WAT module, or a ByteLog program the worker compiles first (docs/bytelog.md). */
export type ToSandbox = { type: 'run'; id: number; source: string; language: 'wat' | 'bytelog'; limits: SandboxLimits };
export type FromSandbox = { type: 'ready' } | { type: 'result'; id: number; result: RunResult };
