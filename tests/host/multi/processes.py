"""Real `hashtalk serve` processes for the tests that kill one: started, read until they listen, stopped."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field

from tests.conftest import MODERATOR_TOKEN, WAIT

SERVING = re.compile(r"hashtalk serving (http://\S+)")


@dataclass
class ServeProcess:
    """A `hashtalk serve` running in its own process group, and what it printed."""

    process: subprocess.Popen[str]
    url: str
    reader: threading.Thread
    output: list[str] = field(default_factory=list)

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://")

    def kill(self) -> None:
        """SIGKILL the server and every worker it started: nothing of it gets to say goodbye."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=WAIT)
        self._done()

    def stop(self) -> None:
        """Ctrl-C, as an operator stops it; killed if it does not stop within the bound."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGINT)
        try:
            self.process.wait(timeout=3 * WAIT)
        except subprocess.TimeoutExpired:
            self.kill()
        self._done()

    def _done(self) -> None:
        self.reader.join(timeout=WAIT)
        if self.process.stdout is not None:
            self.process.stdout.close()


def serve(database: str, *args: str, port: int = 0) -> ServeProcess:
    """Start `hashtalk serve --db DATABASE` with `args` and return once it says where it listens."""
    env = {
        **os.environ, "HASHTALK_MODERATOR_TOKEN": MODERATOR_TOKEN, "HASHTALK_RESCAN_SECONDS": "0.2",
        "HASHTALK_MAX_PER_ADDRESS": "0", "HASHTALK_RATE_POSTS": "100000", "HASHTALK_DUPLICATE_SECONDS": "0",
        "HASHTALK_JOINS_PER_ADDRESS": "0",
    }
    command = [sys.executable, "-c", "from host.app.cli import main; main()", "serve", "--db", database,
               "--port", str(port), *args]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, start_new_session=True
    )
    output: list[str] = []
    found = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line)
            if SERVING.search(line):
                found.set()
        found.set()  # it ended

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    match = next((m for line in output if (m := SERVING.search(line))), None) if found.wait(6 * WAIT) else None
    if match is None or process.poll() is not None:
        ServeProcess(process, "", reader, output).kill()
        raise AssertionError("the server did not start:\n" + "".join(output))
    return ServeProcess(process, match.group(1), reader, output)
