"""Weight quantization of exported graphs (weight-only per-channel int8) and its quality checks."""
