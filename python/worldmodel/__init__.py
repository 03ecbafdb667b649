"""WorldModel: a small language model that answers by writing WebAssembly and running it."""

__version__ = "0.1.0"
PROTOCOL_VERSION = 1
