"""Issue 22: a campaign whose target skills the profile already knows has nothing to ask. It used to show
"99 %" with a "Commencer" button, then end with zero questions; it is completed as soon as it is seen."""

from __future__ import annotations

from sqlalchemy import func, select

from campaigns.models import ParticipationRow
from campaigns.service import CampaignService
from campaigns.use_cases import CampaignDraft
from engine.campaigns.participation import CampaignType, ParticipationStatus
from learning.models import AssessmentRow
from learning.use_cases import LearningService
from tests.campaign_use_cases.test_scenario import parse, seed_class, take_test

TUBES = ("rechercheUrl", "netiquetteEchange")


def test_a_campaign_already_answered_by_the_profile_is_completed_when_seen(sessions, service: CampaignService,
                                                                           learning: LearningService) -> None:
    ids = seed_class(sessions)
    first = service.create(ids["prof"], f"course:{ids['course']}", CampaignDraft("A", CampaignType.ASSESSMENT, TUBES))
    second = service.create(ids["prof"], f"course:{ids['course']}", CampaignDraft("B", CampaignType.ASSESSMENT, TUBES))
    take_test(learning, service, ids["ana"], service.join(ids["ana"], first.code), right=True)

    again = service.join(ids["ana"], second.code)
    assert service.joined(ids["ana"], second.code) == again and service.joined(ids["bob"], second.code) is None
    assert service.joined(ids["ana"], "ABCDEF234") is None and service.joined(ids["ana"], "nonsense") is None
    view = service.view(ids["ana"], again)
    assert view.participation.status is ParticipationStatus.COMPLETED  # not "started" at 99 %
    assert view.progress is not None and view.progress.percent == 100 and view.progress.completed
    assert view.result is not None and view.result.mastery_percent == 100 and view.assessment_id is not None
    service.share(ids["ana"], again)  # the results go straight out: no empty test to take first
    assert service.view(ids["ana"], again).participation.status is ParticipationStatus.SHARED

    # a student who knows nothing yet: the page shows a test to take, and stores nothing by being seen
    bob = service.join(ids["bob"], second.code)
    with sessions() as session:
        before = session.scalar(select(func.count()).select_from(AssessmentRow))
    seen = service.view(ids["bob"], bob)
    assert seen.participation.status is ParticipationStatus.STARTED and seen.assessment_id is None
    assert seen.progress is not None and seen.progress.percent == 0
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(AssessmentRow)) == before


def test_the_teachers_dashboard_shows_the_real_state_before_the_pupil_opens_the_page(
        sessions, service: CampaignService, learning: LearningService) -> None:
    """Issue 22: the dashboard showed a participation with nothing to ask as "in progress" (99 % on the pupil's
    side, 0 % on the teacher's) until the pupil opened it. It now shows it ready to send, at 100 %, and the
    teacher looking at it writes nothing in the pupil's record."""
    ids = seed_class(sessions)
    first = service.create(ids["prof"], f"course:{ids['course']}", CampaignDraft("A", CampaignType.ASSESSMENT, TUBES))
    second = service.create(ids["prof"], f"course:{ids['course']}", CampaignDraft("B", CampaignType.ASSESSMENT, TUBES))
    take_test(learning, service, ids["ana"], service.join(ids["ana"], first.code), right=True)
    take_test(learning, service, ids["cleo"], service.join(ids["cleo"], first.code), right=True, limit=1)
    ana = service.join(ids["ana"], second.code)
    bob = service.join(ids["bob"], second.code)
    cleo = service.join(ids["cleo"], second.code)

    with sessions() as session:
        before = (session.scalar(select(func.count()).select_from(AssessmentRow)),
                  session.scalar(select(func.count()).select_from(ParticipationRow)
                                 .where(ParticipationRow.status == "started")))
    board = {p.participation_id: p for p in service.dashboard(ids["prof"], second.id).participants}
    assert board[ana].status is ParticipationStatus.COMPLETED and board[ana].progress == 100
    assert board[ana].nothing_to_ask and board[ana].results is None  # not sent yet: no results shown
    assert board[bob].status is ParticipationStatus.STARTED and board[bob].progress == 0
    assert not board[bob].nothing_to_ask
    # cleo already knows part of the target: the teacher sees what the pupil's page says, not 0 %
    cleo_view = service.view(ids["cleo"], cleo)
    assert cleo_view.participation.status is ParticipationStatus.STARTED and cleo_view.progress is not None
    assert board[cleo].status is ParticipationStatus.STARTED and 0 < board[cleo].progress < 100  # type: ignore[operator]
    assert board[cleo].progress == cleo_view.progress.percent and not board[cleo].nothing_to_ask
    rows = {r[1]: r for r in parse(service.export(ids["prof"], second.id)[1])[1:]}
    assert rows["Ana"][4] == "Terminé, non envoyé" and rows["Bob"][4] == "En cours"
    with sessions() as session:  # the teacher's look wrote nothing
        assert (session.scalar(select(func.count()).select_from(AssessmentRow)),
                session.scalar(select(func.count()).select_from(ParticipationRow)
                               .where(ParticipationRow.status == "started"))) == before

    # what the dashboard announced is what the pupil's page then does
    view = service.view(ids["ana"], ana)
    assert view.participation.status is ParticipationStatus.COMPLETED and view.progress.percent == 100  # type: ignore[union-attr]
    after = {p.participation_id: p for p in service.dashboard(ids["prof"], second.id).participants}
    assert after[ana].status is ParticipationStatus.COMPLETED and after[ana].progress == 100
    assert not after[ana].nothing_to_ask  # now a real completed test (with its zero questions)
