"""Model export: `python -m export` builds the bundle (ONNX with KV cache, int8 weights, Brotli shards,
manifest) that the web app streams and the CLI's ONNX backend loads. Layout and manifest: docs/bundle.md."""
