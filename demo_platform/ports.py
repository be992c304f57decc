"""Listening sockets for `pix-lti demo`, bound before anything is announced.

Binding the sockets ourselves (and handing them to uvicorn) leaves no window between "the port is
free" and "the server listens on it"; a busy port is known before the first line is printed.
"""

from __future__ import annotations

import errno
import socket
from dataclasses import dataclass

_REASONS = {errno.EADDRINUSE: "port déjà utilisé par un autre programme", errno.EACCES: "accès refusé",
            errno.EADDRNOTAVAIL: "adresse absente de cette machine"}


def _reason(exc: OSError) -> str:
    return _REASONS.get(exc.errno or 0, exc.strerror or str(exc))


class PortBusy(Exception):
    def __init__(self, host: str, port: int, reason: str) -> None:
        super().__init__(f"{host}:{port}: {reason}")
        self.host, self.port, self.reason = host, port, reason


@dataclass
class Listener:
    socket: socket.socket
    wanted: int  # the port asked for (0: any free port)

    @property
    def port(self) -> int:
        return int(self.socket.getsockname()[1])

    @property
    def moved(self) -> bool:
        """True when the port asked for was busy and another one was taken instead."""
        return self.wanted != 0 and self.port != self.wanted


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        # As uvicorn does: a port in TIME_WAIT after a previous demo is free; a listening one is not.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
        sock.set_inheritable(True)
    except OSError:
        sock.close()
        raise
    return sock


def listen(host: str, port: int, *, fallback: bool) -> Listener:
    """A socket listening on ``host:port``; on a busy port, on a free one when ``fallback``, else PortBusy."""
    try:
        return Listener(_bind(host, port), port)
    except OSError as exc:
        if not fallback or port == 0:
            raise PortBusy(host, port, _reason(exc)) from None
    try:
        return Listener(_bind(host, 0), port)
    except OSError as exc:
        raise PortBusy(host, 0, _reason(exc)) from None
