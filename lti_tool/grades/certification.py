"""The certified score in a teacher's gradebook (issue 20), opt-in per activity: an activity whose custom
parameters carry `certification=score` (set in the platform's activity settings, e.g. Moodle's "Custom
parameters") receives, when a session's results are published, the certified pix score of each of its pupils
who launched it, out of the score's maximum (895 for v3). Other activities never receive it.

Written in the publishing transaction, as outbox rows delivered by the worker, like every other score."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.orm import Session

from core.events import CertificationResultsPublished
from lti_tool.grades.hooks import _graded_services, enqueue_score
from lti_tool.grades.scores import Score
from web.i18n import translator

OPT_IN_VALUES = {"score", "1", "true", "oui", "yes"}
MAX_SCORE = {"v3": 895, "v2": 1024}
GLOBAL_LEVELS = ("pre_beginner", "beginner", "independent", "advanced", "expert")  # lms.certification.level.*
def receives_certification(custom: Mapping[str, str]) -> bool:
    return str(custom.get("certification", "")).strip().lower() in OPT_IN_VALUES


def certification_score(score: int, version: str, global_level: str | None, locale: str = "fr") -> Score:
    maximum = MAX_SCORE.get(version, 895)
    t = translator(locale)
    comment = t("lms.certification.score", score=score, max=maximum)
    if global_level in GLOBAL_LEVELS:
        comment += t("lms.certification.level", level=t(f"lms.certification.level.{global_level}"))
    return Score(float(min(score, maximum)), float(maximum), comment)


def certification_results_published(session: Session, event: CertificationResultsPublished) -> int:
    """Enqueue the certified score for every opted-in graded activity each validated candidate launched.
    Returns the rows written."""
    written = 0
    for candidate in event.candidates:
        if candidate.account_id is None or candidate.status != "validated" or candidate.score is None:
            continue
        for services, custom, resource_link_id, title, sub in _graded_services(session, candidate.account_id):
            if not receives_certification(custom):
                continue
            score = certification_score(candidate.score, event.version, candidate.global_level,
                                        services.locale or "fr")
            if enqueue_score(session, services, score, user_id=sub, resource_link_id=resource_link_id,
                             label=title or "Certification Pix", at=event.at) is not None:
                written += 1
    return written
