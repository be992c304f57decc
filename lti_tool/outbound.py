"""Outbound requests to addresses chosen by someone else (a platform's configuration URL given to
`/lti/register`): only public addresses, checked on what the name resolves to, at connection time.

`check_public_host` resolves a host and refuses loopback, private, link-local, shared, reserved, multicast and
unspecified addresses (unless explicitly allowed). `guarded_client` is an httpx client whose connections go
through the same check *when they are opened* — the client connects to the very address that was checked, so a
name that resolves to a public address at check time and to 127.0.0.1 a moment later (DNS rebinding) is still
refused. TLS keeps the host name for SNI and certificate checks."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import httpcore
import httpx

Resolver = Callable[[str, int], Awaitable[list[str]]]


class AddressRefused(Exception):
    """The host does not resolve, or resolves to an address that is not public."""


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


async def system_resolver(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


async def check_public_host(host: str, port: int, *, allow_private: bool = False,
                            resolver: Resolver = system_resolver) -> list[str]:
    """The addresses of `host`, every one public (or `allow_private`); AddressRefused otherwise."""
    try:
        addresses = await resolver(host.strip("[]"), port)
    except (OSError, UnicodeError) as exc:
        raise AddressRefused(f"{host}: unresolvable") from exc
    if not addresses:
        raise AddressRefused(f"{host}: no address")
    if not allow_private and not all(is_public(a) for a in addresses):
        raise AddressRefused(f"{host}: not a public address")
    return addresses


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, connecting only to checked addresses."""

    def __init__(self, allow_private: bool = False, resolver: Resolver = system_resolver) -> None:
        self._inner = httpcore.AnyIOBackend()
        self._allow_private = allow_private
        self._resolver = resolver

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                          socket_options: Iterable[Any] | None = None) -> httpcore.AsyncNetworkStream:
        try:
            addresses = await check_public_host(host, port, allow_private=self._allow_private,
                                                resolver=self._resolver)
        except AddressRefused as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        return await self._inner.connect_tcp(addresses[0], port, timeout=timeout, local_address=local_address,
                                             socket_options=socket_options)

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable[Any] | None = None) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not allowed")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def guarded_transport(allow_private: bool = False, resolver: Resolver = system_resolver) -> httpx.AsyncHTTPTransport:
    transport = httpx.AsyncHTTPTransport()
    # httpx builds its pool with the default backend; the same pool, with the guarded backend instead
    transport._pool = httpcore.AsyncConnectionPool(  # noqa: SLF001
        ssl_context=httpx.create_ssl_context(), network_backend=GuardedBackend(allow_private, resolver))
    return transport


def guarded_client(timeout_seconds: float, allow_private: bool = False) -> httpx.AsyncClient:
    return httpx.AsyncClient(timeout=httpx.Timeout(timeout_seconds), follow_redirects=False,
                             transport=guarded_transport(allow_private))
