"""The server: protocol vocabulary, pure rules, storage, the live runtime, the network and HTTP edges, and the composition root (see docs/architecture.md)."""
