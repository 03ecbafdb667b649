// The Python pane: write a program, convert it to WebAssembly with worldmodel.wat inside Pyodide, run it both
// ways (CPython in Pyodide, the module in this browser's WebAssembly engine through the WAT sandbox) and
// compare. Loaded (with CodeMirror and Pyodide) only when the mode is first opened.

import { PythonRunner, type ConvertResult, type PythonRunResult } from '../worker/python-runner';
import type { RunResult, Sandbox } from '../worker/sandbox';
import { highlightInto } from './highlight';
import { createPythonEditor, type PythonEditor } from './python-editor';
import { PYTHON_EXAMPLES } from './python-examples';
import { cachePyodideFiles, pyodideBaseUrl } from './pyodide-cache';
import { programFromHash, programLink } from './share-link';

export interface PaneHost {
  sandbox: Sandbox;
  /** Hands the linked module to the math solver, which runs it and lets the model answer from the result. */
  useAsModelProgram(wat: string): void;
}

const SOURCE_KEY = 'worldmodel.python.source';
const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const kb = (text: string) => `${(new TextEncoder().encode(text).length / 1024).toFixed(1)} KB`;

export class PythonPane {
  readonly runner = new PythonRunner(pyodideBaseUrl());
  readonly editor: PythonEditor;
  private converted: { source: string; result: ConvertResult } | null = null;
  private busy = false;

  constructor(private readonly host: PaneHost) {
    const initial = programFromHash() ?? localStorage.getItem(SOURCE_KEY) ?? PYTHON_EXAMPLES[0].source;
    this.editor = createPythonEditor($('py-editor'), initial, (text) => {
      localStorage.setItem(SOURCE_KEY, text);
      this.editor.clearError();
    });
    const select = $<HTMLSelectElement>('py-example');
    for (const [i, example] of PYTHON_EXAMPLES.entries()) select.append(new Option(example.name, String(i)));
    select.value = '';
    select.addEventListener('change', () => {
      if (select.value) this.editor.setSource(PYTHON_EXAMPLES[Number(select.value)].source);
    });
    $('py-convert').addEventListener('click', () => void this.guard(async () => void (await this.convert())));
    $('py-run').addEventListener('click', () => void this.guard(() => this.run()));
    $('py-use').addEventListener('click', () => void this.guard(() => this.useAsModelProgram()));
    $('py-stop').addEventListener('click', () => this.stop());
    $('py-share').addEventListener('click', () => void this.share());
    addEventListener('hashchange', () => {
      const program = programFromHash();
      if (program !== null && program !== this.editor.getSource()) this.editor.setSource(program);
    });
    this.setBusy(false);
    void this.startPython();
  }

  private async startPython() {
    $('py-status').textContent = 'Loading Python (Pyodide) in its own worker…';
    try {
      const ready = await this.runner.start();
      $('py-status').textContent =
        `Python ${ready.pythonVersion} (Pyodide ${ready.pyodideVersion}) ready: started in ${(ready.startMs / 1000).toFixed(2)} s, ` +
        `converter installed in ${ready.wheelMs.toFixed(0)} ms and imported in ${ready.importMs.toFixed(0)} ms.`;
      $('mode-python').dataset.python = 'ready';
      // The files came through the network (or the cache): keep the offline copy complete and current.
      void cachePyodideFiles().catch(() => {});
    } catch (e) {
      $('py-status').textContent = (e as Error).message;
      $('mode-python').dataset.python = 'error';
    }
  }

  private setBusy(value: boolean) {
    this.busy = value;
    for (const id of ['py-convert', 'py-run', 'py-use']) $<HTMLButtonElement>(id).disabled = value;
    $<HTMLButtonElement>('py-stop').disabled = !value;
  }

  private async guard(action: () => Promise<void>) {
    if (this.busy) return;
    this.setBusy(true);
    try {
      await action();
    } catch (e) {
      $('py-status').textContent = `Error: ${(e as Error).message}`;
    } finally {
      this.setBusy(false);
    }
  }

  /** Converts the editor's program (again only when it changed) and shows the result. */
  private async convert(): Promise<ConvertResult> {
    const source = this.editor.getSource();
    if (this.converted?.source === source) return this.converted.result;
    this.editor.clearError();
    $('py-error').textContent = '';
    $('py-convert-info').textContent = 'converting…';
    const result = await this.runner.convert(source);
    this.converted = { source, result };
    this.showConversion(result);
    return result;
  }

  private showConversion(result: ConvertResult) {
    const error = $('py-error');
    if (!result.ok) {
      this.editor.markError(result.line, result.col, `${result.construct}: ${result.message}`);
      error.textContent = `The converter refused the program at line ${result.line}, column ${result.col + 1}: ${result.construct}: ${result.message}`;
      error.dataset.line = String(result.line);
      error.dataset.col = String(result.col);
      $('py-convert-info').textContent = '';
      for (const id of ['py-wat-linked', 'py-wat-standalone', 'py-linked-size', 'py-standalone-size']) $(id).textContent = '';
      return;
    }
    delete error.dataset.line;
    delete error.dataset.col;
    highlightInto($('py-wat-linked'), result.linked, 'wasm');
    highlightInto($('py-wat-standalone'), result.standalone, 'wasm');
    $('py-linked-size').textContent = kb(result.linked);
    $('py-standalone-size').textContent = kb(result.standalone);
    $('py-convert-info').textContent = `Converted in Pyodide: linked ${result.linkedMs.toFixed(0)} ms, standalone ${result.standaloneMs.toFixed(0)} ms.`;
  }

  /** Runs the program under CPython (Pyodide) and, converted, in this browser's WebAssembly engine, side by side. */
  private async run() {
    const source = this.editor.getSource();
    for (const id of ['py-out-python', 'py-out-wasm', 'py-verdict']) $(id).textContent = '';
    $('py-verdict').className = 'badge';
    delete $('py-verdict').dataset.verdict; // an earlier run's verdict must not stand for this one
    $('py-out-wasm').textContent = 'converting…';
    const conversion = await this.convert();
    $('py-out-python').textContent = 'running…';
    $('py-out-wasm').textContent = conversion.ok ? 'running…' : 'Not run: the converter refused the program (see above).';
    // Both at once, in two workers: Stop (or a time limit) ends either without the other waiting.
    const [python, wasm] = await Promise.all([
      this.runner.run(source, { maxOutputBytes: this.host.sandbox.limits.maxOutputBytes }),
      conversion.ok ? this.host.sandbox.run(conversion.linked) : Promise.resolve(null),
    ]);
    this.showRuns(python, wasm);
  }

  private showRuns(python: PythonRunResult, wasm: RunResult | null) {
    const pythonText = python.stdout + (python.ok ? '' : `${python.errorKind}: ${python.errorMessage}\n`);
    const wasmText = wasm ? wasm.stdout + (wasm.ok ? '' : `${wasm.errorKind}: ${wasm.errorMessage}\n`) : null;
    $('py-time-python').textContent = `${python.ms.toFixed(1)} ms`;
    $('py-time-wasm').textContent = wasm ? `${wasm.ms.toFixed(1)} ms` : '';
    const verdict = $('py-verdict');
    if (wasmText === null) {
      $('py-out-python').textContent = pythonText;
      verdict.textContent = 'not compared: the program was not converted';
      verdict.className = 'badge warn';
      verdict.dataset.verdict = 'not-converted';
      return;
    }
    renderLines($('py-out-python'), pythonText, wasmText);
    renderLines($('py-out-wasm'), wasmText, pythonText);
    const cut = [python.errorKind, wasm!.errorKind].find((kind) => kind === 'stopped' || kind === 'timeout');
    if (cut) {
      verdict.textContent = `not compared: ${cut === 'stopped' ? 'stopped' : 'a time limit ended a run'} before the end`;
      verdict.className = 'badge warn';
      verdict.dataset.verdict = 'stopped';
      return;
    }
    const same = python.stdout === wasm!.stdout && (python.errorKind ?? null) === (wasm!.errorKind ?? null);
    verdict.textContent = same ? 'identical output' : 'the outputs differ (marked)';
    verdict.className = `badge ${same ? 'ok' : 'warn'}`;
    verdict.dataset.verdict = same ? 'identical' : 'different';
  }

  private async useAsModelProgram() {
    const conversion = await this.convert();
    if (!conversion.ok) return;
    this.host.useAsModelProgram(conversion.linked);
  }

  /** Stop: ends Python (its worker is terminated and started again) and the module in the sandbox. */
  stop() {
    this.runner.stop();
    this.host.sandbox.cancel();
    this.converted = null; // a conversion cut short left nothing to reuse
    $('py-convert-info').textContent = '';
    $('py-status').textContent = 'Stopped. Python is starting again…';
    void this.startPython();
  }

  private async share() {
    const link = programLink(this.editor.getSource());
    history.replaceState(null, '', link);
    const field = $<HTMLInputElement>('py-share-link');
    field.value = link;
    field.hidden = false;
    field.select();
    try {
      await navigator.clipboard.writeText(link);
      $('py-share-status').textContent = 'Link copied: the program is in the link itself, nothing was uploaded.';
    } catch {
      $('py-share-status').textContent = 'Copy the link above: the program is in the link itself, nothing was uploaded.';
    }
  }
}

/** Shows `text` line by line, marking the lines that differ from `other` at the same position. */
function renderLines(target: HTMLElement, text: string, other: string) {
  const lines = text.split('\n');
  const otherLines = other.split('\n');
  target.replaceChildren(
    ...lines.map((line, i) => {
      const node = document.createElement(line === otherLines[i] ? 'span' : 'mark');
      node.className = line === otherLines[i] ? 'same' : 'diff';
      node.textContent = line + (i < lines.length - 1 ? '\n' : '');
      return node;
    }),
  );
}
