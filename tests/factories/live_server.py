"""The real server for tests that need one: uvicorn in a child process on a loopback socket.

The test binds the socket (port 0, so any free port) and hands it to the child, so the port is
known before the child starts and no other process can take it in between.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent.parent


@contextlib.contextmanager
def live_server(database: str, folder: Path, **env: str) -> Iterator[str]:
    """Serve ``app:create_app`` on ``database`` with extra environment ``env``; yields the base URL."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    listener.set_inheritable(True)
    port = listener.getsockname()[1]
    environment = {**os.environ, "DATABASE_URL": database, "LEADBOX_FILES_DIR": str(folder / "files"), **env}
    log = folder / "server.log"
    with log.open("wb") as output:
        child = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "app:create_app", "--factory", "--fd", str(listener.fileno())],
            cwd=ROOT,
            env=environment,
            pass_fds=[listener.fileno()],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    with running(child, base, log, listener):
        yield base


@contextlib.contextmanager
def running(child: subprocess.Popen[bytes], base: str, log: Path, listener: socket.socket) -> Iterator[None]:
    """Wait until ``child`` answers ``/health`` at ``base`` (its output in ``log``); stop it after."""
    try:
        for _ in range(300):
            if child.poll() is not None:
                raise AssertionError(f"the server exited:\n{log.read_text()}")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            time.sleep(0.1)
        else:
            raise AssertionError(f"the server did not answer /health:\n{log.read_text()}")
        yield
    finally:
        child.terminate()
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        listener.close()
