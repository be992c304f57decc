"""Issue 16, third variants (competences 3.4, 4.1, 4.2, 4.3, 5.1, 5.2): every active skill has at least
three validated challenges, so certification can draw a variant the pupil has not seen; and the new
challenges accept the answers pupils would type and refuse the wrong ones (checked with the engine's
own answer checking)."""

from __future__ import annotations

import contextlib
import io
import re

import pytest

from engine.referential import ChallengeStatus
from tests.bank_content.deep_competence import accepts, shipped_bank


def skills_with_fewer_than_three(code: str) -> list[str]:
    bank = shipped_bank()
    skills = [s for s in bank.skills.values() if s.competence_code == code and s.is_active]
    assert len(skills) >= 24
    return [f"{s.name}: {n}" for s in skills
            if (n := sum(1 for c in bank.challenges_of(s.name) if c.status is ChallengeStatus.VALIDATED)) < 3]


@pytest.mark.parametrize("code", ["3.4", "4.1", "4.2", "4.3", "5.1", "5.2"])
def test_every_skill_has_three_validated_variants(code):
    assert skills_with_fewer_than_three(code) == []


def printed_by(challenge_id: str) -> list[str]:
    """Run the first code block of a challenge (a program that only prints) and return its printed lines."""
    code = re.search(r"```(?:python)?\n(.*?)```", shipped_bank().challenges[challenge_id].instruction, re.S)
    assert code is not None
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(code.group(1), {})  # noqa: S102 — the bank's own example programs
    return out.getvalue().splitlines()


# ---------------------------------------------------------------------------------------------- 3.4
@pytest.mark.parametrize("challenge_id", ["34-algo-4c", "34-algo-5c", "34-debug-6c", "34-bin-6c"])
def test_3_4_the_expected_answer_is_what_python_prints(challenge_id):
    last = printed_by(challenge_id)[-1]
    assert accepts(challenge_id, last)


def test_3_4_the_indented_print_runs_at_every_turn():
    assert accepts("34-debug-2c", str(len(printed_by("34-debug-2c"))))
    assert not accepts("34-debug-2c", "1") and not accepts("34-debug-2c", "20")


@pytest.mark.parametrize(("challenge_id", "answer", "right"), [
    ("34-algo-1c", "5", True), ("34-algo-1c", "5,0", True), ("34-algo-1c", "6", False), ("34-algo-1c", "85", False),
    ("34-algo-2c", "60", True), ("34-algo-2c", "120", False), ("34-algo-2c", "360", False),
    ("34-algo-5c", "16.0", True), ("34-algo-5c", "16,0", True), ("34-algo-5c", "15", False),
    ("34-blocs-3c", "50", True), ("34-blocs-3c", "20", False), ("34-blocs-3c", "90", False),
    ("34-web-6c", "1", True), ("34-web-6c", "5", False),
    ("34-bin-2c", "20", True), ("34-bin-2c", "10100", False), ("34-bin-2c", "5", False),
    ("34-bin-3c", "10110", True), ("34-bin-3c", "1 0 1 1 0", True), ("34-bin-3c", "01101", False),
    ("34-bin-3c", "22", False), ("34-bin-3c", "10011", False),
    ("34-bin-4c", "7", True), ("34-bin-4c", "100", False), ("34-bin-4c", "6", False),
    ("34-bin-6c", "false", True), ("34-bin-6c", "Faux", True), ("34-bin-6c", "True", False),
])
def test_3_4_pupils_answers(challenge_id, answer, right):
    assert accepts(challenge_id, answer) is right


def test_3_4_binary_answers_match_python():
    assert int("10100", 2) == 20 and format(22, "b") == "10110"
    assert 2**6 < 100 <= 2**7


# ---------------------------------------------------------------------------------------------- 4.1
@pytest.mark.parametrize(("challenge_id", "answer", "right"), [
    ("41-mdp-4c", str(36**3), True), ("41-mdp-4c", "46 656", True), ("41-mdp-4c", str(26**3 + 10**3), False),
    ("41-mdp-4c", str(36 * 3), False), ("41-mdp-4c", str(3**36), False),
    ("41-reseau-4c", "example.com", True), ("41-reseau-4c", "Example.com", True),
    ("41-reseau-4c", " example.com ", True),
    ("41-reseau-4c", "impots.gouv.fr", False), ("41-reseau-4c", "remboursement-rapide.example.com", False),
    ("41-reseau-4c", "gouv.fr", False),
    ("41-app-6c", "2", True), ("41-app-6c", "3", False), ("41-app-6c", "4", False),
])
def test_4_1_pupils_answers(challenge_id, answer, right):
    assert accepts(challenge_id, answer) is right


@pytest.mark.parametrize(("answer", "right"), [
    ("opposition", True), ("Faire opposition", True), ("faire oposition a la carte", True),
    ("bloquer la carte", True),
    ("changer le code", False), ("supprimer le SMS", False), ("porter plainte", False), ("attendre", False),
])
def test_4_1_ask_the_bank_to_block_the_card(answer, right):
    assert accepts("41-hame-4c", answer) is right


# ---------------------------------------------------------------------------------------------- 4.2
@pytest.mark.parametrize(("challenge_id", "answer", "right"), [
    ("42-droit-3c", "portabilité", True), ("42-droit-3c", "Droit à la portabilite", True),
    ("42-droit-3c", "droit de portabilité", True), ("42-droit-3c", "portabilté", True),
    ("42-droit-3c", "droit d'accès", False), ("42-droit-3c", "droit à l'effacement", False),
    ("42-droit-3c", "accès", False), ("42-droit-3c", "droit de rectification", False),
    ("42-trac-6c", "https://musee.exemple.fr/expo/dinosaures", True),
    ("42-trac-6c", "musee.exemple.fr/expo/dinosaures", True),
    ("42-trac-6c", " https://musee.exemple.fr/expo/dinosaures ", True),
    ("42-trac-6c", "https://musee.exemple.fr/expo/dinosaures?utm_source=instagram", False),
    ("42-trac-6c", "https://musee.exemple.fr", False), ("42-trac-6c", "https://musee.exemple.fr/expo", False),
    ("42-polit-3c", "Livrexpress", True), ("42-polit-3c", "livrexpress", True), ("42-polit-3c", "Livrexpres", True),
    ("42-polit-3c", "nos partenaires commerciaux", False), ("42-polit-3c", "La Poste", False),
])
def test_4_2_pupils_answers(challenge_id, answer, right):
    assert accepts(challenge_id, answer) is right


@pytest.mark.parametrize(("answer", "right"), [
    ({"affiche": "Tout le monde", "vacances": "Amis", "brouillon": "Moi uniquement"}, True),
    ({"affiche": "tout le monde", "vacances": "amis", "brouillon": "moi"}, True),
    ({"affiche": "Public", "vacances": "Amis.", "brouillon": "Moi uniquement"}, True),
    ({"affiche": "Amis", "vacances": "Amis", "brouillon": "Moi uniquement"}, False),
    ({"affiche": "Tout le monde", "vacances": "Tout le monde", "brouillon": "Moi uniquement"}, False),
    ({"affiche": "Tout le monde", "vacances": "Amis", "brouillon": "Amis"}, False),
])
def test_4_2_visibility_settings(answer, right):
    assert accepts("42-regl-1c", answer) is right


@pytest.mark.parametrize(("answer", "right"), [
    ({"cookie1": "interne", "cookie2": "tiers", "cookie3": "tiers"}, True),
    ({"cookie1": "Interne", "cookie2": "Tiers", "cookie3": "cookie tiers"}, True),
    ({"cookie1": "first-party", "cookie2": "third-party", "cookie3": "third party"}, True),
    ({"cookie1": "interne", "cookie2": "tiers", "cookie3": "interne"}, False),
    ({"cookie1": "tiers", "cookie2": "tiers", "cookie3": "tiers"}, False),
])
def test_4_2_internal_and_third_party_cookies(answer, right):
    assert accepts("42-trac-4c", answer) is right


@pytest.mark.parametrize(("answer", "right"), [
    ({"usage1": "C", "usage2": "B", "usage3": "A"}, True), ({"usage1": "c", "usage2": "b", "usage3": "a."}, True),
    ({"usage1": "A", "usage2": "B", "usage3": "C"}, False), ({"usage1": "C", "usage2": "A", "usage3": "A"}, False),
])
def test_4_2_legal_bases(answer, right):
    assert accepts("42-polit-5c", answer) is right


# ---------------------------------------------------------------------------------------------- 4.3
@pytest.mark.parametrize(("challenge_id", "answer", "right"), [
    ("43-eco-4c", str(100 + 5 * 4), True), ("43-eco-4c", "105", False), ("43-eco-4c", "100", False),
    ("43-eco-6c", str(next(n for n in range(1, 50) if 80 + 4 * n < 10 * n)), True), ("43-eco-6c", "13", False),
    ("43-sante-3c", str(45 * 7), True), ("43-sante-3c", "45", False), ("43-sante-3c", "5,25", False),
    ("43-energ-3c", str(10 * 90 // 60), True), ("43-energ-3c", "900", False),
    ("43-energ-4c", "109,5", True), ("43-energ-4c", "109.50", True), ("43-energ-4c", "109500", False),
    ("43-energ-5c", "8,76", True), ("43-energ-5c", "35,04", False),
    ("43-energ-6c", "0,6", True), ("43-energ-6c", "0.60", True), ("43-energ-6c", "0,2", False),
    ("43-bien-6c", "raid", True), ("43-bien-6c", "Un raid", True), ("43-bien-6c", "raide", True),
    ("43-bien-6c", "harcèlement en meute", True), ("43-bien-6c", "spam", False), ("43-bien-6c", "pari", False),
    ("43-pegi-1c", "12", True), ("43-pegi-1c", "PEGI 12", True), ("43-pegi-1c", "pegi12", True),
    ("43-pegi-1c", "16", False), ("43-pegi-1c", "7", False), ("43-pegi-1c", "13", False),
])
def test_4_3_pupils_answers(challenge_id, answer, right):
    assert accepts(challenge_id, answer) is right


def test_4_3_the_figures_are_exact():
    assert 15 * 20 * 365 / 1000 == 109.5 and round(4 * 24 * 365 / 1000 * 0.25, 2) == 8.76
    assert round(4 * 0.05 * 3, 2) == 0.6


@pytest.mark.parametrize(("answer", "right"), [
    ({"paquets": "3", "reste": "300"}, True), ({"paquets": "3 paquets", "reste": "300 pièces"}, True),
    ({"paquets": "2", "reste": "300"}, False), ({"paquets": "3", "reste": "0"}, False),
    ({"paquets": "3", "reste": "200"}, False),
])
def test_4_3_coins_sold_by_packs(answer, right):
    assert accepts("43-pegi-3c", answer) is right


# ---------------------------------------------------------------------------------------------- 5.1
@pytest.mark.parametrize(("challenge_id", "answer", "right"), [
    ("51-diag-6c", "DHCP", True), ("51-diag-6c", "dhcp", True), ("51-diag-6c", "serveur DHCP", True),
    ("51-diag-6c", "DNS", False), ("51-diag-6c", "serveur DNS", False), ("51-diag-6c", "la box", False),
    ("51-mat-1c", "5", True), ("51-mat-1c", " 5 ", True), ("51-mat-1c", "1", False), ("51-mat-1c", "2", False),
    ("51-sys-5c", "Jeu vidéo", True), ("51-sys-5c", "jeu video", True), ("51-sys-5c", "le jeu vidéo.", True),
    ("51-sys-5c", "Navigateur web", False), ("51-sys-5c", "Système", False),
    ("51-appli-2c", "Cmd+Maj+R", True), ("51-appli-2c", "cmd + maj + r", True), ("51-appli-2c", "⌘⇧R", True),
    ("51-appli-2c", "Cmd+Shift+R", True), ("51-appli-2c", "Ctrl+F5", False), ("51-appli-2c", "Cmd+R", False),
    ("51-appli-2c", "Ctrl+Maj+R", False),
    ("51-aide-3c", "Cmd+Maj+3", True), ("51-aide-3c", "cmd+shift+3", True), ("51-aide-3c", "Cmd+Maj+4", False),
    ("51-aide-3c", "Windows+Maj+S", False),
    ("51-appli-6c", "07:58:03", True), ("51-appli-6c", "7:58:03", True), ("51-appli-6c", "08:00:04", False),
    ("51-appli-6c", "07:58:01", False),
])
def test_5_1_pupils_answers(challenge_id, answer, right):
    assert accepts(challenge_id, answer) is right


def test_5_1_only_closing_the_game_frees_three_gigabytes():
    used = {"Navigateur web": 2.4, "Jeu vidéo": 3.1, "Lecteur de musique": 0.3}
    free = 8 - (sum(used.values()) + 1.8)
    assert [name for name, size in used.items() if free + size >= 3] == ["Jeu vidéo"]


# ---------------------------------------------------------------------------------------------- 5.2
@pytest.mark.parametrize(("challenge_id", "answer", "right"), [
    ("52-logi-5c", "3.5.0", True), ("52-logi-5c", " 3.5.0 ", True), ("52-logi-5c", "3.4.8", False),
    ("52-logi-5c", "3.5.7", False), ("52-logi-5c", "4.0.0", False),
    # review (h16r): 52-cloud-5c was 52-cloud-5a with other numbers; it now asks the upload rate for a deadline
    ("52-cloud-5c", str(3000 * 8 // (20 * 60)), True), ("52-cloud-5c", "20,0", True), ("52-cloud-5c", "2,5", False),
    ("52-cloud-5c", "150", False), ("52-cloud-5c", "24000", False),
])
def test_5_2_pupils_answers(challenge_id, answer, right):
    assert accepts(challenge_id, answer) is right


@pytest.mark.parametrize(("challenge_id", "answer", "right"), [
    ("52-inter-3c", "sous-titres", True), ("52-inter-3c", "Sous titres", True), ("52-inter-3c", "sous-titrage", True),
    ("52-inter-3c", "volume", False), ("52-inter-3c", "loupe", False), ("52-inter-3c", "zoom", False),
    ("52-dem-4c", "accusé de réception", True), ("52-dem-4c", "accuse de reception", True),
    ("52-dem-4c", "récépissé", True), ("52-dem-4c", "le reçu", True),
    ("52-dem-4c", "capture d'écran", False), ("52-dem-4c", "historique", False),
    ("52-dem-4c", "numéro de dossier", False),
])
def test_5_2_pupils_words(challenge_id, answer, right):
    assert accepts(challenge_id, answer) is right


@pytest.mark.parametrize(("answer", "right"), [
    ({"webcam": "entrée", "videoprojecteur": "sortie", "scanner": "entrée"}, True),
    ({"webcam": "Entree", "videoprojecteur": "Sortie", "scanner": "d'entrée"}, True),
    ({"webcam": "entrée", "videoprojecteur": "entrée", "scanner": "entrée"}, False),
    ({"webcam": "sortie", "videoprojecteur": "sortie", "scanner": "entrée"}, False),
])
def test_5_2_input_and_output_devices(answer, right):
    assert accepts("52-logi-1c", answer) is right


def new_qcu() -> list:
    """The third variants' QCU of these competences (the page shuffles proposals, but not their lengths)."""
    return [c for c in shipped_bank().challenges.values()
            if re.fullmatch(r"(34|41|42|43|51|52)-[a-z]+-\dc", c.id) and c.type.value == "QCU"]


def test_the_right_answer_of_the_new_qcu_is_not_given_away_by_its_length():
    """The longest proposal is the right one in at most 60 % of the new QCU (the older items: about 70 %)."""
    def right_is_longest(c) -> bool:
        lengths = [len(p) for p in c.proposals]
        return lengths[c.solution - 1] > max(n for i, n in enumerate(lengths) if i != c.solution - 1)
    assert sum(map(right_is_longest, new_qcu())) <= 0.6 * len(new_qcu())
