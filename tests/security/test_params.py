"""The typed, bounded parser of request values."""

from __future__ import annotations

import pytest

from web import params


@pytest.mark.parametrize("raw,expected", [
    ("1", 1), ("42", 42), (" 7 ", 7), (str(2**31 - 1), 2**31 - 1), (str(2**31), None), ("0", None), ("-3", None),
    ("²", None), ("١٢", None), ("9" * 5000, None), ("99999999999999999999", None), ("1\x00", None), ("", None),
    ("1.5", None), (None, None), (True, None), (12, 12),
])
def test_record_id_accepts_only_ascii_digits_within_a_database_integer(raw: object, expected: int | None) -> None:
    assert params.record_id(raw) == expected


def test_bounded_int_and_id_list() -> None:
    assert params.bounded_int("-1", -5, 5) == -1
    assert params.bounded_int("6", 1, 5) is None
    assert params.id_list("3, 5,8") == [3, 5, 8]
    assert params.id_list("") == []
    assert params.id_list("3,²") is None
    assert params.id_list(",".join(["1"] * 501)) is None


@pytest.mark.parametrize("raw,ok", [
    ("3f2b8c1e-0c4d-4a7e-9b1a-1f2e3d4c5b6a", True), ("rech_1-a", True), ("a\x00", False), ("é", False),
    ("x" * 65, False), ("", False), ("../etc", False), (None, False),
])
def test_token(raw: object, ok: bool) -> None:
    assert (params.token(raw) is not None) is ok


@pytest.mark.parametrize("raw,ok", [
    ("illustration.svg", True), ("a-b_c.png", True), (".env", False), ("a/b", False), ("..", False),
    ("x\x00.png", False), ("x" * 200, False), ("é.png", False),
])
def test_file_name(raw: str, ok: bool) -> None:
    assert (params.file_name(raw) is not None) is ok


def test_text_refuses_control_and_format_characters_and_overlong_values() -> None:
    assert params.text("  ABC123 ", 9) == "ABC123"
    assert params.text("A\x00", 9) is None
    assert params.text("A\u202eB", 9) is None
    assert params.text("x" * 10, 9) is None


@pytest.mark.parametrize("given", ["é", "²", "\x00", "a\ud800", "", None, 3])
def test_same_secret_never_raises_on_what_a_request_sends(given: object) -> None:
    assert params.same_secret("abc", given) is False


def test_same_secret_accepts_the_token() -> None:
    assert params.same_secret("abc", "abc") is True
