// The Pyodide worker of the Python pane: CPython (Pyodide, served by the app itself) with the converter wheel.
// A program runs synchronously here, so the page stays responsive and stops an endless one by terminating us.

import type { PyodideAPI } from 'pyodide';
import runnerSource from './python_runner.py?raw';
import type { FromPython, ToPython } from './python-runner-types';

interface Assets { pyodideVersion: string; wheel: string }

let python: PyodideAPI | null = null;
const post = (message: FromPython) => postMessage(message);

async function start(baseUrl: string) {
  const t0 = performance.now();
  const assets = (await (await fetch(new URL('assets.json', baseUrl))).json()) as Assets;
  // Pyodide's own loader from the app's copy of the npm package (the same file the package ships).
  const { loadPyodide } = (await import(/* @vite-ignore */ new URL('pyodide.mjs', baseUrl).href)) as typeof import('pyodide');
  const py = await loadPyodide({ indexURL: baseUrl });
  py.setStdin({ error: true }); // input() raises EOFError: nobody can type into a worker
  const t1 = performance.now();
  const wheel = new Uint8Array(await (await fetch(new URL(assets.wheel, baseUrl))).arrayBuffer());
  const sitePackages = py.runPython('import site; site.getsitepackages()[0]') as string;
  py.unpackArchive(wheel, 'wheel', { extractDir: sitePackages });
  const t2 = performance.now();
  py.runPython(runnerSource);
  py.runPython('from worldmodel.wat.library import load; load()'); // the prebuilt runtime library, unpickled
  const t3 = performance.now();
  python = py;
  post({
    type: 'ready',
    pyodideVersion: py.version,
    pythonVersion: (py.runPython('import sys; sys.version.split()[0]') as string),
    startMs: t1 - t0,
    wheelMs: t2 - t1,
    importMs: t3 - t2,
  });
}

function call(name: string, ...args: unknown[]): string {
  const fn = python!.globals.get(name) as (...a: unknown[]) => string;
  try {
    return fn(...args);
  } finally {
    (fn as unknown as { destroy(): void }).destroy();
  }
}

self.addEventListener('message', (event: MessageEvent<ToPython>) => {
  const m = event.data;
  if (m.type === 'init') {
    start(m.baseUrl).catch((e: unknown) => post({ type: 'failed', message: (e as Error).message ?? String(e) }));
  } else if (m.type === 'convert') {
    post({ type: 'converted', id: m.id, result: JSON.parse(call('convert_program', m.source)) });
  } else if (m.type === 'run') {
    post({ type: 'ran', id: m.id, result: JSON.parse(call('run_program', m.source, m.maxOutputBytes)) });
  }
});
