"""Issue 16, third variants (helper h16b): every active skill of competences 2.3, 2.4, 3.1, 3.2 and 3.3 has at
least 3 validated challenges (certification v2/v3 draws variants of every skill), and the new QROC challenges
accept the answers pupils actually type and refuse the wrong ones (checked with the engine's answer checking)."""

from __future__ import annotations

import pytest

from content_bank.loader import default_referential
from engine.answers import is_correct
from engine.referential import ChallengeStatus, Referential


@pytest.fixture(scope="module")
def bank() -> Referential:
    return default_referential()


def skills_with_fewer_than_three_variants(bank: Referential, code: str) -> list[str]:
    skills = [s for s in bank.skills.values() if s.competence_code == code and s.is_active]
    assert skills, f"no active skill in {code}"
    short = []
    for skill in skills:
        validated = [c for c in bank.challenges.values()
                     if c.skill_name == skill.name and c.status is ChallengeStatus.VALIDATED]
        if len(validated) < 3:
            short.append(f"{skill.name}: {len(validated)}")
    return short


def accepted(bank: Referential, challenge_id: str, value: object) -> bool:
    return is_correct(bank.challenges[challenge_id], value)


# ------------------------------------------------------------------ 2.3


def test_every_skill_of_2_3_has_three_validated_variants(bank):
    assert skills_with_fewer_than_three_variants(bank, "2.3") == []


@pytest.mark.parametrize(("answer", "right"), [
    ("Commentateur", True), ("commentateur", True), ("commentatrice", True), ("comentateur", True),
    ("rôle commentateur", True), ("Lecteur", False), ("Éditeur", False), ("editeur", False),
    ("propriétaire", False),
])
def test_a_reviewer_who_only_comments_gets_the_commenter_role(bank, answer, right):
    assert accepted(bank, "23-doc-2c", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [
    ("3", True), (" 3 ", True), ("3,0", True), ("6", False), ("4", False), ("7", False),
])
def test_a_resolved_conflict_keeps_no_marker_line(bank, answer, right):
    assert accepted(bank, "23-doc-6c", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [
    ("Karim", True), ("karim", True), ("Karime", True), ("Louna", False), ("Marius", False),
])
def test_the_only_singer_missing_on_wednesday(bank, answer, right):
    assert accepted(bank, "23-agenda-1c", {"reponse": answer}) is right


@pytest.mark.parametrize(("jour", "heure", "right"), [
    ("dimanche", "2", True), ("Dimanche", "2 h", True), ("dimanche", "02:00", True), ("dimanche", "2h00", True),
    ("samedi", "2", False), ("dimanche", "14", False), ("samedi", "14", False), ("dimanche", "20", False),
])
def test_a_call_from_montreal_falls_on_the_next_day_in_paris(bank, jour, heure, right):
    assert accepted(bank, "23-agenda-3c", {"jour": jour, "heure": heure}) is right


@pytest.mark.parametrize(("answer", "right"), [("1", True), ("0", False), ("2", False), ("4", False)])
def test_one_card_may_enter_a_full_work_in_progress_column_when_one_leaves(bank, answer, right):
    assert accepted(bank, "23-projet-4c", {"reponse": answer}) is right


# ------------------------------------------------------------------ 2.4


def test_every_skill_of_2_4_has_three_validated_variants(bank):
    assert skills_with_fewer_than_three_variants(bank, "2.4") == []


@pytest.mark.parametrize(("answer", "right"), [
    ("e-réputation", True), ("E-reputation", True), ("ereputation", True), ("e réputation", True),
    ("réputation numérique", True), ("reputation en ligne", True), ("e-réputasion", True),
    ("identité numérique", False), ("profil", False), ("traces", False), ("empreinte", False),
])
def test_the_image_given_by_online_traces_is_the_e_reputation(bank, answer, right):
    assert accepted(bank, "24-ident-2c", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [
    ("diffamation", True), ("Diffamation", True), ("difamation", True), ("la diffamation", True),
    ("injure", False), ("harcèlement", False), ("insulte", False),
])
def test_a_precise_unproven_accusation_is_defamation(bank, answer, right):
    assert accepted(bank, "24-ident-6c", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [
    ("PHAROS", True), ("Pharos", True), ("pharos", True), ("Pharo", True), ("3018", False), ("CNIL", False),
])
def test_the_official_portal_is_pharos(bank, answer, right):
    assert accepted(bank, "24-harc-3c", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [
    ("Image retouchée", True), ("image retouchee", True), ("IMAGE RETOUCHÉE", True), ("image retouchée.", True),
    ("« Image retouchée »", True), ("image virtuelle", False), ("publicité", False), ("filtre", False),
])
def test_a_slimming_filter_must_say_image_retouchee(bank, answer, right):
    assert accepted(bank, "24-plateforme-5c", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [
    ("39,96", True), ("39.96", True), ("39,960", True), ("9,99", False), ("49,95", False), ("29,97", False),
])
def test_four_debits_of_a_forgotten_trial(bank, answer, right):
    assert accepted(bank, "24-achat-5c", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [
    ("72", True), ("72,00", True), ("72.0", True), ("2", False), ("36", False), ("104", False), ("720", False),
])
def test_a_small_weekly_purchase_adds_up(bank, answer, right):
    assert accepted(bank, "24-achat-2c", {"reponse": answer}) is right


# ------------------------------------------------------------------ 3.1


def test_every_skill_of_3_1_has_three_validated_variants(bank):
    assert skills_with_fewer_than_three_variants(bank, "3.1") == []


@pytest.mark.parametrize(("answer", "right"), [
    ("Il pleut, nous restons à la maison. Demain, nous sortirons.", True),
    ("  Il pleut, nous restons à la maison. Demain, nous sortirons. ", True),
    ("il pleut, nous restons à la maison. demain, nous sortirons.", False),
    ("Il pleut , nous restons à la maison. Demain, nous sortirons.", False),
    ("Il pleut,nous restons à la maison.Demain,nous sortirons.", False),
    ("Il pleut, nous restons à la maison . Demain, nous sortirons.", False),
])
def test_spaces_and_capitals_are_what_the_typing_question_checks(bank, answer, right):
    assert accepted(bank, "31-typo-1c", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [
    ("# Recette des crêpes", True), ("# recette des crepes", True), ("#  Recette des crêpes", True),
    ("#Recette des crêpes", False), ("## Recette des crêpes", False), ("Recette des crêpes", False),
    ("**Recette des crêpes**", False),
])
def test_a_level_one_markdown_title_needs_one_hash_and_a_space(bank, answer, right):
    assert accepted(bank, "31-brut-4c", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [
    ("Ctrl+H", True), ("ctrl + h", True), ("CTRL H", True), ("Ctrl-H", True), ("Contrôle+H", True),
    ("H", False), ("Ctrl+F", False), ("Ctrl+R", False), ("Alt+H", False),
])
def test_the_find_and_replace_shortcut(bank, answer, right):
    assert accepted(bank, "31-relec-2c", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [("3", True), ("4", False), ("2", False), ("1", False)])
def test_case_sensitive_search_without_whole_words_finds_rose_inside_roseraie(bank, answer, right):
    assert accepted(bank, "31-relec-3c", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [
    ("116", True), (" 116 ", True), ("116,0", True),
    ("111", False), ("124", False), ("128", False), ("120", False), ("114", False),
])
def test_accepted_and_refused_tracked_changes_decide_the_word_count(bank, answer, right):
    assert accepted(bank, "31-collab-5c", {"reponse": answer}) is right


# ------------------------------------------------------------------ 3.2


def test_every_skill_of_3_2_has_three_validated_variants(bank):
    assert skills_with_fewer_than_three_variants(bank, "3.2") == []


@pytest.mark.parametrize(("answer", "right"), [
    ("JPEG", True), ("jpeg", True), ("JPG", True), (".jpg", True), ("Jpeg ", True),
    ("PNG", False), ("GIF", False), ("png", False),
])
def test_light_good_quality_photos_are_exported_as_jpeg(bank, answer, right):
    assert accepted(bank, "32-img-2c", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [
    ("1000", True), ("1 000", True), ("1000,0", True), ("3000", False), ("2000", False), ("333", False),
])
def test_the_height_from_the_weight_of_an_uncompressed_image(bank, answer, right):
    assert accepted(bank, "32-img-5c", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [
    ("8000", True), ("8 000", True), ("16000", False), ("32000", False), ("4000", False),
])
def test_the_nyquist_limit_is_half_the_sampling_rate(bank, answer, right):
    assert accepted(bank, "32-son-6c", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [
    ("1,2", True), ("1.2", True), ("1,20", True), ("2,5", False), ("3,7", False), ("1", False),
])
def test_the_gap_between_two_subtitles(bank, answer, right):
    assert accepted(bank, "32-tourn-5c", {"reponse": answer}) is right


# ------------------------------------------------------------------ 3.3


def test_every_skill_of_3_3_has_three_validated_variants(bank):
    assert skills_with_fewer_than_three_variants(bank, "3.3") == []


@pytest.mark.parametrize(("answer", "right"), [
    ("12,5", True), ("12.5", True), ("12,50", True), ("=B2*C2", False), ("B2*C2", False), ("5", False),
])
def test_a_csv_keeps_the_result_of_a_formula(bank, answer, right):
    assert accepted(bank, "33-format-3c", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [
    ("100", True), ("100,0", True), ("88", False), ("4", False), ("350", False), ("25", False),
])
def test_a_fourteen_page_booklet_needs_four_sheets_a_copy(bank, answer, right):
    assert accepted(bank, "33-public-3c", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [
    ("Voyage-Espagne.zip", True), ("voyage-espagne.zip", True), ("Voyage-Espagne .zip", True),
    ("Voyage-Espagne", False), (".zip", False), ("Voyage-Espagne.rar", False), ("Voyage-Espagne.pdf", False),
])
def test_the_zip_archive_keeps_the_folder_name(bank, answer, right):
    assert accepted(bank, "33-archi-1c", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [
    (".ods", True), ("ods", True), ("ODS", True), (". ods", True),
    (".odt", False), (".xlsx", False), (".csv", False), ("odp", False),
])
def test_the_opendocument_spreadsheet_extension(bank, answer, right):
    assert accepted(bank, "33-archi-4c", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [
    ("20", True), ("20,0", True), ("32", False), ("80", False), ("35", False),
])
def test_single_choice_percentages(bank, answer, right):
    assert accepted(bank, "33-quest-5c", {"reponse": answer}) is right
