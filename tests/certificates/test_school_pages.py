"""Through the app: the school's results for the centre's staff (certification.access) — sessions and classes as
CSV and one PDF of attestations, the bilan page of a centre with 3 classes (inline SVG, no script), the livret
document; a pupil or another centre's staff get a 404."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date

from pypdf import PdfReader
from sqlalchemy import select

from certification.access import StaffRole
from certification.centres import name_staff, open_school_centre
from core.accounts import Account
from tests.certificates.conftest import candidate, event, publish
from tests.lti.conftest import Tool, any_tool, platform, postgres_redis, tool  # noqa: F401 (fixtures)
from tests.student_web.helpers import get, launch

PREFIX = "/resultats-certification"


def _staff_centre(tool: Tool, sub: str, uai: str, locale: str | None = None) -> int:  # noqa: F811
    launch(tool, sub=sub, roles=["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"], locale=locale)
    with tool.sessions().begin() as session:
        account = session.scalar(select(Account.id).where(Account.sub == sub))
        centre = open_school_centre(session, uai, "Collège Jean Moulin", by_account=None)
        name_staff(session, centre.id, account, StaffRole.MEMBER)
        return centre.id


def _publish_three_classes(tool: Tool, centre_id: int) -> None:  # noqa: F811
    publish(tool.sessions(), event([
        candidate(101, "Durand", "Élodie", "3e A", score=512, level=4),
        candidate(102, "Bernard", "Hugo", "3e A", score=260, level=2, global_level="beginner"),
        candidate(103, "Martin", "Paul", "3e B", score=640, level=5, global_level="advanced"),
        candidate(104, "Petit", "Lina", "3e B", status="rejected", score=0),
        candidate(105, "Roux", "Inès", "3e C", score=130, level=1, global_level="beginner"),
    ], session_id=201, centre_id=centre_id, day=date(2026, 5, 12)))
    publish(tool.sessions(), event([candidate(106, "Ancien", "Léo", "3e A", score=300, level=2)],
                                   session_id=200, centre_id=centre_id, day=date(2025, 4, 3), number=900))


def test_the_staff_download_session_and_class_results(any_tool: Tool) -> None:  # noqa: F811
    centre_id = _staff_centre(any_tool, "prof-1", "0751234A")
    _publish_three_classes(any_tool, centre_id)

    listing = get(any_tool, PREFIX)
    assert f'data-centre="{centre_id}"' in listing.text
    page = get(any_tool, f"{PREFIX}/{centre_id}")
    assert page.status_code == 200 and 'data-session="201"' in page.text and 'data-class="3e C"' in page.text

    table = get(any_tool, f"{PREFIX}/{centre_id}/sessions/201/resultats.csv")
    assert table.status_code == 200 and table.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(table.content.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert [r[0] for r in rows[1:]] == ["Bernard", "Durand", "Martin", "Petit", "Roux"]
    assert rows[2][:7] == ["Durand", "Élodie", "17/05/2011", "3e A", "Certifié", "512", "Indépendant"]

    one_class = get(any_tool, f"{PREFIX}/{centre_id}/sessions/201/resultats.csv?classe=3e%20B")
    assert [r[0] for r in csv.reader(io.StringIO(one_class.content.decode("utf-8-sig")), delimiter=";")][1:] == [
        "Martin", "Petit"]
    across_sessions = get(any_tool, f"{PREFIX}/{centre_id}/classe/resultats.csv?classe=3e%20A")
    assert len(across_sessions.content.decode("utf-8-sig").strip().splitlines()) == 1 + 3  # 2025 and 2026

    pdf = get(any_tool, f"{PREFIX}/{centre_id}/sessions/201/attestations.pdf")
    reader = PdfReader(io.BytesIO(pdf.content))
    assert len(reader.pages) == 4  # the rejected candidate has no attestation
    class_pdf = get(any_tool, f"{PREFIX}/{centre_id}/classe/attestations.pdf?classe=3e%20C")
    assert "ROUX" in PdfReader(io.BytesIO(class_pdf.content)).pages[0].extract_text()

    livret = json.loads(get(any_tool, f"{PREFIX}/{centre_id}/livret-scolaire.json").content)
    assert len(livret["data"]["attributes"]["certifications"]) == 6


def test_the_bilan_page_of_a_centre_with_three_classes(any_tool: Tool) -> None:  # noqa: F811
    centre_id = _staff_centre(any_tool, "prof-2", "0751235B")
    _publish_three_classes(any_tool, centre_id)
    page = get(any_tool, f"{PREFIX}/{centre_id}/bilan")
    assert page.status_code == 200
    text = page.text
    assert "<script" not in text and text.count("<svg") == 4
    assert "année 2025-2026" in text and ">2024-2025<" in text  # the previous year, side by side
    assert re.search(r'data-figure="mean-score">385.5<', text)
    assert re.search(r'data-figure="previous-mean-score">300.0<', text)
    for division in ("3e A", "3e B", "3e C"):
        assert f'data-class="{division}"' in text
    assert 'data-bar="3e B" data-series="0" data-value="5"' in text  # mean level of 3e B's one certified pupil
    assert 'data-bar="Débutant" data-series="0" data-value="2"' in text
    assert 'data-bar="1.1" data-series="1" data-value="2"' in text  # previous year's mean on 1.1
    earlier = get(any_tool, f"{PREFIX}/{centre_id}/bilan?annee=2024")
    assert "année 2024-2025" in earlier.text


def test_a_pupil_and_another_centres_staff_see_nothing(any_tool: Tool) -> None:  # noqa: F811
    centre_id = _staff_centre(any_tool, "prof-3", "0751236C")
    _publish_three_classes(any_tool, centre_id)
    _staff_centre(any_tool, "prof-4", "0751237D")  # now logged in as the staff of another centre
    for path in ("", "/bilan", "/sessions/201/resultats.csv", "/sessions/201/attestations.pdf",
                 "/classe/resultats.csv?classe=3e%20A", "/livret-scolaire.json"):
        assert get(any_tool, f"{PREFIX}/{centre_id}{path}").status_code == 404, path
    launch(any_tool, sub="eleve-9")
    assert get(any_tool, f"{PREFIX}/{centre_id}/bilan").status_code == 404
    assert get(any_tool, f"{PREFIX}/99999999999999999999").status_code == 404


def test_the_school_results_pages_in_english(any_tool: Tool) -> None:  # noqa: F811
    centre_id = _staff_centre(any_tool, "prof-5", "0751238E", locale="en-GB")
    _publish_three_classes(any_tool, centre_id)
    listing = get(any_tool, PREFIX)
    assert '<html lang="en">' in listing.text and "Certification results" in listing.text
    assert "Published sessions" in listing.text and "Sessions publiées" not in listing.text
    page = get(any_tool, f"{PREFIX}/{centre_id}").text
    assert '<html lang="en">' in page and "Centre report (printable charts)" in page and "no. 1" in page
    assert "Attestations (PDF)" in page and "Classes (all sessions)" in page and "Candidats" not in page
    bilan = get(any_tool, f"{PREFIX}/{centre_id}/bilan").text
    assert '<html lang="en">' in bilan and "Certification report — Collège Jean Moulin, school year 2025-2026" in bilan
    assert "Score distribution — number of certified pupils per 100-pix band</title>" in bilan
    assert 'data-bar="Beginner" data-series="0" data-value="2"' in bilan  # the level's name in English
    assert "2025-2026 in blue, 2024-2025 in grey" in bilan and "Mean level per class" in bilan
    assert "Répartition" not in bilan and "Débutant" not in bilan and bilan.count("<svg") == 4
    french = get(any_tool, f"{PREFIX}/{centre_id}/bilan?lang=fr").text  # the switch: French again
    assert '<html lang="fr">' in french and 'data-bar="Débutant"' in french
    missing = get(any_tool, f"{PREFIX}/99999")
    assert missing.status_code == 404 and "These results do not exist or are not open to you." in missing.text
