"""Issue 16: a teacher's review of the third variants written this session (helper h16r). Each test holds the
answers concerned by a fix, so that the fix cannot silently come undone."""

from __future__ import annotations

import pytest

from content_bank.loader import default_referential
from tests.bank_content.depth_helpers import accepted
from tests.bank_content.variants_helpers import clearly_longest_right_proposals

REVIEWED = ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3",
            "3.4", "4.1", "4.2", "4.3", "5.1", "5.2"]


@pytest.fixture(scope="module")
def bank():
    return default_referential()


@pytest.mark.parametrize("code", REVIEWED)
def test_the_right_proposal_is_not_systematically_the_longest(bank, code):
    """Before the review 42 of the 69 new QCU of 1.1–2.2 (46 of 82 in 2.3–3.3) had a right proposal over 1.3 times
    as long as any other; at most one in six may now (a complete message or a URL parameter is longer by nature)."""
    longest, total = clearly_longest_right_proposals(bank, code)
    assert total >= 5
    assert len(longest) <= total // 6, longest


@pytest.mark.parametrize(("answer", "right"), [
    ("college-exemple.fr", True), ("www.college-exemple.fr", False), ("cantine.college-exemple.fr", False),
])
def test_11_url_2d_the_domain_is_not_a_host_name_absent_from_the_address(bank, answer, right):
    assert accepted(bank, "11-url-2d", {"reponse": answer}) is right


def test_11_doc_5c_asks_about_the_scope_of_data_not_again_the_licence_of_13_struct_6a(bank):
    challenge = bank.challenges["11-doc-5c"]
    assert "Licence Ouverte" not in challenge.instruction
    assert accepted(bank, "11-doc-5c", 3)
    assert not any(accepted(bank, "11-doc-5c", i) for i in (1, 2, 4))


@pytest.mark.parametrize(("challenge_id", "answer", "right"), [
    ("12-arbo-4c", "css/style.css", True), ("12-arbo-4c", "css/ style.css", False),
    ("12-arbo-4c", "css / style.css", False),
    ("12-arbo-6c", "cours-*.odt", True), ("12-arbo-6c", "cours-* .odt", False), ("12-arbo-6c", "cours- *.odt", False),
])
def test_a_space_inside_a_path_or_a_file_pattern_is_refused(bank, challenge_id, answer, right):
    assert accepted(bank, challenge_id, {"reponse": answer}) is right


@pytest.mark.parametrize(("mother", "right"), [
    ("Cc", True), ("copie conforme", True), ("Copie carbone", True), ("Cci", False), ("copie cachée", False),
])
def test_21_mail_2c_copie_conforme_is_the_french_name_of_cc(bank, mother, right):
    assert accepted(bank, "21-mail-2c", {"professeure": "À", "mere": mother}) is right


@pytest.mark.parametrize(("answer", "right"), [
    ([1, 4], True), ([1], False), ([4], False), ([1, 3, 4], False),  # 12 × 900 Ko = 10,8 Mo: too heavy
    ([1, 4, 5], False), ([2, 5], False),  # 0,02 Go = 20 Mo; 5 000 000 octets + 6 Mo = 11 Mo
])
def test_12_unite_3c_adds_sizes_in_different_units_instead_of_repeating_12_unite_1b(bank, answer, right):
    assert accepted(bank, "12-unite-3c", answer) is right


@pytest.mark.parametrize(("jour", "heure", "right"), [
    ("dimanche", "2 heures", True), ("dimanche matin", "2 h du matin", True), ("Dimanche", "2 heures du matin", True),
    ("dimanche", "2 heures de l'après-midi", False), ("samedi", "2 heures", False), ("dimanche", "20 heures", False),
])
def test_23_agenda_3c_accepts_the_hour_written_in_words(bank, jour, heure, right):
    assert accepted(bank, "23-agenda-3c", {"jour": jour, "heure": heure}) is right


@pytest.mark.parametrize(("answer", "right"), [
    ("Cmd+Maj+R", True), ("cmd + shift + r", True), ("⌘+⇧+R", True), ("Pomme+Maj+R", True),
    ("Cmd+R", False), ("Ctrl+F5", False), ("R", False), ("Option+Cmd+R", False),
])
def test_51_appli_2c_names_the_browsers_whose_shortcut_it_asks(bank, answer, right):
    """In Safari Cmd+Maj+R opens the reader view (reloading without the cache is Option+Cmd+R): the question now
    says Chrome or Firefox, and the tutorial gives Safari's shortcut."""
    assert "Chrome" in bank.challenges["51-appli-2c"].instruction
    assert accepted(bank, "51-appli-2c", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [
    ("Cmd+Maj+3", True), ("⌘+⇧+3", True), ("Pomme+Maj+3", True), ("Command+Maj+3", True),
    ("Cmd+Maj+4", False), ("3", False), ("Impr écran", False),
])
def test_51_aide_3c_accepts_the_apple_key_as_pupils_name_it(bank, answer, right):
    assert accepted(bank, "51-aide-3c", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [
    ("5", True), ("prise 5", True), ("la prise 5", True), ("n° 5", True), ("prise 1", False), ("USB", False),
])
def test_51_mat_1c_accepts_the_socket_named_with_its_number(bank, answer, right):
    assert accepted(bank, "51-mat-1c", {"reponse": answer}) is right


def test_31_collab_6c_is_a_level_6_merge_not_again_the_shared_document_of_31_collab_6a(bank):
    """The third variant only asked which organisation avoids divergent copies (the tutorial's first sentence); it
    now merges one offline copy into the shared document without overwriting the others' work."""
    assert "copie téléchargée" in bank.challenges["31-collab-6c"].instruction
    assert accepted(bank, "31-collab-6c", 2)
    assert not any(accepted(bank, "31-collab-6c", i) for i in (1, 3, 4))
