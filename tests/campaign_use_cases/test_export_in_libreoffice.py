"""The CSV exports open correctly in a real spreadsheet: LibreOffice (Debian's, headless) imports the file
as it is written (`;`, UTF-8 with BOM, CRLF, quoted cells), and the cells come back unchanged."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from engine.campaigns.export import encode_csv

ROWS = [
    ["Nom", "Prénom", "Classe / groupe", "Date de début", "% de maîtrise", "Commentaire"],
    ["Dürand", "Élodie", "2nde A; groupe 1", "30/11/2026", "67", "=SUM(A1:A2)"],
    ["O'Neil", 'Zoë "Zo"', "2nde B", "01/12/2026", "0", "+33 6 12"],
    ["Ñuñez", "Line\nbreak", "", "", "100", "-1"],
]


def _soffice() -> str:
    found = shutil.which("soffice")
    if found is None:
        if os.environ.get("PIX_LTI_REQUIRE_SERVICES") == "1":
            pytest.fail("LibreOffice (soffice) is required: scripts/system-deps.sh installs libreoffice-calc-nogui")
        pytest.skip("LibreOffice is not installed")
    return found


def _convert(soffice: str, source: Path, target: str, out: Path, profile: Path, infilter: str | None = None) -> None:
    command = [soffice, f"-env:UserInstallation=file://{profile}", "--headless"]
    if infilter:
        command.append(f"--infilter={infilter}")
    command += ["--convert-to", target, "--outdir", str(out), str(source)]
    subprocess.run(command, check=True, capture_output=True, timeout=180)


def test_libreoffice_reads_every_cell_of_an_export_back(tmp_path: Path) -> None:
    soffice = _soffice()
    source = tmp_path / "export.csv"
    source.write_bytes(encode_csv(ROWS))
    profile = tmp_path / "profile"
    # what a user gets: the file opened as a `;`-separated UTF-8 text file, saved as a spreadsheet
    _convert(soffice, source, "xlsx", tmp_path, profile, infilter="CSV:59,34,76,1,,1036")
    back = tmp_path / "back"
    _convert(soffice, tmp_path / "export.xlsx", "csv:Text - txt - csv (StarCalc):44,34,76,1,,1036", back, profile)
    cells = list(csv.reader(io.StringIO((back / "export.csv").read_text("utf-8"), newline="")))

    assert len(cells) == len(ROWS)
    for written, read in zip(ROWS, cells, strict=True):
        for column, (expected, got) in enumerate(zip(written, read, strict=True)):
            if column == 3 and expected.count("/") == 2:  # a date: recognised as one (in the exporting locale)
                day, month, year = expected.split("/")
                assert got.replace("/", "").lstrip("0") in (f"{month}{day}{year[2:]}".lstrip("0"),
                                                            f"{day}{month}{year}".lstrip("0")), got
            elif expected[:1] in ("=", "+", "-", "@"):
                assert got == "'" + expected  # a formula stays text: neutralised, never evaluated
            else:
                assert got == expected
