"""What the answer tables of pupil_answers.py cannot say, competence by competence (issue 16 and its teacher's
review): files to download that hold the answers, programs whose printed output is the answer, instructions and
proposals that must not give the answer away, and QCU/QCM whose right proposals were changed by the review."""

from __future__ import annotations

import csv
import datetime
import re
import struct

import pytest

from content_bank.loader import DEFAULT_BANK
from tests.bank_content.bank_checks import accepts, printed_by, shipped_bank


def only_right_proposal(challenge_id: str, right: int, count: int = 4) -> bool:
    """Whether a QCU accepts proposal `right` and no other one."""
    return accepts(challenge_id, right) and not any(accepts(challenge_id, i) for i in range(1, count + 1)
                                                    if i != right)


# ---------------------------------------------------------------------------------------------- 1.1
def test_11_doc_5c_asks_about_the_scope_of_data_not_again_the_licence_of_13_struct_6a():
    assert "Licence Ouverte" not in shipped_bank().challenges["11-doc-5c"].instruction
    assert only_right_proposal("11-doc-5c", 3)


def test_the_bank_defines_the_domain_name_once():
    url2 = shipped_bank().skills["@rechercheUrl2"].tutorial.text
    https4 = shipped_bank().skills["@connexionChiffrement4"].tutorial.text
    assert "deux derniers éléments" in url2 and "deux derniers éléments" in https4
    assert "juste avant le premier «" not in https4


# ---------------------------------------------------------------------------------------------- 1.2
def _exif(jpeg: bytes) -> dict[str, object]:
    """A minimal reader, independent of the writer: Model from IFD0, latitude from the GPS IFD."""
    at = jpeg.index(b"\xff\xe1") + 4
    assert jpeg[at:at + 6] == b"Exif\0\0"
    tiff = jpeg[at + 6:]
    assert tiff[:4] == b"II*\0"

    def entries(offset: int) -> dict[int, tuple[int, int, bytes]]:
        count = struct.unpack_from("<H", tiff, offset)[0]
        found = {}
        for i in range(count):
            tag, kind, n = struct.unpack_from("<HHI", tiff, offset + 2 + 12 * i)
            found[tag] = (kind, n, tiff[offset + 2 + 12 * i + 8:offset + 2 + 12 * i + 12])
        return found

    def value(entry: tuple[int, int, bytes]) -> bytes:
        kind, n, raw = entry
        size = n * {2: 1, 5: 8}[kind]
        return raw[:size] if size <= 4 else tiff[struct.unpack("<I", raw)[0]:][:size]

    ifd0 = entries(struct.unpack_from("<I", tiff, 4)[0])
    gps = entries(struct.unpack("<I", ifd0[0x8825][2])[0])
    lat = struct.unpack("<6I", value(gps[2]))
    return {"model": value(ifd0[0x0110]).rstrip(b"\0").decode(), "lat_ref": value(gps[1]).rstrip(b"\0").decode(),
            "latitude": lat[0] / lat[1] + lat[2] / lat[3] / 60 + lat[4] / lat[5] / 3600}


def test_the_photo_to_download_carries_the_metadata_the_question_asks_about():
    challenge = shipped_bank().challenges["12-format-6c"]
    assert challenge.attachments == ("media/1.2-photo-sortie.jpg",)
    exif = _exif((DEFAULT_BANK / challenge.attachments[0]).read_bytes())
    assert exif["model"] == "Exemplo X12"
    assert exif["lat_ref"] == "N" and abs(exif["latitude"] - 45.7578) < 0.001  # Lyon, as the GPS shows
    assert accepts("12-format-6c", exif["model"])


# ---------------------------------------------------------------------------------------------- 1.3
CANTINE = "media/1.3-cantine-repas.csv"


def _cantine() -> list[dict[str, str]]:
    with (DEFAULT_BANK / CANTINE).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter=";"))


def test_the_cantine_questions_attach_the_file_they_ask_about():
    for challenge_id in ("13-indic-5a", "13-indic-5b"):
        assert shipped_bank().challenges[challenge_id].attachments == (CANTINE,)


def test_the_expected_answers_are_those_of_the_attached_file():
    rows = _cantine()
    assert len(rows) == 20
    busiest = max(rows, key=lambda r: int(r["repas_servis"]))
    assert accepts("13-indic-5a", busiest["date"])
    fridays = sum(int(r["repas_servis"]) for r in rows if r["jour"] == "vendredi")
    assert accepts("13-indic-5b", str(fridays))


def test_unserved_meals_match_the_attached_file():
    unserved = sum(int(r["repas_reserves"]) - int(r["repas_servis"]) for r in _cantine())
    assert accepts("13-indic-5c", str(unserved))
    assert not accepts("13-indic-5c", str(unserved + 1))


# ---------------------------------------------------------------------------------------------- 2.1
def test_end_to_end_encryption_questions_do_not_promise_protection_against_screenshots():
    instant_4b = shipped_bank().challenges["21-instant-4b"]
    assert "transport" in instant_4b.proposals[instant_4b.solution - 1]
    instant_6b = shipped_bank().challenges["21-instant-6b"]
    assert "capture" not in instant_6b.proposals[instant_6b.solution - 1]


# ---------------------------------------------------------------------------------------------- 2.4
def test_the_withdrawal_question_does_not_give_its_answer_away():
    assert "19" not in shipped_bank().challenges["24-achat-3a"].instruction
    assert "19 mai" not in shipped_bank().skills["@insertionConsommation3"].tutorial.text


def test_the_order_confirmation_to_download_gives_the_delivery_day_the_answer_counts_from():
    from scripts.bank_media import ORDER_DELIVERED, ORDER_HTML, ORDER_PDF

    challenge = shipped_bank().challenges["24-achat-3c"]
    assert challenge.attachments == ("media/" + ORDER_PDF,)
    pdf = (DEFAULT_BANK / challenge.attachments[0]).read_bytes()
    assert pdf.startswith(b"%PDF-") and len(pdf) > 1000
    assert ORDER_DELIVERED in ORDER_HTML and "14 jours à compter de la réception" in ORDER_HTML
    delivered = datetime.date(2026, 10, 8)
    assert ORDER_DELIVERED == "jeudi 8 octobre 2026" and delivered.weekday() == 3
    last_day = delivered + datetime.timedelta(days=14)
    assert last_day.weekday() < 5  # not a weekend: no postponement
    assert accepts("24-achat-3c", str(last_day.day))
    assert not accepts("24-achat-3c", "16")  # counted from the order, not the delivery
    assert not accepts("24-achat-3c", "21")


# ---------------------------------------------------------------------------------------------- 3.1
def test_31_collab_6c_is_a_level_6_merge_not_again_the_shared_document_of_31_collab_6a():
    """The third variant only asked which organisation avoids divergent copies (the tutorial's first sentence); it
    now merges one offline copy into the shared document without overwriting the others' work."""
    assert "copie téléchargée" in shipped_bank().challenges["31-collab-6c"].instruction
    assert only_right_proposal("31-collab-6c", 2)


# ---------------------------------------------------------------------------------------------- 3.2
def test_cropping_question_does_not_give_the_verb():
    instruction = shipped_bank().challenges["32-img-1b"].instruction
    assert "coup" not in instruction and "rogn" not in instruction and "recadr" not in instruction
    assert accepts("32-img-1b", "recadrer")


# ---------------------------------------------------------------------------------------------- 3.3
def test_33_archi_4c_asks_for_interoperability_not_again_an_extension_like_33_archi_4a():
    # review (h16r): the QROC '.ods' repeated 33-archi-4a ('.odt'); it now applies the open format to three programs
    assert shipped_bank().challenges["33-archi-4c"].type.value == "QCU"
    assert only_right_proposal("33-archi-4c", 4)


# ---------------------------------------------------------------------------------------------- 3.4
@pytest.mark.parametrize(("challenge_id", "expected"), [
    ("34-debug-2b", "1"), ("34-debug-6b", "6"), ("34-bin-6a", "True"),
    ("34-algo-4c", None), ("34-algo-5c", None), ("34-debug-6c", None), ("34-bin-6c", None),
])
def test_the_expected_answer_is_what_python_prints(challenge_id: str, expected: str | None):
    lines = printed_by(challenge_id)
    value = str(lines.count("Bravo")) if challenge_id == "34-debug-2b" else lines[-1]
    assert expected is None or value == expected
    assert accepts(challenge_id, value)


def test_the_indented_print_runs_at_every_turn():
    assert accepts("34-debug-2c", str(len(printed_by("34-debug-2c"))))
    assert not accepts("34-debug-2c", "1") and not accepts("34-debug-2c", "20")


def test_range_bounds_answers_match_python():
    assert accepts("34-debug-3a", str(list(range(1, 10))[-1]))
    assert accepts("34-debug-3b", str(len(range(2, 12, 2))))
    assert not accepts("34-debug-3a", "10") and not accepts("34-debug-3b", "6")


@pytest.mark.parametrize(("challenge_id", "number"), [("34-bin-2a", 6), ("34-bin-2b", 9)])
def test_binary_readings_match_python(challenge_id: str, number: int):
    binary = re.search(r"`([01]+)`", shipped_bank().challenges[challenge_id].instruction).group(1)
    assert int(binary, 2) == number and accepts(challenge_id, str(number))
    assert not accepts(challenge_id, binary)


def test_binary_answers_of_the_tables_match_python():
    """34-bin-2c, 34-bin-3c, 34-bin-3a/3b, 34-bin-4b and 34-bin-4c in pupil_answers.py."""
    assert int("10100", 2) == 20 and format(22, "b") == "10110"
    assert format(10, "b") == "1010" and format(19, "08b") == "00010011"
    assert 2**5 - 1 == 31 and 2**6 < 100 <= 2**7


# ---------------------------------------------------------------------------------------------- 4.2
def test_referer_question_asks_for_the_full_site_name():
    assert "nom complet du site" in shipped_bank().challenges["42-trac-6b"].instruction
    assert accepts("42-trac-6b", "forum-cyclisme.exemple.org")
    assert not accepts("42-trac-6b", "boutique.exemple.fr")


# ---------------------------------------------------------------------------------------------- 4.3
def test_the_appliance_table_question_does_not_give_the_computed_energies():
    assert all("Wh" not in p for p in shipped_bank().challenges["43-energ-5b"].proposals)


def test_the_figures_of_the_4_3_tables_are_exact():
    """43-energ-4c, 43-energ-5c, 43-energ-6c, 43-eco-4c, 43-eco-6c, 43-sante-3c and 43-energ-3c in
    pupil_answers.py."""
    assert 15 * 20 * 365 / 1000 == 109.5 and round(4 * 24 * 365 / 1000 * 0.25, 2) == 8.76
    assert round(4 * 0.05 * 3, 2) == 0.6
    assert 100 + 5 * 4 == 120 and next(n for n in range(1, 50) if 80 + 4 * n < 10 * n) == 14
    assert 45 * 7 == 315 and 10 * 90 // 60 == 15


# ---------------------------------------------------------------------------------------------- 5.1
LOG = "media/5.1-journal-sauvegarde.csv"


def log_rows() -> list[dict[str, str]]:
    text = (DEFAULT_BANK / LOG).read_text(encoding="utf-8-sig")
    return list(csv.DictReader(text.splitlines(), delimiter=";"))


def test_the_log_challenges_offer_the_log_file_to_download():
    for challenge_id in ("51-appli-6a", "51-appli-6b"):
        assert shipped_bank().challenges[challenge_id].attachments == (LOG,)


def test_the_first_error_of_the_log_is_the_expected_answer():
    first = next(row for row in log_rows() if row["niveau"] == "ERREUR")
    assert accepts("51-appli-6a", {"date": first["date"], "heure": first["heure"]})
    warning = next(row for row in log_rows() if row["niveau"] == "AVERTISSEMENT")
    assert "92" in warning["message"] and warning["date"] < first["date"]


def test_51_appli_2c_names_the_browsers_whose_shortcut_it_asks():
    """In Safari Cmd+Maj+R opens the reader view (reloading without the cache is Option+Cmd+R): the question now
    says Chrome or Firefox, and the tutorial gives Safari's shortcut (answers in pupil_answers.py)."""
    assert "Chrome" in shipped_bank().challenges["51-appli-2c"].instruction


def test_only_closing_the_game_frees_three_gigabytes():
    """51-sys-5c in pupil_answers.py."""
    used = {"Navigateur web": 2.4, "Jeu vidéo": 3.1, "Lecteur de musique": 0.3}
    free = 8 - (sum(used.values()) + 1.8)
    assert [name for name, size in used.items() if free + size >= 3] == ["Jeu vidéo"]


# ---------------------------------------------------------------------------------------------- 5.2
def test_the_cloud_upload_rate_of_52_cloud_5c_is_worked_out():
    """52-cloud-5c in pupil_answers.py: 3000 Mo in 20 minutes."""
    assert 3000 * 8 // (20 * 60) == 20


# ---------------------------------------------------------------------------------------------- 4.1
def test_the_password_count_of_41_mdp_4c_is_worked_out():
    """41-mdp-4c in pupil_answers.py: 3 characters among 26 letters and 10 digits, not 26³ + 10³, 36 × 3 or 3³⁶."""
    assert 36**3 == 46656 and 26**3 + 10**3 == 18576 and 36 * 3 == 108 and 3**36 == 150094635296999121
