"""Through the app: the pupil's certificate page and attestation (their own, once published), the public
verification page (valid, expired, unknown, malformed, rate-limited)."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from certificates.models import CertificateRow
from core.accounts import Account
from tests.certificates.conftest import candidate, event, publish
from tests.lti.conftest import Tool, any_tool, platform, postgres_redis, tool  # noqa: F401 (fixtures)
from tests.student_web.helpers import get, launch
from web import certificate_routes, verification_routes
from web.verification_limit import LOOKUPS


def _account(tool: Tool, sub: str) -> int:  # noqa: F811
    with tool.sessions()() as session:
        return session.scalar(select(Account.id).where(Account.sub == sub))


def _code_of(tool: Tool, course_id: int) -> str:  # noqa: F811
    with tool.sessions()() as session:
        return session.scalar(select(CertificateRow.verification_code)
                              .where(CertificateRow.certification_course_id == course_id))


def _code(page_text: str) -> str:
    found = re.search(r"data-code>(P-[A-Z0-9]{8})<", page_text)
    assert found, page_text
    return found.group(1)


def test_the_pupil_sees_their_certificate_once_published(any_tool: Tool) -> None:  # noqa: F811
    launch(any_tool, sub="eleve-1")
    before = get(any_tool, "/certificats")
    assert before.status_code == 200 and "Aucun résultat de certification publié" in before.text

    account = _account(any_tool, "eleve-1")
    publish(any_tool.sessions(), event([candidate(11, "Durand", "Élodie", score=512, level=4, account_id=account),
                                        candidate(12, "Martin", "Paul", score=300)], day=date.today()))
    page = get(any_tool, "/certificats")
    assert page.status_code == 200
    assert "512 pix sur 895" in page.text and "Niveau global : Indépendant" in page.text
    assert "Collège Jean Moulin" in page.text and 'data-validity="valid"' in page.text
    assert page.text.count('data-competence="') == 16 and page.text.count("<path d=") >= 32  # track + fill each
    code = _code(page.text)

    pdf = get(any_tool, re.search(r'href="(/certificats/\d+/attestation\.pdf[^"]*)"', page.text).group(1))
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert code in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()


def test_a_pupil_never_sees_another_pupils_certificate(any_tool: Tool) -> None:  # noqa: F811
    launch(any_tool, sub="eleve-2")
    publish(any_tool.sessions(), event([candidate(21, "Durand", "Élodie", account_id=None)]))
    with any_tool.sessions()() as session:
        other = session.scalar(select(CertificateRow.id).where(CertificateRow.certification_course_id == 21))
    assert get(any_tool, f"/certificats/{other}").status_code == 404
    assert get(any_tool, f"/certificats/{other}/attestation.pdf").status_code == 404


def test_an_expired_certificate_says_so(tool: Tool, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    launch(tool, sub="eleve-3")
    publish(tool.sessions(), event([candidate(1, "Durand", "Élodie", account_id=_account(tool, "eleve-3"))],
                                   day=date(2026, 5, 12)))
    monkeypatch.setattr(certificate_routes, "today", lambda: date(2029, 5, 12))
    page = get(tool, "/certificats")
    assert 'data-validity="expired"' in page.text and "Expirée depuis le 11/05/2029" in page.text


def test_the_verification_page_answers_valid_expired_unknown_and_malformed(
        any_tool: Tool, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    publish(any_tool.sessions(), event([candidate(41, "Durand", "Élodie", score=512, level=4)],
                                       day=date(2026, 5, 12)))
    code = _code_of(any_tool, 41)
    monkeypatch.setattr(verification_routes, "today", lambda: date(2027, 1, 1))
    client = any_tool.client
    client.cookies.clear()  # public: no session needed

    form = client.get("/verification")
    assert form.status_code == 200 and 'name="code"' in form.text
    valid = client.get("/verification", params={"code": code.lower()})
    assert valid.status_code == 200 and 'data-outcome="valid"' in valid.text
    assert "Titulaire : Élodie Durand" in valid.text and "Date de certification : 12/05/2026" in valid.text
    assert "Score : 512 pix sur 895" in valid.text and valid.text.count('data-competence="') == 16
    assert "17/05/2011" not in valid.text and "Collège Jean Moulin" not in valid.text  # nothing more
    english = client.get("/verification", params={"code": code, "lang": "en"})
    assert "Holder: Élodie Durand" in english.text

    monkeypatch.setattr(verification_routes, "today", lambda: date(2029, 6, 1))
    expired = client.get("/verification", params={"code": code})
    assert expired.status_code == 200 and 'data-outcome="expired"' in expired.text
    unknown = client.get("/verification", params={"code": "P-BBBBBBBB"})
    assert unknown.status_code == 404 and "Aucune certification ne correspond au code P-BBBBBBBB" in unknown.text
    malformed = client.get("/verification", params={"code": "12345"})
    assert malformed.status_code == 400 and "pas le bon format" in malformed.text


def test_the_verification_page_is_rate_limited(any_tool: Tool) -> None:  # noqa: F811
    if any_tool.settings.redis_url:  # the lookups of this module's other tests, from the same address
        import redis

        redis.Redis.from_url(any_tool.settings.redis_url).flushdb()
    client = any_tool.client
    answers = [client.get("/verification", params={"code": "P-BBBBBBBB"}).status_code for _ in range(LOOKUPS + 1)]
    assert answers[:LOOKUPS] == [404] * LOOKUPS
    assert answers[-1] == 429
    limited = client.get("/verification", params={"code": "P-BBBBBBBB"})
    assert "Trop de vérifications" in limited.text and int(limited.headers["retry-after"]) > 0
