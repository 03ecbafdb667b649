// Where a decode step's time goes in onnxruntime-web's wasm build (the app's, run in Node): session.run fetching
// every present tensor, as the app does, against fetching the logits only (no KV cache copied out of the wasm heap),
// at 64, 300 and 600 tokens of context; medians of 7. Run from the repository root:
//   node benchmarks/web/kv_copy.mjs [threads] [bundle folder]
import * as ort from 'onnxruntime-web/wasm';
import { readFileSync, readdirSync } from 'node:fs';
const bundle = process.argv[3] ?? 'bundles/default';
const manifest = JSON.parse(readFileSync(`${bundle}/manifest.json`, 'utf-8'));
const dir = `${bundle}/${manifest.graph.split('/').slice(0, -1).join('/')}`;
const graphFile = manifest.graph.split('/').pop();
ort.env.wasm.numThreads = Number(process.argv[2] ?? 1);
const externalData = readdirSync(dir).filter((f) => f.startsWith(`${graphFile}_data`) && !f.endsWith('.br')).map((f) => ({ path: f, data: readFileSync(`${dir}/${f}`) }));
const session = await ort.InferenceSession.create(readFileSync(`${dir}/${graphFile}`), { executionProviders: ['wasm'], graphOptimizationLevel: 'all', externalData, extra: { session: { disable_quant_qdq: '1' } } });
const { num_layers: L, num_kv_heads: H, head_dim: D } = manifest.architecture;
const ids = (a, dims) => new ort.Tensor('int64', BigInt64Array.from(a, BigInt), dims);
function feeds(past, len, n) {
  const f = { input_ids: ids(Array.from({ length: n }, (_, i) => 100 + i), [1, n]), attention_mask: ids(new Array(len + n).fill(1), [1, len + n]),
    position_ids: ids(Array.from({ length: n }, (_, i) => len + i), [1, n]), num_logits_to_keep: new ort.Tensor('int64', BigInt64Array.from([1n]), []) };
  for (let i = 0; i < L; i++) { f[`past_key_values.${i}.key`] = past[2 * i]; f[`past_key_values.${i}.value`] = past[2 * i + 1]; }
  return f;
}
const empty = Array.from({ length: 2 * L }, () => new ort.Tensor('float32', new Float32Array(0), [1, H, 0, D]));
const median = (a) => a.sort((x, y) => x - y)[a.length >> 1];
for (const context of [64, 300, 600]) {
  const out = await session.run(feeds(empty, 0, context));
  const past = []; for (let i = 0; i < L; i++) past.push(out[`present.${i}.key`], out[`present.${i}.value`]);
  const all = [], logitsOnly = [];
  for (let r = 0; r < 7; r++) {
    let t = performance.now(); await session.run(feeds(past, context, 1)); all.push(performance.now() - t);
    t = performance.now(); await session.run(feeds(past, context, 1), ['logits']); logitsOnly.push(performance.now() - t);
  }
  const mb = (2 * L * H * context * D * 4) / 2 ** 20;
  const a = median(all), b = median(logitsOnly);
  console.log(`context ${context}: KV ${mb.toFixed(1)} MB; step fetching every present ${a.toFixed(1)} ms, logits only ${b.toFixed(1)} ms: copying the KV out costs ${(a - b).toFixed(1)} ms (${((100 * (a - b)) / a).toFixed(0)} %)`);
}
