"""Real processes for the production tests: Debian's nginx running deploy/nginx/pix-lti.conf (only addresses,
ports and certificate paths replaced), `pix-lti serve` instances and a `pix-lti worker`, on loopback.

Ports come from PIX_LTI_TEST_PORTS ("first-last", default 8250-8299): the machine's engineers each have a
range; the first free ones are taken."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "deploy" / "nginx" / "pix-lti.conf"
CLI = [sys.executable, "-m", "pix_lti.cli"]


def free_ports(count: int) -> list[int]:
    first, last = (int(p) for p in os.environ.get("PIX_LTI_TEST_PORTS", "8250-8299").split("-"))
    found = []
    for port in range(first, last + 1):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        found.append(port)
        if len(found) == count:
            return found
    raise RuntimeError(f"not {count} free ports in {first}-{last}")


def nginx_binary() -> str:
    path = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if path is None:
        if os.environ.get("PIX_LTI_REQUIRE_SERVICES") == "1" or os.environ.get("CI"):
            pytest.fail("nginx is required (bash scripts/system-deps.sh installs it)")
        pytest.skip("nginx not installed (bash scripts/system-deps.sh)")
    return path


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 / localhost and its key (PEM files)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def render_site(upstreams: list[int], http_port: int, https_port: int, cert: Path, key: Path) -> str:
    """deploy/nginx/pix-lti.conf with loopback addresses, the test's ports and certificate: every replaced text
    must occur exactly once, so the file tested is the file shipped."""
    text = SITE.read_text(encoding="utf-8")
    servers = "\n    ".join(f"server 127.0.0.1:{p} max_fails=2 fail_timeout=10s;" for p in upstreams)
    replacements = [
        ("    server 10.0.0.11:8000 max_fails=2 fail_timeout=10s;\n    server 10.0.0.12:8000 max_fails=2 "
         "fail_timeout=10s;", "    " + servers),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("    listen [::]:80;\n", ""),  # no IPv6 on the test machine's loopback
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        ("    listen [::]:443 ssl http2;\n", ""),
        ("/etc/letsencrypt/live/pix-lti.example.fr/fullchain.pem", str(cert)),
        ("/etc/letsencrypt/live/pix-lti.example.fr/privkey.pem", str(key)),
        ("return 301 https://$host$request_uri;", f"return 301 https://$host:{https_port}$request_uri;"),
    ]
    for old, new in replacements:
        assert text.count(old) == 1, f"deploy/nginx/pix-lti.conf changed: {old!r} is not there exactly once"
        text = text.replace(old, new)
    return text


@dataclass
class Nginx:
    directory: Path
    http_port: int
    https_port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    def start(self, site: str, access_log: bool = False) -> None:
        """`access_log`: one line per request with the instance that answered it ($upstream_addr, several when
        nginx moved to the next one) and the statuses, in access.log."""
        d = self.directory
        (d / "site.conf").write_text(site, encoding="utf-8")
        temp = "\n".join(f"    {kind}_temp_path {d}/{kind};" for kind in ("client_body", "proxy", "fastcgi",
                                                                          "uwsgi", "scgi"))
        log_format = "log_format upstreams '$msec|$request_method|$status|$upstream_addr|$upstream_status';"
        log = f"    {log_format}\n    access_log {d}/access.log upstreams;" if access_log else "    access_log off;"
        user = "user root;\n" if os.geteuid() == 0 else ""  # the workers write their temp files under d
        (d / "nginx.conf").write_text(
            f"{user}worker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\n"
            f"events {{ worker_connections 1024; }}\n"
            f"http {{\n{log}\n{temp}\n    include /etc/nginx/mime.types;\n"
            f"    include {d}/site.conf;\n}}\n",
            encoding="utf-8")
        binary = nginx_binary()
        check = subprocess.run([binary, "-t", "-p", str(d), "-c", str(d / "nginx.conf")], capture_output=True,
                               text=True)
        assert check.returncode == 0, check.stderr
        self.process = subprocess.Popen([binary, "-p", str(d), "-c", str(d / "nginx.conf"), "-g", "daemon off;"])
        wait_port(self.https_port)

    def access_log(self) -> list[tuple[float, str, int, list[str], list[str]]]:
        """(time, method, status, instances tried, their statuses) per request, from access.log."""
        rows = []
        for line in (self.directory / "access.log").read_text(errors="replace").splitlines():
            stamp, method, status, upstreams, statuses = line.split("|")
            split = [[p.strip() for p in v.split(",")] if v != "-" else [] for v in (upstreams, statuses)]
            rows.append((float(stamp), method, int(status), split[0], split[1]))
        return rows

    def error_log(self) -> str:
        path = self.directory / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def wait_port(port: int, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


@dataclass
class Tool:
    """A `pix-lti serve` instance (its own process group, so SIGKILL reaches every worker)."""

    port: int
    env: dict[str, str]
    workers: int = 1
    process: subprocess.Popen[bytes] | None = None
    log: list[Path] = field(default_factory=list)

    def start(self, log_dir: Path) -> None:
        out = log_dir / f"serve-{self.port}-{len(self.log)}.log"
        self.log.append(out)
        with out.open("wb") as handle:
            self.process = subprocess.Popen([*CLI, "serve", "--port", str(self.port), "--workers", str(self.workers)],
                                            env=self.env, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT,
                                            start_new_session=True)

    def wait_ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.process is not None and self.process.poll() is None, self.output()
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"serve on {self.port} not ready: {self.output()}")

    def kill(self) -> None:
        """SIGKILL to the whole instance (uvicorn's supervisor and its workers), as a host losing power."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)

    def output(self) -> str:
        return "".join(p.read_text(errors="replace")[-3000:] for p in self.log if p.exists())


def tool_env(database_url: str, redis_url: str, base_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIX_LTI_") or k == "PIX_LTI_SECRET_KEYS"}
    return {**env, "PIX_LTI_DATABASE_URL": database_url, "PIX_LTI_REDIS_URL": redis_url, "PIX_LTI_BASE_URL": base_url,
            "PIX_LTI_TRUSTED_PROXIES": "127.0.0.1", **extra}


@contextmanager
def running(tools: list[Tool], log_dir: Path) -> Iterator[None]:
    try:
        tools[0].start(log_dir)
        tools[0].wait_ready()  # the first one migrates; the others find the schema ready
        for tool in tools[1:]:
            tool.start(log_dir)
        for tool in tools[1:]:
            tool.wait_ready()
        yield
    finally:
        for tool in tools:
            tool.stop()
