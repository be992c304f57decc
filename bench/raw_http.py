"""A minimal HTTP/1.1 keep-alive client on asyncio streams, for load generators: the benchmarks
measure the tool, and httpx's per-request cost (≈ 1.5 ms of CPU) would otherwise dominate on a
2-core machine shared by the load generator and the server. Content-Length bodies only (what the
tool sends); one connection per simulated user."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit


@dataclass
class RawResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k == name), None)

    def cookies(self) -> dict[str, str]:
        jar: dict[str, str] = {}
        for key, value in self.headers:
            if key == "set-cookie":
                parsed = SimpleCookie()
                parsed.load(value.split(";", 1)[0])
                jar.update({name: morsel.value for name, morsel in parsed.items()})
        return jar


@dataclass
class RawConnection:
    host: str
    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    _reader: asyncio.StreamReader | None = None
    _writer: asyncio.StreamWriter | None = None

    @classmethod
    def to(cls, base_url: str) -> RawConnection:
        parts = urlsplit(base_url)
        return cls(parts.hostname or "127.0.0.1", parts.port or 80)

    async def _open(self) -> None:
        self._reader, self._writer = await asyncio.open_connection(self.host, self.port)

    async def request(self, method: str, target: str, form: dict[str, str | list[str]] | None = None,
                      headers: dict[str, str] | None = None) -> RawResponse:
        body = urlencode(form, doseq=True).encode() if form is not None else b""
        lines = [f"{method} {target} HTTP/1.1", f"host: {self.host}:{self.port}", f"content-length: {len(body)}"]
        if form is not None:
            lines.append("content-type: application/x-www-form-urlencoded")
        if self.cookies:
            lines.append("cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        payload = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        for attempt in (1, 2):  # a keep-alive connection the server closed is reopened once
            if self._writer is None:
                await self._open()
            assert self._reader is not None and self._writer is not None
            try:
                self._writer.write(payload)
                return await self._read()
            except (ConnectionError, asyncio.IncompleteReadError):
                await self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def _read(self) -> RawResponse:
        assert self._reader is not None
        head = await self._reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        headers = [(k.strip().lower(), v.strip()) for k, _, v in (h.partition(":") for h in header_lines if h)]
        length = int(next((v for k, v in headers if k == "content-length"), "0"))
        body = await self._reader.readexactly(length) if length else b""
        response = RawResponse(int(status_line.split(" ", 2)[1]), headers, body)
        if any(k == "connection" and v.lower() == "close" for k, v in headers):
            await self.close()
        return response

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
            self._reader = None
