"""The real ``leadbox serve`` in a child process, for tests that look at what a deployment sees:
its log on stderr, its answers over loopback HTTP."""

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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.contextmanager
def serve(database: str, folder: Path, *args: str, **env: str) -> Iterator[tuple[str, Path]]:
    """Serve ``database`` (``leadbox serve --port P *args``); yield the base URL and the file
    collecting the server's stderr (its stdout goes to ``server.out`` beside it)."""
    port = free_port()
    log = folder / "server.err"
    environ = {**os.environ, "DATABASE_URL": database, "LEADBOX_FILES_DIR": str(folder / "files"), **env}
    with log.open("wb") as errors, (folder / "server.out").open("wb") as out:
        child = subprocess.Popen(
            [sys.executable, "-m", "cli", "serve", "--port", str(port), *args],
            cwd=ROOT,
            env=environ,
            stdout=out,
            stderr=errors,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        # Up to three minutes: with --demo the server first writes the demo company.
        for _ in range(1800):
            if child.poll() is not None:
                raise AssertionError(f"the server exited:\n{log.read_text()}")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            time.sleep(0.1)
        else:
            raise AssertionError(f"the server did not answer /health:\n{log.read_text()}")
        yield base, log
    finally:
        child.terminate()
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
