"""`install()` subscribes the certificates context to published certification results; called by whoever runs
use cases (the app factory, the CLI, the test fixtures), never on import. Calling it twice subscribes once."""

from __future__ import annotations

from sqlalchemy.orm import Session

from certificates.issuing import issue_certificates
from core import events
from core.events import CertificationResultsPublished, Registry


def on_certification_results_published(session: Session, event: CertificationResultsPublished) -> None:
    issue_certificates(session, event)


def install(registry: Registry | None = None) -> None:
    (registry or events.REGISTRY).subscribe(CertificationResultsPublished, on_certification_results_published)
