// The WAT sandbox worker: assembles a module (wabt: precise syntax errors and a real validator), links it
// against the runtime library `rt` (the same rt.wat the Python runtime uses, generated at build time),
// and runs `main` under output and memory limits. The wall-clock limit is enforced by the page, which
// terminates this worker and starts a new one (a running wasm loop cannot be interrupted from inside).

import wabtInit from 'wabt';
import { ByteLogError, compileToWat } from './bytelog';
import { capMemories, compileCost, exportedFunctionType, functionCount, MemoryLimitError } from './wasm-binary';
import { pythonFloatRepr } from './pyrepr';
import { completeImports, signatureText } from './rt-imports';
import type { FromSandbox, RunResult, SandboxLimits, ToSandbox } from './sandbox-types';

const post = (m: FromSandbox) => (self as unknown as Worker).postMessage(m);

type Wabt = Awaited<ReturnType<typeof wabtInit>>;

// The post-MVP features current engines (and wasmtime) enable by default.
const FEATURES = { mutable_globals: true, sat_float_to_int: true, sign_extension: true, multi_value: true, bulk_memory: true, reference_types: true };

class RunError extends Error {
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(message);
  }
}

let wabt: Wabt;
/** The runtime library's binary, its export names and function signatures (for ABI 2's implicit imports), or null
 * when the build shipped no rt.wat. */
let runtimeLibrary: { binary: Uint8Array; exports: Set<string>; signatures: Map<string, string> } | null = null;

const ready = (async () => {
  wabt = await wabtInit();
  const url = new URL('rt.wat', new URL(import.meta.env.BASE_URL, self.location.origin)).href;
  const response = await fetch(url).catch(() => null);
  if (response?.ok) {
    const binary = assemble(await response.text(), 'rt.wat');
    const described = WebAssembly.Module.exports(new WebAssembly.Module(binary as Uint8Array<ArrayBuffer>));
    const signatures = new Map<string, string>();
    for (const e of described) {
      const type = e.kind === 'function' ? exportedFunctionType(binary, e.name) : null;
      if (type) signatures.set(e.name, signatureText(type.params, type.results));
    }
    runtimeLibrary = { binary, exports: new Set(described.map((e) => e.name)), signatures };
  }
  post({ type: 'ready' });
})();

self.onmessage = async (event: MessageEvent<ToSandbox>) => {
  await ready;
  const { id, source, language, limits } = event.data;
  post({ type: 'result', id, result: language === 'bytelog' ? runByteLog(id, source, limits) : run(id, source, limits) });
};

/** Compiles in this worker (a hostile program's compile time counts against no page) and runs the module;
 * a rejected program is `conversion_error` with the compiler's message, as in worldmodel.bytelog.run_bytelog. */
function runByteLog(id: number, source: string, limits: SandboxLimits): RunResult {
  let wat: string;
  try {
    wat = compileToWat(source);
  } catch (e) {
    if (!(e instanceof ByteLogError)) throw e;
    return { ok: false, stdout: '', stderr: '', value: null, errorKind: 'conversion_error', errorMessage: e.message, ms: 0, computedText: e.message };
  }
  return run(id, wat, limits);
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l) ?? text
  );
}

/** wabt's "module.wat:1:37: error: msg" becomes "line 1, col 37: msg" (the Python runtime's wording). */
function wabtMessage(error: unknown): string {
  const lines = String((error as Error)?.message ?? error)
    .split('\n')
    .filter((l) => /: error: /.test(l));
  const match = /^[^:]*:(\d+):(\d+): error: (.*)$/.exec(lines[0] ?? '');
  return match ? `line ${match[1]}, col ${match[2]}: ${match[3]}` : firstLine(String((error as Error)?.message ?? error));
}

function assemble(wat: string, filename: string): Uint8Array {
  let module;
  try {
    module = wabt.parseWat(filename, wat, FEATURES);
  } catch (e) {
    throw new RunError('wat_syntax', wabtMessage(e));
  }
  try {
    try {
      module.resolveNames();
    } catch (e) {
      throw new RunError('wat_syntax', wabtMessage(e));
    }
    try {
      module.validate();
    } catch (e) {
      throw new RunError('invalid_module', wabtMessage(e).replace(/^line \d+, col \d+: /, ''));
    }
    return module.toBinary({}).buffer;
  } finally {
    module.destroy();
  }
}

/** Engine trap messages differ (V8: "divide by zero", SpiderMonkey: "integer divide by zero"); report wasmtime's wording. */
const TRAP_REASONS: [RegExp, string][] = [
  [/divide by zero|division by zero/i, 'integer divide by zero'],
  // V8 says "float unrepresentable in integer range" for both NaN and out-of-range truncation; out of
  // range is what programs meet (wasmtime: "integer overflow"), NaN is "invalid conversion to integer".
  // WebKit (JavaScriptCore) says "Out of bounds Trunc operation" for the same out-of-range truncation.
  [/divide result unrepresentable|integer overflow|float unrepresentable|out of bounds trunc/i, 'integer overflow'],
  [/invalid conversion to integer/i, 'invalid conversion to integer'],
  [/memory access out of bounds|index out of bounds|out of bounds memory/i, 'out of bounds memory access'],
  [/table index is out of bounds|table.*out of bounds|undefined element/i, 'undefined table element'],
  [/null function|uninitialized element|null reference/i, 'uninitialized table element'],
  [/signature mismatch|indirect call type mismatch|wrong type/i, 'indirect call type mismatch'],
  [/unaligned|misaligned/i, 'misaligned memory access'],
  [/unreachable/i, 'unreachable executed'],
];

function trapReason(message: string): string {
  for (const [pattern, reason] of TRAP_REASONS) if (pattern.test(message)) return reason;
  return firstLine(message);
}

function isStackOverflow(e: unknown): boolean {
  // V8: RangeError "Maximum call stack size exceeded"; SpiderMonkey: InternalError "too much recursion".
  return (e instanceof RangeError && /call stack/i.test(e.message)) || (e instanceof Error && /too much recursion/i.test(e.message));
}

/** "ValueError: math domain error" written to fd 2 by a module just before it traps (same rule as Python). */
const PYTHON_ERROR = /^([A-Z][A-Za-z]*(?:Error|Exception|Exit|Interrupt)): ?(.*)$/;

function run(id: number, wat: string, limits: SandboxLimits): RunResult {
  const t0 = performance.now();
  const stdout: Uint8Array[] = [];
  const stderr: Uint8Array[] = [];
  let outputBytes = 0;
  let memory: WebAssembly.Memory | null = null;
  const maxPages = Math.floor(limits.memoryBytes / 65536);
  const decode = (parts: Uint8Array[]) => new TextDecoder().decode(concat(parts));
  const finish = (partial: Partial<RunResult>): RunResult => {
    const result: RunResult = {
      ok: false,
      stdout: decode(stdout),
      stderr: decode(stderr),
      value: null,
      errorKind: null,
      errorMessage: null,
      ms: performance.now() - t0,
      computedText: '',
      ...partial,
    };
    if (result.ok) result.computedText = result.stdout ? result.stdout.replace(/\n$/, '') : (result.value ?? '');
    else result.computedText = result.errorMessage ?? '';
    return result;
  };

  const env = {
    write(fd: number, ptr: number, len: number) {
      if (!memory) throw new RunError('output_limit', 'env.write called by a module that exports no memory');
      if (outputBytes + len > limits.maxOutputBytes) throw new RunError('output_limit', `output exceeded ${limits.maxOutputBytes} bytes`);
      if (ptr < 0 || len < 0 || ptr + len > memory.buffer.byteLength) throw new RunError('output_limit', 'env.write outside memory');
      outputBytes += len;
      (fd === 2 ? stderr : stdout).push(new Uint8Array(memory.buffer, ptr, len).slice());
    },
  };

  try {
    const tooLarge = (what: string, size: number, limit: number) => new RunError('module_too_large', `module ${what} ${size}${what === 'is' ? ' bytes' : ' functions'}; the limit is ${limit}`);
    if (wat.length > limits.maxModuleBytes) throw tooLarge('is', wat.length, limits.maxModuleBytes);
    const binary = assemble(runtimeLibrary ? completeImports(wat, runtimeLibrary.signatures) : wat, 'module.wat');
    if (binary.length > limits.maxModuleBytes) throw tooLarge('is', binary.length, limits.maxModuleBytes);
    const functions = functionCount(binary);
    if (functions > limits.maxFunctions) throw tooLarge('defines', functions, limits.maxFunctions);
    const cost = compileCost(binary);
    if (cost > limits.maxCompileCost)
      throw new RunError('module_too_large', `a function has ${cost} locals × blocks; the limit is ${limits.maxCompileCost}`);
    let module: WebAssembly.Module;
    try {
      module = new WebAssembly.Module(binary as Uint8Array<ArrayBuffer>);
    } catch (e) {
      throw new RunError('invalid_module', firstLine(String((e as Error).message)));
    }
    // Allow-list: env.write and the runtime library's exports (either form, as in Python).
    let needsRt = false;
    for (const i of WebAssembly.Module.imports(module)) {
      if (i.module === 'env' && i.name === 'write') continue;
      if (i.module === 'rt') {
        if (!runtimeLibrary) throw new RunError('unknown_import', 'the runtime library is unavailable: this build ships no rt.wat');
        if (runtimeLibrary.exports.has(i.name)) {
          needsRt = true;
          continue;
        }
      }
      throw new RunError('unknown_import', `import "${i.module}" "${i.name}" is not provided by the runtime`);
    }
    const main = exportedFunctionType(binary, 'main');
    if (!main) throw new RunError('missing_main', 'the module exports no function "main"');
    if (main.params.length) throw new RunError('missing_main', '"main" must take no parameters');
    const results = main.results.join(' ');
    if (!['', 'i32', 'i64', 'f64'].includes(results))
      throw new RunError('invalid_module', `"main" must return nothing or one i32, i64 or f64, not (${results})`);

    let instance: WebAssembly.Instance;
    try {
      if (needsRt) {
        const rt = new WebAssembly.Instance(new WebAssembly.Module(capMemories(runtimeLibrary!.binary, maxPages) as Uint8Array<ArrayBuffer>), { env });
        memory = rt.exports.memory as WebAssembly.Memory;
        instance = new WebAssembly.Instance(new WebAssembly.Module(capMemories(binary, maxPages) as Uint8Array<ArrayBuffer>), { env, rt: rt.exports });
      } else {
        instance = new WebAssembly.Instance(new WebAssembly.Module(capMemories(binary, maxPages) as Uint8Array<ArrayBuffer>), { env });
        memory = (instance.exports.memory as WebAssembly.Memory | undefined) ?? null;
      }
    } catch (e) {
      if (e instanceof MemoryLimitError) throw new RunError('memory_limit', `memory limit exceeded: ${e.message}`);
      if (e instanceof WebAssembly.LinkError) throw new RunError('unknown_import', firstLine(e.message));
      throw e; // a trap in a start function or a data segment: handled below like any trap
    }

    const value = (instance.exports.main as () => unknown)();
    let valueText: string | null = null;
    if (main.results.length === 1) {
      if (main.results[0] === 'f64') valueText = pythonFloatRepr(value as number);
      else valueText = String(value); // i32 arrives as a signed number, i64 as a BigInt
    }
    return finish({ ok: true, value: valueText });
  } catch (e) {
    if (e instanceof RunError) return finish({ errorKind: e.kind, errorMessage: e.message });
    if (isStackOverflow(e)) return finish({ errorKind: 'stack_overflow', errorMessage: 'call stack exhausted (recursion too deep)' });
    if (e instanceof WebAssembly.RuntimeError) {
      const reason = trapReason(e.message);
      if (reason === 'unreachable executed') {
        // A Python-level error: the program wrote "ErrorName: message" to fd 2 and trapped.
        const lines = decode(stderr).trim().split('\n');
        const match = PYTHON_ERROR.exec(lines.at(-1) ?? '');
        if (match) return finish({ errorKind: match[1] === 'MemoryError' ? 'memory_limit' : match[1], errorMessage: match[2] || match[1] });
      }
      return finish({ errorKind: 'trap', errorMessage: reason });
    }
    return finish({ errorKind: 'trap', errorMessage: firstLine(String((e as Error)?.message ?? e)) });
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
