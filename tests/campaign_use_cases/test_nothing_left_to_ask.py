"""Issue 22: a campaign whose target skills the profile already knows has nothing to ask. It used to show
"99 %" with a "Commencer" button, then end with zero questions; it is completed as soon as it is seen."""

from __future__ import annotations

from sqlalchemy import func, select

from campaigns.service import CampaignService
from campaigns.use_cases import CampaignDraft
from engine.campaigns.participation import CampaignType, ParticipationStatus
from learning.models import AssessmentRow
from learning.use_cases import LearningService
from tests.campaign_use_cases.test_scenario import seed_class, take_test

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
