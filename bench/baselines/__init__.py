"""The servers a Python developer would write instead of hashtalk, measured beside it by the fan-out benchmark.

Each speaks only the part of hashtalk's protocol the load generator uses
(`room.py`) and keeps nothing: no database, no log to replay, no moderation.
"""
