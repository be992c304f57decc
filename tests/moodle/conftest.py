"""A real Moodle 4.3.0 (the upstream release run by `../shared/moodle/up.sh`: PHP 8.2's server over this
machine's PostgreSQL) and a real Pix LTI (`pix-lti serve` + `pix-lti worker`) that it reaches on loopback.

`PIX_LTI_TEST_MOODLE_URL` (with `MOODLE_DIR`, its folder) names a Moodle already installed by up.sh; without
it the session starts its own on a free port, with its own folder and database, and removes both at the end.
Moodle starts once per test session (package-scoped fixtures: stopped right after tests/moodle, not at the end of
the whole suite). Each session works in a course of its own, so a reused Moodle is fine.
The tool gets a fresh PostgreSQL database and the test Redis database.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "Lab#12345"
REQUIRED = bool(os.environ.get("CI")) or os.environ.get("PIX_LTI_REQUIRE_SERVICES") == "1"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Marked `moodle` (`-m moodle` runs only them, `-m "not moodle"` leaves them out)."""
    for item in items:
        if "tests/moodle/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.moodle)


def _unavailable(reason: str) -> NoReturn:
    if REQUIRED:
        pytest.fail(reason)
    pytest.skip(reason)


def moodle_scripts() -> Path | None:
    """../shared/moodle (CI and engineers' worktrees), or PIX_LTI_MOODLE_SCRIPTS."""
    candidates = [os.environ.get("PIX_LTI_MOODLE_SCRIPTS"), ROOT.parent / "shared" / "moodle",
                  ROOT.parent.parent / "shared" / "moodle"]
    for candidate in candidates:
        if candidate and (Path(candidate) / "up.sh").exists():
            return Path(candidate)
    return None


_TAKEN: set[int] = set()


def free_port() -> int:
    """A port nothing listens on: the kernel's choice (an ephemeral port, away from dev servers' usual ones), or
    the first free one of `PIX_LTI_TEST_PORT_RANGE` (e.g. `8300-8349`, for a machine whose ports are shared
    out)."""
    wanted = os.environ.get("PIX_LTI_TEST_PORT_RANGE")
    if not wanted:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return int(s.getsockname()[1])
    low, high = (int(part) for part in wanted.split("-", 1))
    for port in range(low, high + 1):
        if port in _TAKEN:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _TAKEN.add(port)
        return port
    raise RuntimeError(f"no free port in PIX_LTI_TEST_PORT_RANGE={wanted}")


@dataclass
class Moodle:
    url: str
    dir: Path
    admin: str
    admin_password: str
    db: str

    @property
    def www(self) -> Path:
        return self.dir / "www"

    def sql(self, query: str, **params: Any) -> list[Any]:
        """Read Moodle's own tables (its PostgreSQL database)."""
        engine = create_engine(f"postgresql+psycopg://postgres@{os.environ.get('PGHOST', '127.0.0.1')}:"
                               f"{os.environ.get('PGPORT', '5432')}/{self.db}")
        try:
            with engine.connect() as connection:
                return list(connection.execute(text(query), params).all())
        finally:
            engine.dispose()

    def php(self, *args: str, timeout: float = 120) -> str:
        done = subprocess.run(["php", *args], cwd=self.www, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(f"php {' '.join(args)} failed ({done.returncode}): {done.stdout}\n{done.stderr}")
        return done.stdout


def _config_value(www: Path, name: str) -> str:
    match = re.search(rf"\$CFG->{name}\s*=\s*'([^']*)'", (www / "config.php").read_text())
    if not match:
        raise RuntimeError(f"no $CFG->{name} in {www}/config.php")
    return match.group(1)


@pytest.fixture(scope="package")
def moodle() -> Iterator[Moodle]:
    given = os.environ.get("PIX_LTI_TEST_MOODLE_URL")
    if given:
        folder = os.environ.get("MOODLE_DIR")
        if not folder or not (Path(folder) / "www" / "config.php").exists():
            pytest.fail("PIX_LTI_TEST_MOODLE_URL needs MOODLE_DIR, the folder up.sh installed it in")
        www = Path(folder) / "www"
        yield Moodle(given.rstrip("/"), Path(folder), "admin", os.environ.get("MOODLE_ADMIN_PASSWORD", "Admin#1234"),
                     _config_value(www, "dbname"))
        return
    scripts = moodle_scripts()
    if scripts is None:
        _unavailable("../shared/moodle (up.sh and the Moodle 4.3.0 release) is not here")
    if shutil.which("psql") is None:
        _unavailable("psql is needed by up.sh")
    port = free_port()
    env = {**os.environ, "MOODLE_PORT": str(port), "MOODLE_DIR": f"/var/tmp/pix-moodle-test-{port}",
           "MOODLE_DB": f"moodle_test_{port}"}
    started = time.monotonic()
    try:
        done = subprocess.run(["bash", str(scripts / "up.sh")], env=env, capture_output=True, text=True,
                              timeout=900)
    except subprocess.TimeoutExpired as timeout:
        subprocess.run(["bash", str(scripts / "down.sh"), "--purge"], env=env, capture_output=True, timeout=120)
        _unavailable(f"Moodle did not start: up.sh still running after {timeout.timeout:.0f} s")
    if done.returncode != 0:
        subprocess.run(["bash", str(scripts / "down.sh"), "--purge"], env=env, capture_output=True, timeout=120)
        _unavailable(f"Moodle did not start: up.sh failed ({done.returncode}):\n{done.stderr[-3000:]}")
    values = dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)
    print(f"\n[moodle] up.sh took {time.monotonic() - started:.0f} s", file=sys.stderr)
    try:
        yield Moodle(values["MOODLE_URL"], Path(values["MOODLE_DIR"]), values["MOODLE_ADMIN"],
                     values["MOODLE_ADMIN_PASSWORD"], env["MOODLE_DB"])
    finally:
        subprocess.run(["bash", str(scripts / "down.sh"), "--purge"], env=env, capture_output=True, timeout=120)


@dataclass
class Course:
    id: int
    shortname: str
    users: dict[str, int]


@pytest.fixture(scope="package")
def course(moodle: Moodle) -> Course:
    """A course of this session, with teacher1 and student1..4 (course.php, Moodle's own data generator)."""
    scripts = moodle_scripts()
    script = scripts / "course.php" if scripts else None
    if script is None or not script.exists():
        _unavailable("../shared/moodle/course.php is not here")
    shortname = "PIX" + uuid.uuid4().hex[:6].upper()
    out = moodle.php(str(script), f"--moodle={moodle.www}", f"--course={shortname}", "--students=4",
                     f"--password={PASSWORD}")
    data = json.loads(out)
    return Course(int(data["courseid"]), shortname, {k: int(v) for k, v in data["users"].items()})


@dataclass
class Tool:
    url: str
    env: dict[str, str]
    engine: Engine
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def cli(self, *args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "pix_lti.cli", *args], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"pix-lti {' '.join(args)}: {done.stdout}\n{done.stderr}")
        return done.stdout

    def sql(self, query: str, **params: Any) -> list[Any]:
        with self.engine.connect() as connection:
            return list(connection.execute(text(query), params).all())


def _database(base: str) -> tuple[str, Engine, Any]:
    url = make_url(base)
    name = f"{url.database}_moodle_{uuid.uuid4().hex[:6]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    target = url.set(database=name)
    return target.render_as_string(hide_password=False), create_engine(target), (admin, name)


@pytest.fixture(scope="package")
def tool(moodle: Moodle, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tool]:
    """`pix-lti serve` and `pix-lti worker`, real processes on PostgreSQL + Redis, on a free loopback port."""
    base_db = os.environ.get("PIX_LTI_TEST_DATABASE_URL")
    redis = os.environ.get("PIX_LTI_TEST_REDIS_URL")
    if not base_db or not redis:
        _unavailable("PIX_LTI_TEST_DATABASE_URL and PIX_LTI_TEST_REDIS_URL are needed")
    database_url, engine, (admin, name) = _database(base_db)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIX_LTI_")}
    env.update(PIX_LTI_DATABASE_URL=database_url, PIX_LTI_REDIS_URL=redis, PIX_LTI_BASE_URL=url,
               PIX_LTI_SECRET_KEYS=os.environ["PIX_LTI_SECRET_KEYS"],  # PostgreSQL: the secrets' key is required
               PIX_LTI_GRADES_MAX_ATTEMPTS="10", PYTHONUNBUFFERED="1",
               # dynamic registration: the test Moodle is pre-approved, and it is on loopback (issue 13's checks)
               PIX_LTI_DYNREG_ALLOWED_HOSTS=urlsplit(moodle.url).hostname or "",
               PIX_LTI_DYNREG_ALLOW_PRIVATE_ADDRESSES="true")
    logs = tmp_path_factory.mktemp("tool")
    tool = Tool(url, env, engine)
    try:
        serve_log = open(logs / "serve.log", "wb")  # noqa: SIM115 - kept open for the process
        tool.processes.append(subprocess.Popen(
            [sys.executable, "-m", "pix_lti.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT, env=env, stdout=serve_log, stderr=subprocess.STDOUT))
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if tool.processes[0].poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("pix-lti serve did not start: " + (logs / "serve.log").read_text()[-2000:])
            time.sleep(0.3)
        worker_log = open(logs / "worker.log", "wb")  # noqa: SIM115
        tool.processes.append(subprocess.Popen([sys.executable, "-m", "pix_lti.cli", "worker"], cwd=ROOT, env=env,
                                               stdout=worker_log, stderr=subprocess.STDOUT))
        yield tool
    finally:
        for process in tool.processes:
            process.terminate()
        for process in tool.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        _unavailable("chromium is not installed (bash scripts/system-deps.sh installs it)")
    from playwright import sync_api

    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield instance
        instance.close()


def login(browser: Any, moodle: Moodle, username: str, password: str = PASSWORD) -> Any:
    """A new browser context logged in to Moodle as this user (English, as the Moodle is)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(60_000)  # a shared, loaded machine; a fresh Moodle builds its caches on first views
    page.goto(moodle.url + "/login/index.php")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#loginbtn")
    page.wait_for_url(re.compile(r".*/(my|course|admin)/.*|.*/$"))
    return page
