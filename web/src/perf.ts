// The performance panel: load time, prefill/decode speed, memory where the browser reports it, device capabilities.
import type { GenerationStats, LoadInfo } from '../worker/worldmodel';
import { fillDefinitionList } from './render';

const rows = new Map<string, string>();

export function setPerf(name: string, value: string): void {
  rows.set(name, value);
  fillDefinitionList(document.getElementById('perf-list')!, rows, (dd, name) => (dd.dataset.metric = name));
}

export function showLoadInfo(info: LoadInfo): void {
  setPerf('Model', `${info.modelId} ${info.modelVersion} (${info.quantization || 'fp32'})`);
  setPerf('Load time', `${(info.loadMs / 1000).toFixed(2)} s (${info.cachedFiles === info.totalFiles ? 'warm: all files from cache' : `cold: ${(info.downloadedBytes / 1048576).toFixed(1)} MB downloaded`})`);
  setPerf('Session creation', `${(info.sessionMs / 1000).toFixed(2)} s`);
  setPerf(
    'Threads',
    info.crossOriginIsolated
      ? String(info.threads)
      : `${info.threads} (single-threaded: SharedArrayBuffer is unavailable because the page is not cross-origin isolated, e.g. Safari or a host without COOP/COEP headers)`,
  );
  setPerf('WebAssembly SIMD', info.simd ? 'yes' : 'no');
  setPerf('Cross-origin isolated', info.crossOriginIsolated ? 'yes' : 'no');
  setPerf('WebGPU', 'gpu' in navigator ? 'present (not used: WASM backend)' : 'absent');
  void updateMemory();
}

export function showGenerationStats(stats: GenerationStats): void {
  setPerf('Prefill', `${stats.prefillTokensPerSecond.toFixed(1)} tokens/s (${stats.firstPrefillTokens} prompt tokens)`);
  setPerf('Decode', `${stats.decodeTokensPerSecond.toFixed(1)} tokens/s (${stats.generatedTokens} tokens)`);
  setPerf('Sandbox', `${stats.sandboxMs.toFixed(1)} ms`);
  void updateMemory();
}

async function updateMemory(): Promise<void> {
  const perf = performance as Performance & {
    memory?: { usedJSHeapSize: number };
    measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }>;
  };
  const mb = (n: number) => `${(n / 1048576).toFixed(0)} MB`;
  if (perf.measureUserAgentSpecificMemory && crossOriginIsolated) {
    try {
      const m = await perf.measureUserAgentSpecificMemory();
      setPerf('Memory', `${mb(m.bytes)} (page and workers)`);
      return;
    } catch {
      // not allowed here; fall through
    }
  }
  // Without measureUserAgentSpecificMemory (it needs cross-origin isolation) only the page's own heap is visible,
  // a few MB, while the model lives in the inference worker: say so rather than print a misleading total.
  if (perf.memory) setPerf('Memory', `${mb(perf.memory.usedJSHeapSize)} page heap only (the model's worker is not measured here)`);
  else setPerf('Memory', 'not reported by this browser');
}
