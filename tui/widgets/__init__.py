"""The live screen's components, one per module."""
