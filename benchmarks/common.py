"""What the benchmark scripts share: a free port, a migrated database, a server that is up."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_database(env: dict) -> None:
    """`academy db upgrade` against the database that `env` names."""
    subprocess.run([str(BIN / "academy"), "db", "upgrade"], env=env, cwd=ROOT, check=True)


def wait_until_up(base: str, server: subprocess.Popen, seconds: float = 60) -> None:
    """Wait for the served app to answer /healthz; fail if the server exits or never answers."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")
