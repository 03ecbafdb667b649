// Messages between the page and the Pyodide worker (python-runner.worker.ts), and what each answer holds.

/** A converted program: both WAT forms and their convert times, or the converter's error with its place. */
export type ConvertResult =
  | { ok: true; linked: string; standalone: string; linkedMs: number; standaloneMs: number }
  | { ok: false; line: number; col: number; construct: string; message: string; text: string };

/** The program run by CPython inside Pyodide: what it printed and the exception's class name, if any. */
export interface PythonRunResult {
  ok: boolean;
  stdout: string;
  errorKind: string | null;
  errorMessage: string | null;
  ms: number;
}

/** Startup figures: loading Pyodide, installing the wheel, importing the converter and its runtime library. */
export interface PythonReady {
  pyodideVersion: string;
  pythonVersion: string;
  startMs: number;
  wheelMs: number;
  importMs: number;
}

/** `baseUrl`: the folder holding Pyodide's files, the converter wheel and assets.json (web/public/pyodide). */
export type ToPython =
  | { type: 'init'; baseUrl: string }
  | { type: 'convert'; id: number; source: string }
  | { type: 'run'; id: number; source: string; maxOutputBytes: number };

export type FromPython =
  | ({ type: 'ready' } & PythonReady)
  | { type: 'failed'; message: string }
  | { type: 'converted'; id: number; result: ConvertResult }
  | { type: 'ran'; id: number; result: PythonRunResult };
