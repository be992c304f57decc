"""The pupil's certificates (issue 20): the latest certificate with its score, global level, the 16-competence
wheel of certified levels, date, centre, validity (3 years, then expired) and verification code; the other
certificates listed; the attestation PDF. A pupil sees only their own results, and only once published (a row
exists only from publication on)."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from certificates import repository
from certificates.attestation import attestation_pdf
from certificates.views import Certificate, certificate_of, french_date
from content_bank.loader import default_referential
from web import params
from web.auth import session_data
from web.errors import LaunchRefused
from web.student_routes import page
from web.wheel import DOMAIN_COLOURS, level_rings, level_sectors

router = APIRouter()
MAX_CERTIFIED_LEVEL = 8
_NOT_FOUND = LaunchRefused(404, "Cette certification n'existe pas ou ne vous appartient pas.",
                           "Revenez à vos certifications.", "unknown_certificate")


def today() -> date:
    return date.today()


def _certificates(request: Request, account_id: int) -> list[Certificate]:
    with request.app.state.tool.sessions() as session:
        referential = default_referential()
        return [certificate_of(row, referential) for row in repository.of_account(session, account_id)]


async def _page(request: Request, certificate_id: int | None) -> Response:
    data = session_data(request)
    certificates = await run_in_threadpool(_certificates, request, data.account_id)
    shown = certificates[0] if certificates and certificate_id is None else next(
        (c for c in certificates if c.id == certificate_id), None)
    if certificate_id is not None and shown is None:
        raise _NOT_FOUND
    wheel = level_sectors([(c.code, c.name, c.domain_code, c.level) for c in shown.competences],
                          MAX_CERTIFIED_LEVEL) if shown and shown.is_validated else []
    base = request.app.state.tool.settings.base_url.rstrip("/")
    return page(request, data, "eleve/certificat.html", certificate=shown,
                others=[c for c in certificates if shown is None or c.id != shown.id],
                expired=shown.is_expired(today()) if shown else False, sectors=wheel,
                rings=level_rings(MAX_CERTIFIED_LEVEL), colours=DOMAIN_COLOURS, french_date=french_date,
                verification_url=f"{base}/verification")


@router.get("/certificats")
async def certificates_page(request: Request) -> Response:
    return await _page(request, None)


@router.get("/certificats/{certificate_id:digits}")
async def certificate_page(request: Request, certificate_id: str) -> Response:
    number = params.record_id(certificate_id)
    if number is None:
        raise _NOT_FOUND
    return await _page(request, number)


@router.get("/certificats/{certificate_id:digits}/attestation.pdf")
async def attestation(request: Request, certificate_id: str) -> Response:
    data = session_data(request)
    number = params.record_id(certificate_id)
    if number is None:
        raise _NOT_FOUND
    state = request.app.state.tool

    def build() -> tuple[Certificate, bytes] | None:
        with state.sessions() as session:
            row = repository.by_id(session, number)
            if row is None or row.account_id != data.account_id or row.status != "validated":
                return None
            certificate = certificate_of(row, default_referential())
        return certificate, attestation_pdf(certificate, state.settings.base_url)

    built = await run_in_threadpool(build)
    if built is None:
        raise _NOT_FOUND
    certificate, pdf = built
    return Response(pdf, media_type="application/pdf", headers={
        "content-disposition": f'attachment; filename="attestation-{certificate.code}.pdf"',
        "cache-control": "private, no-store"})
