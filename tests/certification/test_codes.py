"""Session codes follow engine.md §9's alphabets."""

from __future__ import annotations

from certification import codes


def test_access_codes_are_four_letters_then_two_digits_without_look_alikes() -> None:
    drawn = {codes.new_access_code() for _ in range(500)}
    assert len(drawn) > 490
    for code in drawn:
        assert codes.is_access_code(code)
        assert set(code[:4]) <= set("BCDFGHJKMPQRTVWXY") and set(code[4:]) <= set("2346789")
    assert not codes.is_access_code("ABCD23") and not codes.is_access_code("BCDF21")
    assert codes.normalised_code(" bcdf-23 ") == "BCDF23"


def test_invigilator_passwords_have_six_characters() -> None:
    for _ in range(200):
        password = codes.new_invigilator_password()
        assert len(password) == 6 and codes.is_invigilator_password(password)
    assert not codes.is_invigilator_password("ABC123")


def test_session_numbers_are_numeric_within_bounds() -> None:
    numbers = [codes.new_session_number() for _ in range(200)]
    assert all(codes.SESSION_NUMBER_MIN <= n <= codes.SESSION_NUMBER_MAX for n in numbers)
    assert len(set(numbers)) > 190
