"""The attestation: a printable A4 PDF in French (fpdf2, pure Python) with a QR code (segno, pure Python) that
opens the verification page. The same certificate always gives the same bytes: the document's dates are the
session's, nothing depends on the clock or on a random source.

Many attestations (a session, a class) go into one PDF, one page each (`attestations_pdf`)."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime, time
from urllib.parse import urlencode

import segno
from fpdf import FPDF

from certificates.views import Certificate, french_date

_PAGE_MARGIN = 18.0
_INK = (31, 41, 55)
_MUTED = (75, 85, 99)
_ACCENT = (29, 78, 216)
_DOMAIN_COLOURS = {"1": (29, 78, 216), "2": (4, 120, 87), "3": (180, 83, 9), "4": (185, 28, 28), "5": (109, 40, 217)}
_DOMAINS = {"1": "Information et données", "2": "Communication et collaboration", "3": "Création de contenus",
            "4": "Protection et sécurité", "5": "Environnement numérique"}


def verification_url(base_url: str, code: str) -> str:
    return f"{base_url.rstrip('/')}/verification?{urlencode({'code': code})}"


_NO_DECOMPOSITION = str.maketrans({"Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "ı": "i"})


def _latin(text: str) -> str:
    """The PDF's standard fonts cover Windows-1252 (every French letter, « », ’, –); anything else loses its
    accent (ł → l) or becomes "?" rather than breaking the document."""
    out = []
    for char in text.translate(_NO_DECOMPOSITION):
        try:
            char.encode("cp1252")
            out.append(char)
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode("ascii")
            out.append(base or "?")
    return "".join(out)


def _qr_png(url: str) -> io.BytesIO:
    buffer = io.BytesIO()
    segno.make_qr(url, error="m").save(buffer, kind="png", scale=8, border=4)
    buffer.seek(0)
    return buffer


class _Attestations(FPDF):
    def footer(self) -> None:
        self.set_y(-20)
        self.set_font("Helvetica", size=8)
        self.set_text_color(*_MUTED)
        self.cell(0, 5, _latin("Document produit par Pix LTI à partir des résultats publiés de la session. "
                               "Son authenticité se vérifie avec le code de vérification."), align="C")


def _line(pdf: FPDF, label: str, value: str, *, bold: bool = True) -> None:
    pdf.set_font("Helvetica", size=11)
    pdf.set_text_color(*_MUTED)
    pdf.cell(62, 7, _latin(label + " :"))
    pdf.set_font("Helvetica", style="B" if bold else "", size=11)
    pdf.set_text_color(*_INK)
    pdf.cell(0, 7, _latin(value), new_x="LMARGIN", new_y="NEXT")


def _page(pdf: FPDF, certificate: Certificate, base_url: str) -> None:
    pdf.add_page()
    pdf.set_draw_color(*_ACCENT)
    pdf.set_line_width(0.8)
    pdf.rect(10, 10, 190, 277)
    pdf.set_text_color(*_ACCENT)
    pdf.set_font("Helvetica", style="B", size=20)
    pdf.cell(0, 11, _latin("Attestation de certification"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=12)
    pdf.set_text_color(*_INK)
    pdf.cell(0, 7, _latin("Compétences numériques — Cadre de référence des compétences numériques (CRCN)"),
             align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    _line(pdf, "Nom", certificate.last_name.upper())
    _line(pdf, "Prénom", certificate.first_name)
    _line(pdf, "Date de naissance", french_date(certificate.birth_date) or "non renseignée")
    _line(pdf, "Centre de certification",
          certificate.centre_name + (f" ({certificate.centre_uai})" if certificate.centre_uai else ""))
    _line(pdf, "Session", f"n° {certificate.session_number}")
    _line(pdf, "Date de certification", french_date(certificate.session_date))
    _line(pdf, "Valable jusqu'au", french_date(certificate.valid_until))
    _line(pdf, "Score", f"{certificate.score if certificate.score is not None else 0} pix sur {certificate.max_score}")
    if certificate.global_level:
        _line(pdf, "Niveau global", certificate.global_level_label())
    pdf.ln(4)
    pdf.set_font("Helvetica", style="B", size=12)
    pdf.set_text_color(*_ACCENT)
    pdf.cell(0, 8, _latin("Niveau certifié par compétence (sur 8)"), new_x="LMARGIN", new_y="NEXT")
    domain = None
    for competence in certificate.competences:
        if competence.domain_code != domain:
            domain = competence.domain_code
            pdf.set_font("Helvetica", style="B", size=9.5)
            pdf.set_text_color(*_DOMAIN_COLOURS.get(domain, _INK))
            pdf.cell(0, 5.6, _latin(f"{domain}. {_DOMAINS.get(domain, '')}"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(*_INK)
        pdf.set_font("Helvetica", size=9.5)
        pdf.cell(12, 5.2, competence.code)
        pdf.cell(120, 5.2, _latin(competence.name[:80]))
        pdf.set_font("Helvetica", style="B", size=9.5)
        pdf.cell(0, 5.2, f"Niveau {competence.level}", new_x="LMARGIN", new_y="NEXT")
        y = pdf.get_y() - 1.4
        x = _PAGE_MARGIN + 158
        colour = _DOMAIN_COLOURS.get(competence.domain_code, _INK)
        pdf.set_fill_color(*colour)
        pdf.set_draw_color(*colour)
        pdf.set_line_width(0.25)
        for step in range(8):  # eight small boxes, the certified ones filled
            pdf.rect(x + step * 2.4, y - 2.2, 1.9, 1.9, style="DF" if step < competence.level else "D")
    pdf.set_draw_color(*_ACCENT)
    url = verification_url(base_url, certificate.code or "")
    top = 232.0
    pdf.image(_qr_png(url), x=_PAGE_MARGIN, y=top, w=38, h=38)
    pdf.set_xy(_PAGE_MARGIN + 44, top + 4)
    pdf.set_font("Helvetica", size=11)
    pdf.set_text_color(*_MUTED)
    pdf.cell(0, 7, _latin("Code de vérification :"), new_x="LEFT", new_y="NEXT")
    pdf.set_font("Courier", style="B", size=16)
    pdf.set_text_color(*_INK)
    pdf.cell(0, 9, certificate.code or "", new_x="LEFT", new_y="NEXT")
    pdf.set_font("Helvetica", size=9)
    pdf.set_text_color(*_MUTED)
    pdf.multi_cell(130, 5, _latin(f"Vérifier cette attestation : {url}"), new_x="LEFT", new_y="NEXT")


def attestations_pdf(certificates: Sequence[Certificate], base_url: str) -> bytes:
    """One A4 page per validated certificate (rejected and cancelled results have none), in the given order."""
    pdf = _Attestations(orientation="P", unit="mm", format="A4")
    pdf.core_fonts_encoding = "cp1252"  # the standard fonts' WinAnsiEncoding: « », ’, — and every French letter
    pdf.set_margins(_PAGE_MARGIN, 16, _PAGE_MARGIN)
    pdf.set_auto_page_break(False)
    validated = [c for c in certificates if c.is_validated and c.code]
    first = min((c.session_date for c in validated), default=None)
    moment = datetime.combine(first, time(12, 0), tzinfo=UTC) if first else datetime(2000, 1, 1, tzinfo=UTC)
    pdf.set_creation_date(moment)  # the document's date is the session's: the same bytes every time
    pdf.set_title(_latin("Attestation de certification des compétences numériques"))
    pdf.set_author("Pix LTI")
    pdf.set_lang("fr-FR")
    for certificate in validated:
        _page(pdf, certificate, base_url)
    if not validated:
        pdf.add_page()
        pdf.set_font("Helvetica", size=12)
        pdf.cell(0, 10, _latin("Aucune attestation : aucun résultat certifié."), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def attestation_pdf(certificate: Certificate, base_url: str) -> bytes:
    return attestations_pdf([certificate], base_url)
