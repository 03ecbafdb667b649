// Bundle manifest (docs/bundle.md): the contract between the exporter and this worker.

export interface CompressedFile {
  path: string;
  encoding: 'br';
  size: number;
  sha256: string;
}

export interface BundleFile {
  path: string;
  role: 'graph' | 'weights' | 'tokenizer' | 'config' | string;
  size: number;
  sha256: string;
  compressed?: CompressedFile | null;
}

export interface Manifest {
  format_version: number;
  model: { id: string; version: string; source?: string; quantization?: string };
  protocol_version: number;
  architecture: { num_layers: number; num_kv_heads: number; head_dim: number; vocab_size: number; hidden_size?: number };
  generation: {
    max_new_tokens: number;
    temperature: number;
    top_p: number;
    eos_token_ids: number[];
    stop_strings: string[];
  };
  tokenizer: { files: string[]; chat_template?: string | null };
  graph: string;
  onnx?: {
    opset?: number;
    inputs?: string[];
    outputs?: string[];
    kv_dtype?: string;
    /** e.g. {"disable_quant_qdq": true}: passed to onnxruntime-web as session config entries. */
    session_options?: Record<string, boolean | number | string>;
  };
  files: BundleFile[];
}

export const SUPPORTED_FORMAT_VERSION = 1;
export const SUPPORTED_PROTOCOL_VERSION = 1;

/** Checks the fields this worker relies on; a clear message beats an `undefined` deep inside ORT. */
export function validateManifest(value: unknown, url: string): Manifest {
  const fail = (what: string): never => {
    throw new Error(`Invalid bundle manifest at ${url}: ${what}`);
  };
  if (typeof value !== 'object' || value === null) fail('not a JSON object');
  const m = value as Manifest;
  if (m.format_version !== SUPPORTED_FORMAT_VERSION)
    fail(`format_version ${m.format_version} is not supported (expected ${SUPPORTED_FORMAT_VERSION})`);
  if (m.protocol_version !== SUPPORTED_PROTOCOL_VERSION)
    fail(`protocol_version ${m.protocol_version} is not supported (expected ${SUPPORTED_PROTOCOL_VERSION})`);
  if (!m.architecture || !(m.architecture.num_layers > 0) || !(m.architecture.num_kv_heads > 0) || !(m.architecture.head_dim > 0))
    fail('architecture.num_layers/num_kv_heads/head_dim missing');
  if (!m.generation || !Array.isArray(m.generation.eos_token_ids)) fail('generation.eos_token_ids missing');
  if (!Array.isArray(m.files) || m.files.length === 0) fail('files is empty');
  for (const f of m.files) {
    if (typeof f.path !== 'string' || !/^[0-9a-f]{64}$/.test(f.sha256) || !(f.size >= 0))
      fail(`file entry ${JSON.stringify(f).slice(0, 120)} needs path, size and a sha256 hex digest`);
    if (f.path.includes('..') || f.path.startsWith('/')) fail(`file path ${f.path} must stay inside the bundle`);
    if (f.compressed && (f.compressed.encoding !== 'br' || !/^[0-9a-f]{64}$/.test(f.compressed.sha256)))
      fail(`file ${f.path}: only "br" compression with a sha256 is supported`);
  }
  if (!m.files.some((f) => f.path === m.graph)) fail(`graph ${m.graph} is not listed in files`);
  for (const t of m.tokenizer?.files ?? []) if (!m.files.some((f) => f.path === t)) fail(`tokenizer file ${t} is not listed in files`);
  return m;
}
