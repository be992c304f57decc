"""Campaign codes: 6 readable letters then 3 readable digits; typed codes normalised or refused."""

from __future__ import annotations

import random

from engine.campaigns.code import CODE_LENGTH, DIGITS, LETTERS, generate_code, is_valid_code, normalise_code


def test_generated_codes_are_six_readable_letters_then_three_readable_digits() -> None:
    rng = random.Random(7)
    codes = [generate_code(rng) for _ in range(500)]
    for code in codes:
        assert len(code) == CODE_LENGTH == 9
        assert all(c in LETTERS for c in code[:6]) and all(c in DIGITS for c in code[6:])
        assert is_valid_code(code)
    assert len(set(codes)) > 490


def test_the_readable_alphabet_leaves_out_confusable_characters() -> None:
    assert not set("IOL") & set(LETTERS)
    assert not set("01") & set(DIGITS)


def test_the_same_random_source_gives_the_same_code() -> None:
    assert generate_code(random.Random("x")) == generate_code(random.Random("x"))


def test_typed_codes_are_normalised() -> None:
    assert normalise_code(" abcdef234 ") == "ABCDEF234"
    assert normalise_code("abc-def 234") == "ABCDEF234"
    assert normalise_code("ABC.DEF_234\n") == "ABCDEF234"


def test_invalid_typed_codes_are_refused() -> None:
    for typed in ("", "ABCDE234", "ABCDEF2345", "ABCDEO234", "ABCDEF012", "ABCDEF23A", "x" * 100, "ÀBCDEF234"):
        assert normalise_code(typed) is None, typed
