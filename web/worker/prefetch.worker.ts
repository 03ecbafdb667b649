// Downloads a bundle version into Cache Storage in the background (an update), off the page's thread:
// every file is verified and saved, none is kept in memory, and files already saved are not fetched.
import { BundleError, loadBundle, type LoadProgress } from './bundle-loader';

export type PrefetchMessage =
  | { type: 'progress'; progress: LoadProgress }
  | { type: 'done'; downloadedFiles: number; downloadedBytes: number; cachedFiles: number; totalFiles: number }
  | { type: 'error'; code: string; message: string };

const post = (message: PrefetchMessage) => self.postMessage(message);

self.onmessage = async (event: MessageEvent<{ manifestUrl: string }>) => {
  try {
    const bundle = await loadBundle(event.data.manifestUrl, (progress) => post({ type: 'progress', progress }), { keepFiles: false });
    post({
      type: 'done',
      downloadedFiles: bundle.downloadedFiles,
      downloadedBytes: bundle.downloadedBytes,
      cachedFiles: bundle.cachedFiles,
      totalFiles: bundle.manifest.files.length,
    });
  } catch (e) {
    post({ type: 'error', code: e instanceof BundleError ? e.code : 'runtime', message: e instanceof Error ? e.message : String(e) });
  }
};
