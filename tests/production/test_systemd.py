"""deploy/systemd: both units pass `systemd-analyze verify` (syntax, known keys, an executable ExecStart) and
`systemd-analyze security` rates them well hardened; their ExecStart, with the example environment file's
values, is a command `pix-lti` accepts (run with --help). What is not exercised here: starting them under a
real systemd (this machine's tests do not run under systemd as PID 1)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.production.harness import ROOT

UNITS = ROOT / "deploy" / "systemd"
INSTALLED = "/opt/pix-lti/.venv/bin/pix-lti"
PIX_LTI = str(Path(sys.executable).parent / "pix-lti")  # the venv's console script, as scripts/install.sh makes it


def _analyze() -> str:
    path = shutil.which("systemd-analyze")
    if path is None:
        pytest.fail("systemd-analyze is required (bash scripts/system-deps.sh installs systemd)")
    return path


def _unit(name: str, directory: Path) -> Path:
    """The unit with the venv of this checkout in place of /opt/pix-lti/.venv (verify checks it is executable)."""
    text = (UNITS / name).read_text(encoding="utf-8")
    assert INSTALLED in text
    path = directory / name
    path.write_text(text.replace(INSTALLED, PIX_LTI), encoding="utf-8")
    return path


def _environment() -> dict[str, str]:
    lines = (UNITS / "pix-lti.env.example").read_text(encoding="utf-8").splitlines()
    pairs = (line.split("=", 1) for line in lines if line and not line.startswith("#"))
    return {name: value.strip('"') for name, value in pairs}


def test_the_example_environment_file_reads_the_same_in_systemd_and_in_sh() -> None:
    """systemd reads it for the units, `sh` (set -a; . FILE) for the administrator's commands (docs/deploy.md)."""
    script = f'set -a; . "{UNITS / "pix-lti.env.example"}"; env -0'
    shell = subprocess.run(["sh", "-c", script], capture_output=True, text=True, env={}, check=True).stdout
    seen = dict(item.split("=", 1) for item in shell.split("\0") if item.startswith("PIX_LTI_"))
    assert seen == _environment()


def _values(name: str, key: str) -> list[str]:
    return [line.split("=", 1)[1] for line in (UNITS / name).read_text(encoding="utf-8").splitlines()
            if line.startswith(key + "=")]


@pytest.mark.parametrize("name", ["pix-lti.service", "pix-lti-worker.service"])
def test_the_unit_verifies_and_is_hardened(name: str, tmp_path: Path) -> None:
    unit = _unit(name, tmp_path)
    verify = subprocess.run([_analyze(), "verify", str(unit)], capture_output=True, text=True)
    assert verify.returncode == 0 and verify.stderr.strip() == "", verify.stderr
    security = subprocess.run([_analyze(), "security", "--offline=true", "--threshold=25", str(unit)],
                              capture_output=True, text=True)
    assert security.returncode == 0, security.stdout[-2000:] + security.stderr
    exposure = float(re.search(r"Overall exposure level for \S+: ([\d.]+)", security.stdout).group(1))  # type: ignore
    assert exposure <= 2.5, security.stdout[-3000:]
    for key in ("NoNewPrivileges", "ProtectSystem", "PrivateTmp", "EnvironmentFile"):
        assert _values(name, key), key
    assert _values(name, "User") == ["pix-lti"]
    assert [v.split(":")[0] for v in _values(name, "LoadCredential")] == ["secret-keys", "pgpass"]
    assert "PIX_LTI_SECRET_KEYS_FILE=%d/secret-keys" in _values(name, "Environment")


@pytest.mark.parametrize("name", ["pix-lti.service", "pix-lti-worker.service"])
def test_exec_start_is_a_command_pix_lti_accepts(name: str) -> None:
    (command,) = _values(name, "ExecStart")
    environment = _environment()
    used = re.findall(r"\$\{(\w+)\}", command)
    assert set(used) <= set(environment), set(used) - set(environment)
    argv = re.sub(r"\$\{(\w+)\}", lambda m: environment[m.group(1)], command).split()
    assert argv[0] == INSTALLED
    done = subprocess.run([PIX_LTI, *argv[1:], "--help"], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    for option in (arg for arg in argv[1:] if arg.startswith("--")):
        assert option in done.stdout
