"""The servers a benchmark runs as separate processes on loopback: the real app under uvicorn
(:func:`server_app`) and the floor (bench/floor.py); their resident memory and shutdown."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app import create_app
from core.config import Settings, settings_from_env

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def server_app() -> Any:
    """The app as the benchmarks serve it (``uvicorn --factory bench.servers:server_app``): the real
    ``create_app`` on ``DATABASE_URL``, without the job worker, which the workloads never need."""

    return create_app(settings_from_env(), run_worker=False)


# The rate limits (core/rate_limit.py) would throttle a load test after its first seconds: each
# benchmark server gets budgets it cannot spend; the bookkeeping still runs on every request.
UNLIMITED = {"LEADBOX_RATE_LIMIT_POINTS": str(10**12), "LEADBOX_RATE_LIMIT_RESTORE_RATE": str(10**12)}


def unlimited_settings(database_url: str) -> Settings:
    """An in-process app's settings with the servers' rate-limit budgets (:data:`UNLIMITED`)."""
    return Settings(
        database_url=database_url,
        rate_limit_points=int(UNLIMITED["LEADBOX_RATE_LIMIT_POINTS"]),
        rate_limit_restore_rate=int(UNLIMITED["LEADBOX_RATE_LIMIT_RESTORE_RATE"]),
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    port: int

    def rss_mb(self, field: str = "VmRSS") -> float:
        """Resident memory in MB: ``VmRSS`` (all of it) or ``RssAnon`` (without file pages,
        such as the SQLite database pages the connection maps into memory)."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_server(name: str, args: list[str], env: dict[str, str], port: int) -> Server:
    process = subprocess.Popen([PYTHON, *args], cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the {name} server exited with status {process.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return Server(name, process, port)
        time.sleep(0.2)
    process.kill()
    raise SystemExit(f"the {name} server did not start")


def start_app(database_url: str) -> Server:
    port = free_port()
    args = ["-m", "uvicorn", "bench.servers:server_app", "--factory", "--workers", "1", "--no-access-log"]
    args += ["--log-level", "warning", "--host", "127.0.0.1", "--port", str(port)]
    return start_server("leadbox", args, {"DATABASE_URL": database_url, "PYTHONPATH": str(ROOT), **UNLIMITED}, port)


def start_floor(database_url: str) -> Server:
    port = free_port()
    return start_server("floor", ["bench/floor.py", "--database-url", database_url, "--port", str(port)], {}, port)
