"""Competence 3.4 at full depth, its accepted answers tried with the answers pupils give; the programs
the challenges show are run to prove their expected answers."""

from __future__ import annotations

import contextlib
import io
import re

import pytest

from tests.bank_content.deep_competence import accepts, depth_problems, shipped_bank


def test_3_4_has_five_tubes_and_24_skills_with_two_variants_each():
    assert depth_problems("3.4") == []


def printed_by(challenge_id: str) -> list[str]:
    """Run the first code block of a challenge (programs that only print) and return the printed lines."""
    code = re.search(r"```\n(.*?)```", shipped_bank().challenges[challenge_id].instruction, re.S)
    assert code is not None
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(code.group(1), {})  # noqa: S102 — the bank's own example programs
    return out.getvalue().splitlines()


@pytest.mark.parametrize(("challenge_id", "expected"), [
    ("34-debug-2b", "1"), ("34-debug-6b", "6"), ("34-bin-6a", "True"),
])
def test_the_expected_answer_is_what_python_prints(challenge_id, expected):
    lines = printed_by(challenge_id)
    value = str(lines.count("Bravo")) if challenge_id == "34-debug-2b" else lines[-1]
    assert value == expected and accepts(challenge_id, expected)


def test_range_bounds_answers_match_python():
    assert accepts("34-debug-3a", str(list(range(1, 10))[-1]))
    assert accepts("34-debug-3b", str(len(range(2, 12, 2))))
    assert not accepts("34-debug-3a", "10") and not accepts("34-debug-3b", "6")


@pytest.mark.parametrize(("answer", "right"), [
    ("age >= 18", True), ("age>=18", True), ("Age >= 18", True), ("18 <= age", True), ("age > 17", True),
    ("if age >= 18:", True),
    ("age > 18", False), ("age = 18", False), ("age == 18", False), ("age <= 18", False), ("age => 18", False),
])
def test_from_18_included_is_greater_or_equal(answer, right):
    assert accepts("34-debug-5b", answer) is right


@pytest.mark.parametrize(("challenge_id", "number"), [("34-bin-2a", 6), ("34-bin-2b", 9)])
def test_binary_readings_match_python(challenge_id, number):
    binary = re.search(r"`([01]+)`", shipped_bank().challenges[challenge_id].instruction).group(1)
    assert int(binary, 2) == number and accepts(challenge_id, str(number))
    assert not accepts(challenge_id, binary)


@pytest.mark.parametrize(("challenge_id", "number"), [("34-bin-3a", 10), ("34-bin-3b", 19)])
def test_binary_writings_accept_leading_zeros_and_refuse_reversed_digits(challenge_id, number):
    assert accepts(challenge_id, format(number, "b"))
    assert accepts(challenge_id, format(number, "08b"))
    assert accepts(challenge_id, " " + format(number, "b"))
    assert not accepts(challenge_id, format(number, "b")[::-1])
    assert not accepts(challenge_id, str(number))


@pytest.mark.parametrize(("challenge_id", "answer", "right"), [
    ("34-bin-4a", "256", True), ("34-bin-4a", "255", False), ("34-bin-4a", "8", False),
    ("34-bin-4b", str(2**5 - 1), True), ("34-bin-4b", "32", False),
    ("34-bin-6a", "true", True), ("34-bin-6a", "Vrai", True), ("34-bin-6a", "False", False),
])
def test_counting_values_with_bits(challenge_id, answer, right):
    assert accepts(challenge_id, answer) is right
