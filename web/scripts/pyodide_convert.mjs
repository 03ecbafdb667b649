// Converts programs with the Python pane's own code path, in Pyodide under Node: the same pyodide.mjs, wheel
// and web/worker/python_runner.py the browser worker loads. Used by tests/test_pyodide_conformance.py and
// benchmarks/pyodide_pane.py.
//   node web/scripts/pyodide_convert.mjs ASSETS_DIR < programs.json > results.json
// programs.json: a JSON list of sources; results.json: {startMs, importMs, results: [convert_program's JSON]}.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const assetsDir = resolve(process.argv[2] ?? 'web/public/pyodide');
const programs = JSON.parse(readFileSync(0, 'utf8'));
const assets = JSON.parse(readFileSync(join(assetsDir, 'assets.json'), 'utf8'));
const { loadPyodide } = await import(pathToFileURL(join(assetsDir, 'pyodide.mjs')).href);

const t0 = performance.now();
const py = await loadPyodide({ indexURL: assetsDir + '/' });
const t1 = performance.now();
const sitePackages = py.runPython('import site; site.getsitepackages()[0]');
py.unpackArchive(new Uint8Array(readFileSync(join(assetsDir, assets.wheel))), 'wheel', { extractDir: sitePackages });
py.runPython(readFileSync(new URL('../worker/python_runner.py', import.meta.url), 'utf8'));
py.runPython('from worldmodel.wat.library import load; load()');
const t2 = performance.now();
const convert = py.globals.get('convert_program');
const results = programs.map((source) => JSON.parse(convert(source)));
const leaked = py.runPython('import sys; sorted(m for m in sys.modules if m.split(".")[0] in ("wasmtime", "lark", "torch", "numpy"))').toJs();
process.stdout.write(JSON.stringify({ startMs: t1 - t0, importMs: t2 - t1, pythonVersion: py.runPython('import sys; sys.version.split()[0]'), leakedModules: leaked, results }));
