// Minimal reader/patcher for the WebAssembly binary format. Hand-written because browsers expose no
// function signatures (the type-reflection proposal is not shipped) and no way to cap a memory's growth
// from outside: we need main's result type (an f64 5.0 prints "5.0", an i32 5 prints "5") and we set the
// declared maximum of the defining memory so memory.grow fails at the same limit as the Python runtime.

type ValType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'ref';

const VALTYPES: Record<number, ValType> = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'ref', 0x6f: 'ref' };

class Reader {
  constructor(
    readonly bytes: Uint8Array,
    public pos = 0,
  ) {}
  byte() {
    return this.bytes[this.pos++];
  }
  u32() {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result |= (b & 0x7f) << shift;
      if (!(b & 0x80)) return result >>> 0;
      shift += 7;
    }
  }
  name() {
    const len = this.u32();
    const s = new TextDecoder().decode(this.bytes.subarray(this.pos, this.pos + len));
    this.pos += len;
    return s;
  }
  limits() {
    const flags = this.byte();
    const min = this.u32();
    const max = flags & 1 ? this.u32() : undefined;
    return { flags, min, max };
  }
}

interface Section {
  id: number;
  start: number; // first byte of the section id
  bodyStart: number;
  end: number;
}

function sections(bytes: Uint8Array): Section[] {
  const r = new Reader(bytes, 8);
  const out: Section[] = [];
  while (r.pos < bytes.length) {
    const start = r.pos;
    const id = r.byte();
    const size = r.u32();
    out.push({ id, start, bodyStart: r.pos, end: r.pos + size });
    r.pos += size;
  }
  return out;
}

/** Entries in the function section (the functions a module defines). */
export function functionCount(bytes: Uint8Array): number {
  const section = sections(bytes).find((s) => s.id === 3);
  return section ? new Reader(bytes, section.bodyStart).u32() : 0;
}

/**
 * The largest locals × control blocks product over the function bodies: the compile cost that grows
 * quadratically (python/worldmodel/wasm_sections.py, same count). Bytes 0x02–0x04 in a body over-count
 * block/loop/if (immediates may hold them), which only makes the bound stricter.
 */
export function compileCost(bytes: Uint8Array): number {
  const section = sections(bytes).find((s) => s.id === 10);
  if (!section) return 0;
  const r = new Reader(bytes, section.bodyStart);
  let worst = 0;
  for (let n = r.u32(), i = 0; i < n; i++) {
    const size = r.u32();
    const end = r.pos + size;
    let locals = 0;
    for (let groups = r.u32(); groups > 0; groups--) {
      locals += r.u32();
      const type = r.byte();
      if (type === 0x63 || type === 0x64) r.u32(); // (ref null? heaptype): skip the heap type's LEB128
    }
    let blocks = 0;
    for (let p = r.pos; p < end; p++) if (bytes[p] >= 0x02 && bytes[p] <= 0x04) blocks++;
    worst = Math.max(worst, locals * blocks);
    r.pos = end;
  }
  return worst;
}

/** Parameter and result types of the exported function `name`, or null when there is no such function export. */
export function exportedFunctionType(bytes: Uint8Array, name: string): { params: ValType[]; results: ValType[] } | null {
  const types: { params: ValType[]; results: ValType[] }[] = [];
  const funcTypes: number[] = []; // type index per function index (imports first)
  let exportIndex = -1;
  for (const s of sections(bytes)) {
    const r = new Reader(bytes, s.bodyStart);
    if (s.id === 1) {
      for (let n = r.u32(), i = 0; i < n; i++) {
        if (r.byte() !== 0x60) return null; // only plain function types occur in our modules
        const params: ValType[] = [];
        for (let p = r.u32(); p > 0; p--) params.push(VALTYPES[r.byte()] ?? 'ref');
        const results: ValType[] = [];
        for (let q = r.u32(); q > 0; q--) results.push(VALTYPES[r.byte()] ?? 'ref');
        types.push({ params, results });
      }
    } else if (s.id === 2) {
      for (let n = r.u32(), i = 0; i < n; i++) {
        r.name();
        r.name();
        const kind = r.byte();
        if (kind === 0) funcTypes.push(r.u32());
        else if (kind === 1) {
          r.byte();
          r.limits();
        } else if (kind === 2) r.limits();
        else if (kind === 3) {
          r.byte();
          r.byte();
        } else if (kind === 4) {
          r.byte();
          r.u32();
        }
      }
    } else if (s.id === 3) {
      for (let n = r.u32(), i = 0; i < n; i++) funcTypes.push(r.u32());
    } else if (s.id === 7) {
      for (let n = r.u32(), i = 0; i < n; i++) {
        const exportName = r.name();
        const kind = r.byte();
        const index = r.u32();
        if (kind === 0 && exportName === name) exportIndex = index;
      }
    }
  }
  if (exportIndex < 0) return null;
  return types[funcTypes[exportIndex]] ?? null;
}

export class MemoryLimitError extends Error {}

/**
 * Returns a copy of the module whose own memories declare `maxPages` as their maximum (or keep a smaller one).
 * Imported memories are untouched: they are capped where they are defined.
 */
export function capMemories(bytes: Uint8Array, maxPages: number): Uint8Array {
  const memory = sections(bytes).find((s) => s.id === 5);
  if (!memory) return bytes;
  const r = new Reader(bytes, memory.bodyStart);
  const count = r.u32();
  const body: number[] = [...leb(count)];
  for (let i = 0; i < count; i++) {
    const { flags, min, max } = r.limits();
    if (flags & ~1) return bytes; // shared or 64-bit memories: leave as is (not produced by our toolchain)
    if (min > maxPages) throw new MemoryLimitError(`memory minimum size of ${min} pages exceeds memory limits`); // wasmtime's words
    const capped = Math.min(max ?? maxPages, maxPages);
    body.push(1, ...leb(min), ...leb(capped));
  }
  const section = [5, ...leb(body.length), ...body];
  const out = new Uint8Array(bytes.length - (memory.end - memory.start) + section.length);
  out.set(bytes.subarray(0, memory.start), 0);
  out.set(section, memory.start);
  out.set(bytes.subarray(memory.end), memory.start + section.length);
  return out;
}

function leb(value: number): number[] {
  const out: number[] = [];
  do {
    let b = value & 0x7f;
    value >>>= 7;
    if (value) b |= 0x80;
    out.push(b);
  } while (value);
  return out;
}
