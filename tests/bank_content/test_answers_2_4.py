"""Competence 2.4 at depth (issue 16): five tubes, 24 skills, and the new accepted answers checked with the
answers pupils give."""

from __future__ import annotations

import pytest

from content_bank.loader import default_referential
from tests.bank_content.depth_helpers import accepted, depth_problems


@pytest.fixture(scope="module")
def bank():
    return default_referential()


def test_competence_2_4_has_five_tubes_and_24_skills_with_two_variants_each(bank):
    assert depth_problems(bank, "2.4") == []


@pytest.mark.parametrize(("challenge_id", "answer", "right"), [
    ("24-achat-1a", "22,39", True), ("24-achat-1a", "22.39", True), ("24-achat-1a", "22,390", True),
    ("24-achat-1a", "17,40", False), ("24-achat-1a", "22,4", False), ("24-achat-1a", "19,89", False),
    ("24-achat-2a", "12", True), ("24-achat-2a", "12,00", True), ("24-achat-2a", "1200", False),
    ("24-achat-2a", "6", False),
    ("24-achat-3a", "19", True), ("24-achat-3a", "18", False), ("24-achat-3a", "20", False),
    ("24-achat-6b", "15", True), ("24-achat-6b", "13", False), ("24-achat-6b", "18", False),
])
def test_amounts_dates_and_ages(bank, challenge_id, answer, right):
    assert accepted(bank, challenge_id, {"reponse": answer}) is right


def test_the_withdrawal_question_does_not_give_its_answer_away(bank):
    assert "19" not in bank.challenges["24-achat-3a"].instruction
    assert "19 mai" not in bank.skills["@insertionConsommation3"].tutorial.text


def test_the_order_confirmation_to_download_gives_the_delivery_day_the_answer_counts_from(bank):
    import datetime

    from content_bank.loader import DEFAULT_BANK
    from scripts.bank_media import ORDER_DELIVERED, ORDER_HTML, ORDER_PDF

    challenge = bank.challenges["24-achat-3c"]
    assert challenge.attachments == ("media/" + ORDER_PDF,)
    pdf = (DEFAULT_BANK / challenge.attachments[0]).read_bytes()
    assert pdf.startswith(b"%PDF-") and len(pdf) > 1000
    assert ORDER_DELIVERED in ORDER_HTML and "14 jours à compter de la réception" in ORDER_HTML
    delivered = datetime.date(2026, 10, 8)
    assert ORDER_DELIVERED == "jeudi 8 octobre 2026" and delivered.weekday() == 3
    last_day = delivered + datetime.timedelta(days=14)
    assert last_day.weekday() < 5  # not a weekend: no postponement
    assert accepted(bank, "24-achat-3c", {"reponse": str(last_day.day)})
    assert not accepted(bank, "24-achat-3c", {"reponse": "16"})  # counted from the order, not the delivery
    assert not accepted(bank, "24-achat-3c", {"reponse": "21"})
