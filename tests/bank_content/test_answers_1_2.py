"""Competence 1.2 at depth (issue 16): five tubes, 24 skills, and the new accepted answers checked with the
answers pupils give."""

from __future__ import annotations

import pytest

from content_bank.loader import DEFAULT_BANK, default_referential
from tests.bank_content.depth_helpers import accepted, depth_problems


@pytest.fixture(scope="module")
def bank():
    return default_referential()


def test_competence_1_2_has_five_tubes_and_24_skills_with_two_variants_each(bank):
    assert depth_problems(bank, "1.2") == []


@pytest.mark.parametrize(("separator", "right"), [
    (";", True), ("point-virgule", True), ("Point virgule", True), ("le point-virgule", True),
    (",", False), ("virgule", False), (":", False),
])
def test_csv_separator_accepts_the_sign_or_its_name(bank, separator, right):
    assert accepted(bank, "12-format-5a", {"separateur": separator, "eleves": "3"}) is right


@pytest.mark.parametrize(("count", "right"), [("3", True), ("trois", True), ("4", False), ("2", False)])
def test_csv_header_line_is_not_a_pupil(bank, count, right):
    assert accepted(bank, "12-format-5a", {"separateur": ";", "eleves": count}) is right


@pytest.mark.parametrize(("answer", "right"), [("2", True), ("2,0", True), ("1", False), ("6", False)])
def test_gps_metadata_counts_latitude_and_longitude(bank, answer, right):
    assert accepted(bank, "12-format-6a", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [
    ("photo-classe.jpg", True), ("Photo-classe.JPG", True), ("exposé-volcans.odt", False), ("notes.ods", False),
])
def test_largest_file_first_when_sorted_by_size(bank, answer, right):
    assert accepted(bank, "12-retrouver-2b", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [
    ("Sciences", True), ("sciences", True), ("Documents", False), ("Physique", False),
])
def test_search_starts_from_the_lowest_folder_that_contains_every_candidate(bank, answer, right):
    assert accepted(bank, "12-retrouver-3b", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [("3", True), ("4", False), ("2", False)])
def test_tag_search_counts_every_file_carrying_the_tag(bank, answer, right):
    assert accepted(bank, "12-retrouver-5b", {"reponse": answer}) is right


@pytest.mark.parametrize(("answer", "right"), [
    ("IMG_0457.jpg", True), ("img_0457.jpg", True), ("IMG_0457", True), ("IMG 0457.jpg", True), ("IMG-0457", True),
    ("plage-retouchee.jpg", False), ("plage.jpg", False),
])
def test_exact_duplicate_is_the_file_with_the_same_fingerprint(bank, answer, right):
    assert accepted(bank, "12-retrouver-6b", {"reponse": answer}) is right


def _exif(jpeg: bytes) -> dict[str, object]:
    """A minimal reader, independent of the writer: Model from IFD0, latitude from the GPS IFD."""
    import struct

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


def test_the_photo_to_download_carries_the_metadata_the_question_asks_about(bank):
    challenge = bank.challenges["12-format-6c"]
    assert challenge.attachments == ("media/1.2-photo-sortie.jpg",)
    exif = _exif((DEFAULT_BANK / challenge.attachments[0]).read_bytes())
    assert exif["model"] == "Exemplo X12"
    assert exif["lat_ref"] == "N" and abs(exif["latitude"] - 45.7578) < 0.001  # Lyon, as the GPS shows
    assert accepted(bank, "12-format-6c", {"reponse": exif["model"]})


@pytest.mark.parametrize(("answer", "right"), [
    ("Exemplo X12", True), ("exemplo x12", True), ("X12", True), ("x 12", True),
    ("Exemplo", False), ("X11", False), ("IMG_2041", False),
])
def test_camera_model_read_in_the_photo_properties(bank, answer, right):
    assert accepted(bank, "12-format-6c", {"reponse": answer}) is right
