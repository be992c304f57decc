"""§2 answer checking: the five types, the tolerances and the answer statuses."""

from __future__ import annotations

import pytest

from engine.answers import AnswerStatus, answer_status, apply_tolerances, is_correct, levenshtein, matches_text
from engine.referential import Challenge, ChallengeInput, ChallengeType, Tolerance

T1, T2, T3 = Tolerance.T1, Tolerance.T2, Tolerance.T3


def qcu(solution: int = 2, **kw) -> Challenge:
    return Challenge(id="c-qcu", skill_name="@url1", type=ChallengeType.QCU, instruction="?",
                     proposals=("a", "b", "c"), solution=solution, **kw)


def qcm(solution=frozenset({1, 3})) -> Challenge:
    return Challenge(id="c-qcm", skill_name="@url1", type=ChallengeType.QCM, instruction="?",
                     proposals=("a", "b", "c", "d"), solution=solution)


def qroc(*accepted: str, tolerances=(), numeric: bool = False, timer: int | None = None) -> Challenge:
    return Challenge(id="c-qroc", skill_name="@url1", type=ChallengeType.QROC, instruction="?",
                     inputs=(ChallengeInput("reponse", "Réponse"),), solution=tuple(accepted),
                     tolerances=frozenset(tolerances), numeric=numeric, timer=timer)


def qrocm_ind(tolerances=()) -> Challenge:
    return Challenge(id="c-ind", skill_name="@url1", type=ChallengeType.QROCM_IND, instruction="?",
                     inputs=(ChallengeInput("ville", "Ville"), ChallengeInput("pays", "Pays")),
                     solution={"ville": ("Paris",), "pays": ("France", "République française")},
                     tolerances=frozenset(tolerances))


def qrocm_dep(tolerances=()) -> Challenge:
    return Challenge(id="c-dep", skill_name="@url1", type=ChallengeType.QROCM_DEP, instruction="?",
                     inputs=(ChallengeInput("r1", "1"), ChallengeInput("r2", "2")),
                     solution=(("Paris",), ("Lyon",), ("Marseille",)), tolerances=frozenset(tolerances))


# -- QCU / QCM ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [2, "2", " 2 "])
def test_qcu_accepts_the_index_of_the_right_proposal(value):
    assert is_correct(qcu(2), value)


@pytest.mark.parametrize("value", [1, "3", "2,3", "", "deux", [1]])
def test_qcu_refuses_another_index_or_a_malformed_answer(value):
    assert not is_correct(qcu(2), value)


@pytest.mark.parametrize("value", ["1,3", "3,1", "3, 1", " 1 ,3 ", [3, 1], (1, 3), {1, 3}])
def test_qcm_compares_indexes_as_sets_order_and_spaces_free(value):
    assert is_correct(qcm(), value)


@pytest.mark.parametrize("value", ["1", "3", "1,2,3", "1,4", "", [2, 4], "1;3"])
def test_qcm_refuses_a_subset_a_superset_or_another_set(value):
    assert not is_correct(qcm(), value)


# -- QROC text ---------------------------------------------------------------------------------------

def test_qroc_text_without_tolerance_requires_the_exact_answer():
    challenge = qroc("Paris")
    assert is_correct(challenge, "Paris")
    assert not is_correct(challenge, "paris")
    assert not is_correct(challenge, "Pari")


def test_qroc_accepts_any_of_the_accepted_answers():
    challenge = qroc("courriel", "e-mail", "mail")
    assert is_correct(challenge, "e-mail")
    assert is_correct(challenge, "mail")
    assert not is_correct(challenge, "lettre")


def test_qroc_empty_answer_is_wrong():
    assert not is_correct(qroc("Paris", tolerances=[T1, T2, T3]), "   ")


def test_unicode_nfc_applies_without_any_tolerance():
    # "école" typed with a combining accent (e + U+0301) equals the precomposed é
    assert is_correct(qroc("école"), "e\u0301cole")
    assert is_correct(qroc("e\u0301cole"), "école")


@pytest.mark.parametrize("nbsp", ["\u00a0", "\u202f"])
def test_non_breaking_spaces_become_spaces_without_any_tolerance(nbsp):
    assert is_correct(qroc("mot de passe"), f"mot{nbsp}de{nbsp}passe")


def test_t1_ignores_case():
    assert is_correct(qroc("Paris", tolerances=[T1]), "PARIS")


def test_t1_ignores_accents():
    assert is_correct(qroc("Éléphant", tolerances=[T1]), "elephant")
    assert is_correct(qroc("elephant", tolerances=[T1]), "Éléphant")


def test_t1_trims_and_removes_inner_white_space():
    challenge = qroc("mot de passe", tolerances=[T1])
    assert is_correct(challenge, "  motdepasse ")
    assert is_correct(challenge, "mot  de\tpasse")


def test_without_t1_accents_and_inner_spaces_matter():
    assert not is_correct(qroc("Éléphant"), "Elephant")
    assert not is_correct(qroc("mot de passe"), "motdepasse")


def test_t2_ignores_punctuation():
    challenge = qroc("cest", tolerances=[T2])
    assert is_correct(challenge, "c'est")
    assert is_correct(qroc("www.pix.fr", tolerances=[T2]), "wwwpixfr")


def test_t2_ignores_a_trailing_punctuation_mark_after_a_space():
    # French typography puts a space before "!": with t2 (punctuation ignored) "Bonjour !" is "Bonjour"
    assert is_correct(qroc("Bonjour", tolerances=[T2]), "Bonjour !")


def test_t2_collapses_the_spaces_left_by_removed_punctuation():
    # conformance: "a , b" loses its comma and leaves two spaces, collapsed into one like the service
    assert apply_tolerances("Paris , Lyon", [T2]) == "Paris Lyon"
    assert is_correct(qroc("Paris Lyon", tolerances=[T2]), "Paris ,  Lyon")
    assert is_correct(qroc("Paris - Lyon", tolerances=[T2]), "Paris Lyon")


def test_without_t2_punctuation_matters():
    assert not is_correct(qroc("cest"), "c'est")
    assert not is_correct(qroc("cest", tolerances=[T1]), "c'est")


def test_t1_and_t2_together():
    assert is_correct(qroc("Ctrl + C", tolerances=[T1, T2]), "ctrl-c")


def test_apply_tolerances_examples():
    assert apply_tolerances("  Éléphant Rose ", {T1}) == "elephantrose"
    assert apply_tolerances("l'été, déjà", {T2}) == "lété déjà"
    assert apply_tolerances("L'Été, Déjà !", {T1, T2}) == "letedeja"
    assert apply_tolerances("a\u00a0b", set()) == "a b"


def test_levenshtein_distances():
    assert levenshtein("", "abc") == 3
    assert levenshtein("chat", "chat") == 0
    assert levenshtein("chat", "chats") == 1
    assert levenshtein("kitten", "sitting") == 3
    assert levenshtein("ordinateur", "ordinatuer") == 2


def test_t3_accepts_a_typo_within_a_quarter_of_the_answer_length():
    # "bordaux" (7 letters) is 1 edit from "bordeaux": 1/7 ≈ 0.14 ≤ 0.25
    assert is_correct(qroc("bordeaux", tolerances=[T3]), "bordaux")


def test_t3_accepts_exactly_a_quarter():
    # 8 letters, 2 substitutions: 2/8 = 0.25
    assert matches_text("abcdefxy", ["abcdefgh"], {T3})
    assert is_correct(qroc("ordinateur", tolerances=[T3]), "ordinatuer")  # 2/10 = 0.2


def test_t3_refuses_more_than_a_quarter():
    # 7 letters, 2 edits: 2/7 ≈ 0.29 > 0.25
    assert not matches_text("abcdexy", ["abcdefg"], {T3})
    # 8 letters, 3 edits: 0.375
    assert not matches_text("abcdexyz", ["abcdefgh"], {T3})


def test_t3_uses_the_closest_accepted_answer():
    assert matches_text("mozila", ["chrome", "firefox", "mozilla"], {T3})  # 1/6


def test_without_t3_a_typo_is_refused():
    assert not is_correct(qroc("bordeaux"), "bordaux")


def test_t3_combines_with_t1():
    assert is_correct(qroc("Bordeaux", tolerances=[T1, T3]), "BORDAUX")


# -- QROC number -------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["3.5", "3,5", "3,50", "3.50", " 3,5 ", "03,5", "3 , 5"])
def test_qroc_number_compares_numbers_decimal_comma_accepted(value):
    assert is_correct(qroc("3.5", numeric=True), value)


def test_qroc_number_accepted_answer_may_itself_use_a_comma():
    assert is_correct(qroc("3,50", numeric=True), "3.5")


def test_qroc_number_ignores_spaces_between_thousands():
    assert is_correct(qroc("1000,5", numeric=True), "1 000,5")
    assert is_correct(qroc("12000", numeric=True), "12\u00a0000")


@pytest.mark.parametrize("value", ["3", "35", "3,6", "trois virgule cinq", "", "3.5.0"])
def test_qroc_number_refuses_another_number_or_text(value):
    assert not is_correct(qroc("3.5", numeric=True), value)


def test_qroc_number_replaces_every_comma_not_only_the_first():
    # "1,2,5" is not a number: it must not be read as 1.2 (first comma only) nor match 1.25
    assert not is_correct(qroc("1.25", numeric=True), "1,2,5")
    assert not is_correct(qroc("1.2", numeric=True), "1,2,5")


def test_qroc_number_falls_back_to_text_matching_when_the_answer_is_not_a_number():
    # decided with the service: "12 €" is no number, compared as text: t2 drops the euro sign
    assert is_correct(qroc("12", numeric=True, tolerances=[T2]), "12 €")
    assert not is_correct(qroc("12", numeric=True), "12 €")
    assert not is_correct(qroc("12", numeric=True, tolerances=[T2]), "13 €")


def test_qroc_number_accepts_an_integer_value():
    assert is_correct(qroc("42", numeric=True), 42)


# -- QROCM-ind / QROCM-dep ---------------------------------------------------------------------------

def test_qrocm_ind_every_input_must_match_its_own_answers():
    challenge = qrocm_ind([T1])
    assert is_correct(challenge, {"ville": "paris", "pays": "France"})
    assert is_correct(challenge, {"ville": "Paris", "pays": "république française"})


@pytest.mark.parametrize("value", [
    {"ville": "Paris", "pays": "Belgique"},
    {"ville": "France", "pays": "Paris"},
    {"ville": "Paris"},
    {"ville": "Paris", "pays": ""},
    "Paris France",
])
def test_qrocm_ind_refuses_when_one_input_is_wrong_or_missing(value):
    assert not is_correct(qrocm_ind([T1]), value)


@pytest.mark.parametrize("value", [
    {"r1": "Paris", "r2": "Lyon"},
    {"r1": "Lyon", "r2": "Paris"},
    {"r1": "marseille", "r2": "LYON"},
])
def test_qrocm_dep_inputs_match_distinct_groups_in_any_order(value):
    assert is_correct(qrocm_dep([T1]), value)


def test_qrocm_dep_refuses_the_same_answer_twice():
    assert not is_correct(qrocm_dep([T1]), {"r1": "Paris", "r2": "Paris"})
    assert not is_correct(qrocm_dep([T1]), {"r1": "Paris", "r2": "paris"})


@pytest.mark.parametrize("value", [
    {"r1": "Paris", "r2": "Nice"},
    {"r1": "Paris", "r2": ""},
    {"r1": "Paris"},
])
def test_qrocm_dep_refuses_a_wrong_or_missing_input(value):
    assert not is_correct(qrocm_dep([T1]), value)


def test_qrocm_dep_finds_a_distinct_assignment_when_groups_overlap():
    # "Lyon" fits both groups; the learner's two answers still fit two distinct groups
    challenge = Challenge(id="c-dep2", skill_name="@url1", type=ChallengeType.QROCM_DEP, instruction="?",
                          inputs=(ChallengeInput("r1", "1"), ChallengeInput("r2", "2")),
                          solution=(("Lyon", "Paris"), ("Lyon",)))
    assert is_correct(challenge, {"r1": "Lyon", "r2": "Paris"})
    assert is_correct(challenge, {"r1": "Paris", "r2": "Lyon"})
    assert not is_correct(challenge, {"r1": "Paris", "r2": "Paris"})


def test_qrocm_dep_refuses_the_same_answer_twice_even_when_two_groups_accept_it():
    challenge = Challenge(id="c-dep3", skill_name="@url1", type=ChallengeType.QROCM_DEP, instruction="?",
                          inputs=(ChallengeInput("r1", "1"), ChallengeInput("r2", "2")),
                          solution=(("Lyon", "Paris"), ("Lyon", "Marseille")), tolerances=frozenset({T1}))
    assert is_correct(challenge, {"r1": "Paris", "r2": "Lyon"})
    assert not is_correct(challenge, {"r1": "Lyon", "r2": "Lyon"})
    assert not is_correct(challenge, {"r1": "Lyon", "r2": " LYON"})  # the same once normalised


# -- statuses ----------------------------------------------------------------------------------------

def test_right_answer_is_ok_and_wrong_answer_is_ko():
    assert answer_status(qcu(2), "2") is AnswerStatus.OK
    assert answer_status(qcu(2), "1") is AnswerStatus.KO


def test_skipped_answer_is_aband():
    assert answer_status(qcu(2), None) is AnswerStatus.SKIPPED
    assert answer_status(qcu(2), "2", skipped=True) is AnswerStatus.SKIPPED
    assert AnswerStatus.SKIPPED.value == "aband"


def test_right_answer_within_the_timer_is_ok():
    challenge = qroc("42", timer=30)
    assert answer_status(challenge, "42", elapsed_seconds=30) is AnswerStatus.OK
    assert answer_status(challenge, "42", elapsed_seconds=12.5) is AnswerStatus.OK


def test_right_answer_after_the_timer_is_timed_out():
    assert answer_status(qroc("42", timer=30), "42", elapsed_seconds=31) is AnswerStatus.TIMED_OUT


def test_wrong_answer_after_the_timer_stays_ko():
    assert answer_status(qroc("42", timer=30), "41", elapsed_seconds=31) is AnswerStatus.KO


def test_untimed_challenge_is_never_timed_out():
    assert answer_status(qroc("42"), "42", elapsed_seconds=10_000) is AnswerStatus.OK


def test_focused_out_only_in_certification_on_a_challenge_that_forbids_leaving():
    focused = qcu(2, focused=True)
    assert answer_status(focused, "2", focused_out=True, certification=True) is AnswerStatus.FOCUSED_OUT
    assert answer_status(focused, "2", focused_out=True, certification=False) is AnswerStatus.OK
    assert answer_status(qcu(2), "2", focused_out=True, certification=True) is AnswerStatus.OK
    assert answer_status(focused, "1", focused_out=True, certification=True) is AnswerStatus.KO


def test_only_ok_counts_as_ok():
    assert [s for s in AnswerStatus if s.is_ok] == [AnswerStatus.OK]
