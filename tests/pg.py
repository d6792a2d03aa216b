"""A PostgreSQL cluster of the suite's own, in a temporary folder, for the tests that need a real server.

Debian's `postgresql` package has the programs (`make test` installs it when
missing). PostgreSQL refuses to run as root, so under root the cluster is run
by the `postgres` user the package creates, in a folder it owns. It listens on
127.0.0.1 at a free port and on a unix socket in its own folder, never on the
machine's 5432, so a PostgreSQL already running there is left alone.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from glob import glob
from pathlib import Path

import psycopg

USER = "hashtalk"
PASSWORD = "hashtalk-test"


def postgres_bin() -> Path:
    """The folder of the newest installed PostgreSQL's server programs."""
    found = sorted(glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    if not found:
        raise RuntimeError("PostgreSQL's server is not installed: `make test` installs Debian's postgresql package")
    return Path(found[-1]).parent


@dataclass
class Cluster:
    """A running cluster: its folder, port, and a new empty database for each test that asks."""

    folder: Path
    port: int
    _numbers: itertools.count[int]

    def url(self, database: str = "postgres", *, password: str = PASSWORD) -> str:
        return f"postgresql://{USER}:{password}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """The address of a database no test has used."""
        name = f"t{os.getpid()}_{next(self._numbers)}"
        with psycopg.connect(self.url(), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"'.encode())
        return self.url(name)

    def stop(self, mode: str = "fast") -> None:
        _run_as_owner([str(postgres_bin() / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"])

    def start(self) -> None:
        _run_as_owner([
            str(postgres_bin() / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "server.log"), "-w",
            "-o", f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1", "start",
        ])

    @property
    def data(self) -> Path:
        return self.folder / "data"


def start_cluster() -> Cluster:
    """initdb a new cluster in a temporary folder and start it; `stop_cluster` removes it."""
    folder = Path(tempfile.mkdtemp(prefix="hashtalk-pg-"))
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    password_file = folder / "password"
    password_file.write_text(PASSWORD + "\n")
    if os.geteuid() == 0:
        os.chown(password_file, owner.pw_uid, owner.pw_gid)
    _run_as_owner([
        str(postgres_bin() / "initdb"), "-D", str(folder / "data"), "-U", USER, f"--pwfile={password_file}",
        "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-sync",
    ])
    with (folder / "data" / "postgresql.conf").open("a") as conf:
        # A test cluster: durability is the tests' own business (they stop the server cleanly or on purpose).
        conf.write("fsync = off\nfull_page_writes = off\nmax_connections = 300\n")
    cluster = Cluster(folder, _free_port(), itertools.count(1))
    cluster.start()
    return cluster


def stop_cluster(cluster: Cluster) -> None:
    with contextlib.suppress(subprocess.CalledProcessError):
        cluster.stop("immediate")
    shutil.rmtree(cluster.folder, ignore_errors=True)


def _run_as_owner(command: list[str]) -> None:
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, capture_output=True, timeout=120)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
