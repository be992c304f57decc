"""Builds the bank's downloadable files that cannot be written by hand (issue 16: challenges that ask the
pupil to open a file): a PDF order confirmation (2.4) and a JPEG photo carrying EXIF metadata with a GPS
position (1.2). Both are drawn by the chromium the browser tests use (`page.pdf`, `page.screenshot`); the
EXIF block is written here with `struct` (TIFF little-endian, IFD0 + Exif IFD + GPS IFD), so no imaging
library is needed. The facts the challenges ask about are the constants below, which the tests reuse.

    .venv/bin/python scripts/bank_media.py [BANK]     # writes BANK/media/… (default: the shipped bank)
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"

ORDER_PDF = "2.4-confirmation-commande.pdf"
ORDER_DELIVERED = "jeudi 8 octobre 2026"
ORDER_LINES = (("Chaussures de sport, pointure 38", "49,90"), ("Chaussettes, lot de 3", "8,50"),
               ("Livraison à domicile", "5,90"))
ORDER_TOTAL = "64,30"

PHOTO_JPEG = "1.2-photo-sortie.jpg"
PHOTO_MAKE = "Exemplo"
PHOTO_MODEL = "Exemplo X12"
PHOTO_TAKEN = "2026:05:14 17:42:05"  # EXIF DateTimeOriginal
PHOTO_LATITUDE = (45, 45, 2808, 100)  # 45° 45' 28,08" N
PHOTO_LONGITUDE = (4, 49, 5520, 100)  # 4° 49' 55,20" E

NBSP = "\u00a0"
ORDER_HTML = f"""<!doctype html><html lang="fr"><head><meta charset="utf-8"><style>
body {{ font-family: sans-serif; margin: 2cm; color: #222; }} h1 {{ font-size: 20pt; }}
table {{ border-collapse: collapse; width: 100%; margin: 1em 0; }}
td, th {{ border: 1px solid #888; padding: .4em .6em; text-align: left; }} td.m {{ text-align: right; }}
</style></head><body>
<h1>Boutique Exemple{NBSP}— confirmation de commande</h1>
<p>Commande n° 2026-10-0457, passée le vendredi 2 octobre 2026.</p>
<p><strong>Colis livré le {ORDER_DELIVERED}.</strong></p>
<table><tr><th>Article</th><th>Montant</th></tr>
{"".join(f"<tr><td>{label}</td><td class='m'>{price}{NBSP}€</td></tr>" for label, price in ORDER_LINES)}
<tr><th>Total payé</th><th class="m">{ORDER_TOTAL}{NBSP}€</th></tr></table>
<h2>Droit de rétractation</h2>
<p>Vous disposez d'un délai de 14 jours à compter de la réception de votre colis pour nous retourner un
article sans avoir à vous justifier. Les frais de retour sont à votre charge.</p>
</body></html>"""

PHOTO_HTML = """<!doctype html><html><body style="margin:0">
<svg xmlns="http://www.w3.org/2000/svg" width="640" height="420" viewBox="0 0 640 420">
<rect width="640" height="420" fill="#8fc8f0"/><circle cx="520" cy="90" r="45" fill="#ffd34d"/>
<polygon points="0,300 150,140 300,300" fill="#6d7f8c"/><polygon points="180,300 360,110 540,300" fill="#58697a"/>
<polygon points="320,110 360,110 345,130 330,128" fill="#fff"/><rect y="290" width="640" height="130" fill="#5fa35a"/>
<rect x="90" y="250" width="70" height="60" fill="#c7543c"/><polygon points="80,252 125,215 170,252" fill="#7a3524"/>
</svg></body></html>"""


def _ascii(text: str) -> bytes:
    return text.encode("ascii") + b"\0"


def _ifd(entries: list[tuple[int, int, int, bytes]], start: int) -> bytes:
    """One IFD at offset `start` of the TIFF block: (tag, type, count, value bytes); values over 4 bytes
    go after the entry table, and the next-IFD offset is 0."""
    table, data = b"", b""
    data_at = start + 2 + 12 * len(entries) + 4
    for tag, kind, count, value in sorted(entries):
        if len(value) <= 4:
            table += struct.pack("<HHI", tag, kind, count) + value.ljust(4, b"\0")
        else:
            table += struct.pack("<HHII", tag, kind, count, data_at + len(data))
            data += value + (b"\0" if len(value) % 2 else b"")
    return struct.pack("<H", len(entries)) + table + struct.pack("<I", 0) + data


def _rationals(dms: tuple[int, int, int, int]) -> bytes:
    degrees, minutes, seconds, scale = dms
    return struct.pack("<IIIIII", degrees, 1, minutes, 1, seconds, scale)


def exif_segment() -> bytes:
    ascii_, long_, rational, undefined, byte = 2, 4, 5, 7, 1
    make, model, taken = _ascii(PHOTO_MAKE), _ascii(PHOTO_MODEL), _ascii(PHOTO_TAKEN)
    ifd0_size = len(_ifd([(0x010F, ascii_, len(make), make), (0x0110, ascii_, len(model), model),
                          (0x0132, ascii_, len(taken), taken), (0x8769, long_, 1, b"\0" * 4),
                          (0x8825, long_, 1, b"\0" * 4)], 8))
    exif_at = 8 + ifd0_size
    exif_entries = [(0x9000, undefined, 4, b"0232"), (0x9003, ascii_, len(taken), taken)]
    gps_at = exif_at + len(_ifd(exif_entries, exif_at))
    ifd0 = _ifd([(0x010F, ascii_, len(make), make), (0x0110, ascii_, len(model), model),
                 (0x0132, ascii_, len(taken), taken), (0x8769, long_, 1, struct.pack("<I", exif_at)),
                 (0x8825, long_, 1, struct.pack("<I", gps_at))], 8)
    gps = _ifd([(0x0000, byte, 4, bytes([2, 3, 0, 0])), (0x0001, ascii_, 2, b"N\0"),
                (0x0002, rational, 3, _rationals(PHOTO_LATITUDE)), (0x0003, ascii_, 2, b"E\0"),
                (0x0004, rational, 3, _rationals(PHOTO_LONGITUDE))], gps_at)
    tiff = b"II*\0" + struct.pack("<I", 8) + ifd0 + _ifd(exif_entries, exif_at) + gps
    payload = b"Exif\0\0" + tiff
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload


def with_exif(jpeg: bytes) -> bytes:
    """The JPEG with its APP1 EXIF segment right after the start-of-image marker (and any APP1 removed)."""
    assert jpeg[:2] == b"\xff\xd8"
    rest, kept = jpeg[2:], b""
    while rest[:2] in (b"\xff\xe0", b"\xff\xe1"):  # leading APP0 (JFIF) / APP1 segments
        length = struct.unpack(">H", rest[2:4])[0]
        if rest[:2] == b"\xff\xe0":
            kept += rest[:2 + length]
        rest = rest[2 + length:]
    return b"\xff\xd8" + kept + exif_segment() + rest


def build(bank: Path) -> None:
    from playwright.sync_api import sync_playwright

    media = bank / "media"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 640, "height": 420})
        page.set_content(ORDER_HTML)
        (media / ORDER_PDF).write_bytes(page.pdf(format="A4"))
        page.set_content(PHOTO_HTML)
        (media / PHOTO_JPEG).write_bytes(with_exif(page.screenshot(type="jpeg", quality=80)))
        browser.close()


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "content_bank" / "bank")
