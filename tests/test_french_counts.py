"""The command line's counts use real French plurals (issue 22: no "(s)")."""

from core.french import agree, count


def test_zero_and_one_take_the_singular_in_french() -> None:
    assert count(0, "envoi", "envois") == "0 envoi"
    assert count(1, "envoi", "envois") == "1 envoi"


def test_two_and_more_take_the_plural() -> None:
    assert count(2, "envoi", "envois") == "2 envois"
    assert count(12, "ligne supprimée", "lignes supprimées") == "12 lignes supprimées"


def test_a_participle_further_in_the_sentence_agrees() -> None:
    assert agree(1, "réussi", "réussis") == "réussi"
    assert agree(3, "réussi", "réussis") == "réussis"
