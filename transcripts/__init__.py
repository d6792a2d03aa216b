"""Transcripts and recaps, read from a session's event log.

Pure functions over small input dataclasses (`transcripts.model`): this package
never imports `host`; `host` reads its storage into these inputs and calls in.
"""
