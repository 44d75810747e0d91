"""The benchmarks' load generator: an asyncio client writing prepared HTTP/1.1 requests over raw
keep-alive connections (bench/suite.py says why it is the cheaper client), and what a run measured."""

from __future__ import annotations

import asyncio
import socket
import time
from dataclasses import dataclass, field
from typing import Any

import orjson


@dataclass
class Workload:
    key: str
    query: str
    variables: list[dict[str, Any]]
    token: str
    path: str = "/graphql"

    def bodies(self) -> list[bytes]:
        return [orjson.dumps({"query": self.query, "variables": v}) for v in self.variables]


def _request(port: int, path: str, token: str, body: bytes) -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {token}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = -1
    chunked = False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if not chunked:
        return status, await reader.readexactly(length)
    parts: list[bytes] = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
        if size == 0:
            await reader.readuntil(b"\r\n")
            return status, b"".join(parts)
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)
    bytes: int = 0
    errors: int = 0
    elapsed: float = 0.0
    client_cpu: float = 0.0

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1000 if ordered else float("nan")


def _has_errors(body: bytes) -> bool:
    """A GraphQL answer with errors (a throttled or refused request still comes with status 200)."""
    try:
        answer = orjson.loads(body)
    except orjson.JSONDecodeError:
        return True
    return isinstance(answer, dict) and bool(answer.get("errors"))


async def load(
    port: int, workload: Workload, connections: int, *, duration: float | None = None, requests: int | None = None
) -> Run:
    """Send the workload's requests over ``connections`` keep-alive connections, for a time
    or a number of requests; each request takes the next set of variables in turn."""
    prepared = [_request(port, workload.path, workload.token, b) for b in workload.bodies()]
    run = Run()
    counter = iter(range(10**12))
    deadline = time.perf_counter() + duration if duration is not None else None

    async def worker() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.transport.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            while True:
                n = next(counter)
                if requests is not None and n >= requests:
                    return
                if deadline is not None and time.perf_counter() >= deadline:
                    return
                start = time.perf_counter()
                writer.write(prepared[n % len(prepared)])
                status, body = await _read_response(reader)
                run.latencies.append(time.perf_counter() - start)
                run.bytes += len(body)
                if status != 200 or _has_errors(body):
                    run.errors += 1
        finally:
            writer.close()

    cpu, start = time.process_time(), time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    run.elapsed = time.perf_counter() - start
    run.client_cpu = time.process_time() - cpu
    return run
