"""The student's pages: profile, challenge, answer outcome, end of test; reset and retry.

Every POST carries the session's CSRF token; every link and form carries the `lt` token when the request
came with one (third-party cookies blocked). Blocking work runs in the thread pool, one transaction each.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from content_bank.active import active_bank
from content_bank.loader import default_referential
from core import metrics
from engine.answers import AnswerStatus, AnswerValue
from engine.competence_test import LifecycleError, Refusal
from engine.proposal_order import display_context, displayed_choices
from engine.referential import Challenge, ChallengeType, Referential
from engine.scoring import Scorecard, ScorecardStatus
from learning.use_cases import AnswerOutcome, LearningError, LearningRefusal, LearningService
from linking.use_cases import LEARNER_ROLES
from web import params
from web.auth import CSRF_FIELD, checked_form, csrf_token, link, session_data
from web.errors import LaunchRefused
from web.i18n import ENGLISH_REFUSALS, translator
from web.markdown import render_inline, render_markdown
from web.pages import render
from web.static_routes import shipped_file
from web.tokens import SessionData
from web.wheel import DOMAIN_COLOURS, level_rings, sectors

router = APIRouter()
STATIC_DIR = (Path(__file__).resolve().parent / "static" / "eleve").resolve()
MAX_TEXT_ANSWER = 500
_STATUS_KEYS = {AnswerStatus.OK: "result.ok", AnswerStatus.SKIPPED: "result.skipped",
                AnswerStatus.TIMED_OUT: "result.timedout"}

_REFUSALS: dict[str, tuple[int, str, str]] = {
    Refusal.UNKNOWN_COMPETENCE: (404, "Cette compétence n'existe pas.", "Revenez à votre profil."),
    Refusal.ALREADY_COMPLETED: (409, "Ce test est déjà terminé.",
                                "Vous pourrez le retenter après 4 jours, ou remettre la compétence à zéro après 7."),
    Refusal.TEST_FINISHED: (409, "Ce test est terminé : cette réponse n'a pas été enregistrée.",
                            "Consultez votre résultat."),
    Refusal.NOT_CURRENT_CHALLENGE: (409, "Cette réponse ne concerne pas la question en cours : elle n'a pas été "
                                    "enregistrée.", "Reprenez le test à la question en cours."),
    Refusal.RESET_TOO_EARLY: (409, "Cette compétence ne peut pas encore être remise à zéro.",
                              "La remise à zéro est possible 7 jours après votre dernière réponse."),
    Refusal.NOTHING_TO_RESET: (409, "Il n'y a rien à remettre à zéro sur cette compétence.", "Commencez le test."),
    Refusal.RETRY_TOO_EARLY: (409, "Ce test ne peut pas encore être retenté.",
                              "Il pourra l'être 4 jours après votre dernière réponse."),
    Refusal.RETRY_AT_MAX_LEVEL: (409, "Vous avez déjà atteint le niveau maximum sur cette compétence.",
                                 "Choisissez une autre compétence."),
    Refusal.RETRY_NOT_COMPLETED: (409, "Seul un test terminé peut être retenté.", "Commencez ou reprenez le test."),
    LearningRefusal.UNKNOWN_ASSESSMENT: (404, "Ce test n'existe pas ou ne vous appartient pas.",
                                         "Revenez à votre profil."),
    LearningRefusal.NOT_ANSWERED: (409, "Cette question n'a pas encore reçu de réponse dans ce test.",
                                   "Reprenez le test à la question en cours."),
}


def learning(request: Request) -> LearningService:
    """One service per app; the referential is loaded once per process."""
    tool = request.app.state.tool
    service: LearningService | None = getattr(request.app.state, "learning", None)
    if service is None or service.sessions is not tool.sessions:
        service = LearningService(tool.sessions, default_referential())
        request.app.state.learning = service
    return service


def page(request: Request, data: SessionData, name: str, status_code: int = 200, **context: Any) -> Response:
    t = translator(data.locale)

    def url(path: str, **query: str) -> str:
        return link(request, path, **query)

    return render(request, name, status_code=status_code, t=t, url=url, locale=data.locale,
                  csrf_field=CSRF_FIELD, csrf=csrf_token(request, data), md=render_markdown, md_inline=render_inline,
                  **context)


def refused(request: Request, data: SessionData, error: LifecycleError | LearningError, *,
            back: str | None = None, back_label: str | None = None) -> Response:
    status, reason, advice = _REFUSALS.get(error.code, (409, "Cette action n'est pas possible.", "Revenez au profil."))
    if data.locale == "en":  # the English words of this refusal (web/locales/en/LC_MESSAGES/refusals.po)
        reason = ENGLISH_REFUSALS.get(f"refusal.test.{error.code}", reason)
        advice = ENGLISH_REFUSALS.get(f"refusal.test.{error.code}.advice", advice)
    t = translator(data.locale)
    return page(request, data, "eleve/refus.html", status_code=status, reason=reason, advice=advice, code=error.code,
                back=back or link(request, "/profil"), back_label=back_label or t("nav.profile"))


def redirect(request: Request, path: str, **query: str) -> RedirectResponse:
    return RedirectResponse(link(request, path, **query), status_code=303)


_NOT_FOUND = LaunchRefused(404, "Cette page n'existe pas.", "Revenez à votre profil.", "not_found")


def path_token(request: Request, name: str) -> str:
    """An id of the path (assessment, participation) through the typed parser: a 404 page when unusable."""
    value = params.token(request.path_params.get(name))
    if value is None:
        raise _NOT_FOUND
    return value


def query_token(request: Request, name: str) -> str | None:
    """An optional id of the query string (`apres`, `defi`); an unusable one counts as absent."""
    return params.token(request.query_params.get(name))


def competence_code(raw: str) -> str:
    """A competence code of the path ("1.1"): unknown ones are the use case's refusal; unusable ones a 404."""
    value = params.text(raw, 8)
    if value is None:
        raise _NOT_FOUND
    return value


# --- profile ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CardView:
    card: Scorecard
    status_label: str
    action: tuple[str, str] | None  # (label, POST path)
    reset: str | None  # POST path
    waiting_days: int | None


def card_view(t: Any, card: Scorecard) -> CardView:
    code = card.competence_code
    action, waiting = None, None
    if card.status is ScorecardStatus.NOT_STARTED:
        action = (t("action.start"), f"/competences/{code}/commencer")
    elif card.status is ScorecardStatus.STARTED:
        action = (t("action.resume"), f"/competences/{code}/commencer")
    elif card.is_improvable:
        action = (t("action.retry"), f"/competences/{code}/retenter")
    elif not card.is_max_level:
        waiting = card.remaining_days_before_improving
    reset = f"/competences/{code}/remettre-a-zero" if card.is_resettable else None
    return CardView(card, t(f"card.status.{card.status}"), action, reset, waiting)


@router.get("/profil")
async def profile_page(request: Request) -> Response:
    return await profile_response(request, session_data(request))


async def profile_response(request: Request, data: SessionData, **launch_context: Any) -> Response:
    """The profile; `launch_context` (person, role, course, activity) when reached through an activity."""
    service = learning(request)
    profile = await run_in_threadpool(service.profile, data.account_id)
    t = translator(data.locale)
    referential = service.referential
    domains = [(d, [card_view(t, profile.scorecard(c.code)) for c in d.competences]) for d in referential.domains]
    return page(request, data, "eleve/profil.html", profile=profile, domains=domains, colours=DOMAIN_COLOURS,
                sectors=sectors(profile.scorecards, service.config.max_competence_pix),
                rings=level_rings(service.config.max_reachable_level), may_link=data.role in LEARNER_ROLES,
                **launch_context)


# --- starting, retrying, resetting ------------------------------------------------------------------------

@router.post("/competences/{code}/commencer")
async def start(request: Request, code: str) -> Response:
    return await _start(request, code, retry=False)


@router.post("/competences/{code}/retenter")
async def retry(request: Request, code: str) -> Response:
    return await _start(request, code, retry=True)


async def _start(request: Request, code: str, *, retry: bool) -> Response:
    data = session_data(request)
    await checked_form(request, data)
    code = competence_code(code)
    try:
        step = await run_in_threadpool(lambda: learning(request).start(data.account_id, code, retry=retry))
    except LifecycleError as error:
        return refused(request, data, error)
    return redirect(request, f"/evaluations/{step.assessment.id}")


@router.post("/competences/{code}/remettre-a-zero")
async def reset(request: Request, code: str) -> Response:
    data = session_data(request)
    await checked_form(request, data)
    code = competence_code(code)
    try:
        await run_in_threadpool(learning(request).reset, data.account_id, code)
    except LifecycleError as error:
        return refused(request, data, error)
    return redirect(request, "/profil")


# --- the test ---------------------------------------------------------------------------------------------

def _media(referential: Referential, challenge: Challenge) -> dict[str, Any]:
    def href(path: str) -> str:
        return "/medias/" + path.removeprefix("media/")

    return {
        "illustration": (href(challenge.illustration.file), challenge.illustration.alt)
        if challenge.illustration else None,
        "attachments": [(href(a), a.rsplit("/", 1)[-1]) for a in challenge.attachments],
    }


def _feedback(referential: Referential, outcome: AnswerOutcome | None) -> dict[str, Any]:
    """What the feedback partial needs: the outcome, and the skill's tutorial when the answer was not right
    (none when the challenge has left the bank since it was answered)."""
    if outcome is None:
        return {"outcome": None}
    challenge = referential.challenges.get(outcome.challenge_id)
    tutorial = None
    if challenge is not None and outcome.status is not AnswerStatus.OK:
        tutorial = referential.skills[challenge.skill_name].tutorial
    return {"outcome": outcome, "statuses": AnswerStatus, "tutorial": tutorial}


async def _challenge_page(request: Request, data: SessionData, assessment_id: str, *, error: str | None = None,
                          status_code: int = 200, previous: str | None = None) -> Response:
    service = learning(request)
    try:
        view = await run_in_threadpool(service.current, data.account_id, assessment_id, previous)
    except LearningError as exc:
        return refused(request, data, exc)
    if view.challenge is None:
        return redirect(request, f"/evaluations/{assessment_id}/fin")
    referential = service.referential
    code = view.assessment.competence_code or ""
    competence = referential.competences.get(code)
    skill = referential.skills.get(view.challenge.skill_name)
    progress = {"competence": competence, "number": view.answered + 1, "level": skill.level if skill else None,
                "max_level": service.config.max_reachable_level}
    if view.waiting_for_start:  # a timed challenge: the time allowed first, the question when asked for
        return page(request, data, "eleve/chrono.html", status_code=status_code, view=view,
                    seconds=view.challenge.timer, **progress, **_feedback(referential, view.previous))
    return page(request, data, "eleve/epreuve.html", status_code=status_code, view=view, challenge=view.challenge,
                **progress, remaining=view.remaining_seconds(service.clock()),
                error=error, types=ChallengeType, **_media(referential, view.challenge),
                choices=displayed_choices(view.challenge, display_context("assessment", view.assessment.id)),
                **_feedback(referential, view.previous))


async def challenge_page(request: Request) -> Response:
    """The current challenge; `apres` (a challenge just answered in this test) shows that answer's outcome
    above it, so that answering leads straight to the next challenge."""
    data = session_data(request)
    return await _challenge_page(request, data, path_token(request, "assessment_id"),
                                 previous=query_token(request, "apres"))


# The two requests of every answer are plain Starlette routes: FastAPI's parameter resolution showed up in
# profiles of each, and they take nothing but a path parameter and the request.
router.add_route("/evaluations/{assessment_id}", challenge_page, methods=["GET"])


@router.post("/evaluations/{assessment_id}/chrono")
async def start_timer(request: Request) -> Response:
    """"Afficher la question" on a timed challenge's start page: its clock starts now, then the question."""
    data = session_data(request)
    assessment_id = path_token(request, "assessment_id")
    await checked_form(request, data)
    service = learning(request)
    try:
        await run_in_threadpool(service.start_timer, data.account_id, assessment_id)
    except LearningError as error:
        return refused(request, data, error)
    return redirect(request, f"/evaluations/{assessment_id}")


class MalformedAnswer(ValueError):
    pass


def _index(raw: str, proposals: int) -> int:
    index = params.bounded_int(raw, 1, proposals)
    if index is None:
        raise ValueError("not a proposal's index")
    return index


def parse_answer(challenge: Challenge, form: FormData) -> AnswerValue | None:
    """The answer as the engine takes it; None when nothing was given; MalformedAnswer when forged."""
    if challenge.type in (ChallengeType.QCU, ChallengeType.QCM):
        raw = [v for v in form.getlist("answer") if isinstance(v, str) and v.strip()]
        if not raw:
            return None
        try:
            picked = sorted({_index(v, len(challenge.proposals)) for v in raw})
        except ValueError as exc:
            raise MalformedAnswer("not an index") from exc
        if challenge.type is ChallengeType.QCU:
            if len(picked) != 1:
                raise MalformedAnswer("one answer expected")
            return picked[0]
        return picked
    values: dict[str, str] = {}
    for item in challenge.inputs:
        value = form.get(f"r_{item.name}", "")
        if not isinstance(value, str) or len(value) > MAX_TEXT_ANSWER:
            raise MalformedAnswer("text too long")
        values[item.name] = value
    if not any(v.strip() for v in values.values()):
        return None
    return values


async def answer(request: Request) -> Response:
    data = session_data(request)
    assessment_id = path_token(request, "assessment_id")
    form = await checked_form(request, data)
    service = learning(request)
    challenge_id = form.get("challenge_id")
    action = form.get("action")
    challenge = service.referential.challenges.get(challenge_id) if isinstance(challenge_id, str) else None
    if challenge is None or action not in ("submit", "skip"):
        return refused(request, data, LifecycleError(Refusal.NOT_CURRENT_CHALLENGE, "unknown challenge"),
                       back=link(request, f"/evaluations/{assessment_id}"))
    skipped = action == "skip"
    value: AnswerValue | None = None
    if not skipped:
        try:
            value = parse_answer(challenge, form)
        except MalformedAnswer:
            value = None
            return await _challenge_page(request, data, assessment_id, status_code=400,
                                         error=translator(data.locale)("test.unreadable"))
        if value is None:
            # nothing given: ask again, unless this challenge was already answered (a replayed empty form)
            return await _challenge_page(request, data, assessment_id, status_code=422,
                                         error=translator(data.locale)("test.empty"))
    try:
        outcome = await run_in_threadpool(
            lambda: service.answer(data.account_id, assessment_id, challenge.id, value, skipped=skipped))
    except LifecycleError as error:
        t = translator(data.locale)
        if error.code == Refusal.TEST_FINISHED:
            return refused(request, data, error, back=link(request, f"/evaluations/{assessment_id}/fin"),
                           back_label=t("result.finish"))
        return refused(request, data, error, back=link(request, f"/evaluations/{assessment_id}"),
                       back_label=t("result.continue"))
    except LearningError as error:
        return refused(request, data, error)
    metrics.ANSWERS.labels("positioning" if outcome.competence_test else "campaign",
                           "replayed" if outcome.replayed else outcome.status.value).inc()
    if outcome.completed and outcome.competence_test:  # the end page, the last answer's outcome at its top
        return redirect(request, f"/evaluations/{assessment_id}/fin", apres=outcome.challenge_id)
    if outcome.completed:  # a campaign test: the last answer's outcome, then the campaign's page
        return redirect(request, f"/evaluations/{assessment_id}/resultat", defi=outcome.challenge_id)
    return redirect(request, f"/evaluations/{assessment_id}", apres=outcome.challenge_id)


router.add_route("/evaluations/{assessment_id}/reponses", answer, methods=["POST"])


@router.get("/evaluations/{assessment_id}/resultat")
async def outcome_page(request: Request, assessment_id: str) -> Response:
    data = session_data(request)
    assessment_id, defi = path_token(request, "assessment_id"), query_token(request, "defi") or ""
    service = learning(request)
    try:
        outcome = await run_in_threadpool(service.outcome, data.account_id, assessment_id, defi)
    except LearningError as error:
        return refused(request, data, error, back=link(request, f"/evaluations/{assessment_id}"))
    nxt = f"/evaluations/{assessment_id}/fin" if outcome.completed else f"/evaluations/{assessment_id}"
    return page(request, data, "eleve/resultat.html", next_url=link(request, nxt),
                status_key=_STATUS_KEYS.get(outcome.status, "result.ko"), **_feedback(service.referential, outcome))


@router.get("/evaluations/{assessment_id}/fin")
async def end_page(request: Request, assessment_id: str) -> Response:
    """The end of a competence test; `apres` (the answer that ended it) shows that answer's outcome first."""
    data = session_data(request)
    assessment_id, apres = path_token(request, "assessment_id"), query_token(request, "apres") or ""
    service = learning(request)
    try:
        result = await run_in_threadpool(service.result, data.account_id, assessment_id, apres or None)
    except LearningError as error:
        if error.code == LearningRefusal.NOT_A_COMPETENCE_TEST:
            return redirect(request, f"/campagnes/evaluations/{assessment_id}/fin")
        return refused(request, data, error)
    if result.assessment.is_started:
        return redirect(request, f"/evaluations/{assessment_id}")
    t = translator(data.locale)
    return page(request, data, "eleve/fin.html", result=result,
                competence=service.referential.competences[result.scorecard.competence_code],
                suggestions=[card_view(t, c) for c in result.suggestions],
                **_feedback(service.referential, result.last_answer))


# --- files ------------------------------------------------------------------------------------------------

@router.get("/medias/{name}")
async def media(name: str) -> Response:
    # bank files are content, never code: an SVG opened on its own runs no script
    media = Path(active_bank().info.path) / "media"  # the loaded bank's: a private bank brings its own
    return shipped_file(media, name, {"cache-control": "public, max-age=86400", "content-security-policy":
                                          "default-src 'none'; style-src 'unsafe-inline'; sandbox"})


@router.get("/eleve/static/{name}")
async def static(name: str) -> Response:
    return shipped_file(STATIC_DIR, name)
