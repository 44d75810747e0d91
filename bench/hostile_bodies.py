"""What a huge request body costs the server: how long other requests wait, and its memory.

    python bench/hostile_bodies.py                         # this checkout, 52 MB, 1 and 4 senders
    python bench/hostile_bodies.py --root /path/to/other   # another checkout, for comparison
    python bench/hostile_bodies.py --megabytes 100 --senders 4

It serves ``app:create_app`` from ``--root`` with uvicorn on a loopback port (a fresh SQLite
file), then, while a probe asks ``/graphql`` for ``{ __typename }`` every 20 ms, sends
``--senders`` unauthenticated JSON bodies of ``--megabytes`` MB at once (a query with one long
string variable) (declared with
Content-Length and sent whole, as a client that does not read the answer first would). It
prints how long each sender waited for its answer and its status, the probe's slowest answer
during the attack, and the server's resident memory before and after (VmRSS, and VmHWM, the
peak). Results are in BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

PROBE = b'{"query": "{ __typename }"}'


def _memory(pid: int) -> dict[str, int]:
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            out[name] = int(value.split()[0]) // 1024
    return out


def _send(base: str, size: int, results: list[tuple[float, str]]) -> None:
    host, port = base.removeprefix("http://").split(":")
    started = time.perf_counter()
    status = "no answer"
    try:
        with socket.create_connection((host, int(port)), timeout=120) as sock:
            head = (
                f"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {size}\r\n\r\n"
            )
            sock.sendall(head.encode())
            # Valid JSON: one long string variable, so that an unlimited server parses all of it.
            prefix, suffix = b'{"query": "{ __typename }", "variables": {"x": "', b'"}}'
            piece = b"a" * (1 << 20)
            try:
                sock.sendall(prefix)
                for _ in range((size - len(prefix) - len(suffix)) >> 20):
                    sock.sendall(piece)
                sock.sendall(piece[: (size - len(prefix) - len(suffix)) % (1 << 20)] + suffix)
            except OSError:
                pass  # refused before the body was sent: read the answer
            answer = sock.recv(200)
            status = answer.split(b"\r\n", 1)[0].decode() or "closed"
    except OSError as exc:
        status = type(exc).__name__
    results.append((time.perf_counter() - started, status))


def run(root: Path, megabytes: int, senders: int) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    listener.set_inheritable(True)
    base = f"http://127.0.0.1:{listener.getsockname()[1]}"
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "DATABASE_URL": f"sqlite://{folder}/bench.sqlite3", "LEADBOX_FILES_DIR": folder}
        child = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "app:create_app", "--factory", "--fd", str(listener.fileno())],
            cwd=root,
            env=env,
            pass_fds=[listener.fileno()],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            with httpx.Client(timeout=120) as client:
                for _ in range(300):
                    try:
                        if client.get(f"{base}/health").status_code == 200:
                            break
                    except httpx.TransportError:
                        time.sleep(0.1)
                for _ in range(20):
                    client.post(f"{base}/graphql", content=PROBE, headers={"Content-Type": "application/json"})
                before = _memory(child.pid)
                waits: list[float] = []
                done = threading.Event()

                def probe() -> None:
                    with httpx.Client(timeout=120) as prober:
                        while not done.is_set():
                            started = time.perf_counter()
                            prober.post(f"{base}/graphql", content=PROBE, headers={"Content-Type": "application/json"})
                            waits.append(time.perf_counter() - started)
                            time.sleep(0.02)

                prober = threading.Thread(target=probe)
                prober.start()
                time.sleep(0.3)
                results: list[tuple[float, str]] = []
                threads = [
                    threading.Thread(target=_send, args=(base, megabytes << 20, results)) for _ in range(senders)
                ]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                time.sleep(0.3)
                done.set()
                prober.join()
                after = _memory(child.pid)
        finally:
            child.terminate()
            child.wait(timeout=30)
            listener.close()
    print(f"root {root}: {senders} x {megabytes} MB")
    for seconds, status in sorted(results):
        print(f"  sender answered in {seconds:.2f} s: {status}")
    print(
        f"  probe during the attack: {len(waits)} answers, median {statistics.median(waits) * 1000:.1f} ms,"
        f" slowest {max(waits) * 1000:.1f} ms"
    )
    print(f"  server memory: RSS {before['VmRSS']} MB before, {after['VmRSS']} MB after, peak {after['VmHWM']} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--megabytes", type=int, default=52)
    parser.add_argument("--senders", type=int, nargs="*", default=[1, 4])
    args = parser.parse_args()
    for senders in args.senders:
        run(args.root, args.megabytes, senders)


if __name__ == "__main__":
    main()
