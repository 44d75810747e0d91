"""Where webhooks may be sent: https URLs of public addresses (SPEC §10.7).

The address is checked after DNS resolution, on every attempt, and the request goes to the
address that was checked, so a name that resolves to a public address when the subscription is
made and to an internal one later (DNS rebinding) is still refused. With
``LEADBOX_WEBHOOKS_ALLOW_INSECURE`` (tests, local development) http and every address are allowed.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from core.errors import ErrorCode, fail

MAX_URL_LENGTH = 2048
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnsafeTarget(Exception):
    """The target cannot be used now: no address, or not a public one."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int


def parse(url: str, allow_insecure: bool) -> Target:
    """The URL's parts, or INVALID_URL for a URL webhooks cannot be sent to."""

    def bad(reason: str) -> Exception:
        return fail(f"The webhook URL {reason}.", ErrorCode.INVALID_URL, "input", "url")

    if len(url) > MAX_URL_LENGTH:
        raise bad(f"has more than {MAX_URL_LENGTH} characters")
    if any(c.isspace() or ord(c) < 32 for c in url):
        raise bad("contains spaces or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise bad("is malformed") from exc
    allowed = ("https", "http") if allow_insecure else ("https",)
    if parts.scheme not in allowed:
        raise bad("must start with https://")
    if not parts.hostname:
        raise bad("has no host")
    if parts.username or parts.password:
        raise bad("must not carry a user name or password")
    if parts.fragment:
        raise bad("must not have a fragment (#...)")
    target = Target(parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80))
    literal = _literal(parts.hostname)
    if literal is not None and not allow_insecure and not is_public(literal):
        raise bad("names a loopback, private or link-local address")
    if literal is None and not allow_insecure and parts.hostname.rstrip(".").lower() in ("localhost",):
        raise bad("names a loopback address")
    return target


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def is_public(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


async def resolve(target: Target, allow_insecure: bool) -> str:
    """The address to connect to: the first the name resolves to, which must be public (every
    one of them must: a name mixing public and internal addresses is refused)."""
    literal = _literal(target.host)
    if literal is not None:
        addresses = [literal]
    else:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                target.host, target.port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
            )
        except OSError as exc:
            raise UnsafeTarget(f"cannot resolve {target.host}: {exc.strerror or exc}") from exc
        addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    if not addresses:
        raise UnsafeTarget(f"{target.host} has no address")
    if not allow_insecure:
        refused = [a for a in addresses if not is_public(a)]
        if refused:
            raise UnsafeTarget(f"{target.host} resolves to a non-public address ({refused[0]})")
    return str(addresses[0])
