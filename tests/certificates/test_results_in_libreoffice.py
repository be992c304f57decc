"""The school's results CSV opened in a real spreadsheet: LibreOffice (Debian's `libreoffice-calc-nogui`,
installed by scripts/test.sh) imports it as written (`;`, UTF-8 with BOM), and every cell comes back."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from certificates.exports import results_csv, results_table
from tests.campaign_use_cases.test_export_in_libreoffice import _convert, _soffice
from tests.certificates.conftest import candidate, event, publish
from tests.certificates.documents import certificates_of_session


def test_libreoffice_reads_every_cell_of_the_results_back(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    soffice = _soffice()
    publish(sessions, event([candidate(1, "Dürand", "Élodie", "3e A", score=512, level=4, comment="RAS"),
                             candidate(2, "O'Neil", 'Zoë "Zo"', "3e B", status="rejected", comment="=fraude")]))
    certificates = certificates_of_session(sessions)
    source = tmp_path / "resultats.csv"
    source.write_bytes(results_csv(certificates))
    profile = tmp_path / "profile"
    _convert(soffice, source, "xlsx", tmp_path, profile, infilter="CSV:59,34,76,1,,1036")
    back = tmp_path / "back"
    _convert(soffice, tmp_path / "resultats.xlsx", "csv:Text - txt - csv (StarCalc):44,34,76,1,,1036", back, profile)
    cells = list(csv.reader(io.StringIO((back / "resultats.csv").read_text("utf-8"), newline="")))

    written = results_table(certificates)
    assert len(cells) == len(written)
    assert cells[0] == written[0]
    for expected, got in zip(written[1:], cells[1:], strict=True):
        assert got[:2] == expected[:2] and got[3:6] == expected[3:6]  # names, class, status, score
        assert got[7:23] == expected[7:23]  # the 16 levels
        assert got[26] == expected[26]  # verification code
    assert cells[2][27] == "'=fraude"  # the formula-like comment stays text (neutralised), never evaluated
