"""From campaign creation to export: a teacher, several students, the export parsed back cell by cell."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy.orm import Session, sessionmaker

from campaigns.service import CampaignService
from campaigns.use_cases import CampaignAccess, CampaignDraft
from core.accounts import Account
from core.courses import Course, Membership
from engine.campaigns.participation import CampaignError, CampaignRefusal, CampaignType, ParticipationStatus
from engine.campaigns.target_profile import Stage
from learning.use_cases import LearningService
from lti_tool.grades.ags_client import Member
from lti_tool.grades.roster import replace_roster
from tests.campaign_use_cases.conftest import Clock
from tests.learning_use_cases.answers import right_answer

ISSUER = "https://moodle.example"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
PEOPLE = {"prof": ("Marie", "Curie"), "ana": ("Ana", "Aubert"), "bob": ("Bob", "Bernard"),
          "cleo": ("Cléo", "Colin"), "dan": ("Dan", "Durand"), "other": ("Paul", "Autre")}
STAGES = (Stage("Début", threshold=0), Stage("À mi-chemin", threshold=50), Stage("Maîtrise", threshold=100))


def seed_class(sessions: sessionmaker[Session]) -> dict[str, int]:
    """A course with a teacher and four students (dan never opens the tool), and another teacher's course."""
    ids: dict[str, int] = {}
    with sessions.begin() as session:
        course = Course(issuer=ISSUER, deployment_id="d", context_id="snt2", label="SNT", title="SNT 2de A")
        other = Course(issuer=ISSUER, deployment_id="d", context_id="math", label="M", title="Maths")
        session.add_all([course, other])
        session.flush()
        ids["course"], ids["other_course"] = course.id, other.id
        for key, (given, family) in PEOPLE.items():
            if key == "dan":
                continue
            account = Account(issuer=ISSUER, sub=key, given_name=given, family_name=family)
            session.add(account)
            session.flush()
            ids[key] = account.id
            role = "teacher" if key in ("prof", "other") else "student"
            session.add(Membership(account_id=account.id, course_id=other.id if key == "other" else course.id,
                                   role=role))
    with sessions() as session:
        replace_roster(session, ids["course"], [
            Member(key, (INSTRUCTOR if key == "prof" else LEARNER,), "Active", None, *PEOPLE[key])
            for key in ("prof", "ana", "bob", "cleo", "dan")
        ])
    return ids


def take_test(learning: LearningService, service: CampaignService, account_id: int, participation_id: str, *,
              right: bool, limit: int | None = None) -> None:
    step = service.start(account_id, participation_id)
    answered = 0
    while limit is None or answered < limit:
        view = learning.current(account_id, step.assessment.id)
        if view.challenge is None:
            return
        value = right_answer(view.challenge) if right else None
        learning.answer(account_id, step.assessment.id, view.challenge.id, value, skipped=not right)
        answered += 1


def parse(data: bytes) -> list[list[str]]:
    assert data[:3] == b"\xef\xbb\xbf"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_assessment_campaign_from_creation_to_export(sessions, service: CampaignService, learning: LearningService,
                                                     clock: Clock) -> None:
    ids = seed_class(sessions)
    draft = CampaignDraft("Recherche et netiquette", CampaignType.ASSESSMENT, ("rechercheUrl", "netiquetteEchange"),
                          multiple_sendings=True, stages=STAGES, badge_rate=50)
    with pytest.raises(CampaignError) as refused:  # another course's teacher
        service.create(ids["other"], f"course:{ids['course']}", draft)
    assert refused.value.code == CampaignAccess.FORBIDDEN
    with pytest.raises(CampaignError):  # a student
        service.create(ids["ana"], f"course:{ids['course']}", draft)
    campaign = service.create(ids["prof"], f"course:{ids['course']}", draft)
    assert len(campaign.code) == 9 and campaign.course_id == ids["course"]

    typed = campaign.code.lower()[:3] + " " + campaign.code[3:]
    ana = service.join(ids["ana"], typed)
    assert service.join(ids["ana"], campaign.code) == ana  # joining again: the same participation
    take_test(learning, service, ids["ana"], ana, right=True)
    view = service.view(ids["ana"], ana)
    assert view.participation.status is ParticipationStatus.COMPLETED and view.progress.percent == 100  # type: ignore[union-attr]
    assert view.result is not None and view.result.mastery_percent == 100 and len(view.result.badges) == 2
    clock.advance(minutes=30)
    service.share(ids["ana"], ana)
    with pytest.raises(CampaignError) as twice:
        service.share(ids["ana"], ana)
    assert twice.value.code == CampaignRefusal.ALREADY_SHARED

    bob = service.join(ids["bob"], campaign.code)
    with pytest.raises(CampaignError) as early:
        service.share(ids["bob"], bob)
    assert early.value.code == CampaignRefusal.NOT_COMPLETED
    take_test(learning, service, ids["bob"], bob, right=False)
    service.share(ids["bob"], bob)

    cleo = service.join(ids["cleo"], campaign.code)
    take_test(learning, service, ids["cleo"], cleo, right=True, limit=1)

    with pytest.raises(CampaignError) as other:  # a student never reaches another's participation
        service.view(ids["bob"], ana)
    assert other.value.code == CampaignAccess.UNKNOWN_PARTICIPATION
    with pytest.raises(CampaignError) as hidden:
        service.dashboard(ids["other"], campaign.id)
    assert hidden.value.code == CampaignAccess.FORBIDDEN

    board = service.dashboard(ids["prof"], campaign.id)
    assert [p.family_name for p in board.participants] == ["Aubert", "Bernard", "Colin"]
    statuses = [p.status for p in board.participants]
    assert statuses == [ParticipationStatus.SHARED, ParticipationStatus.SHARED, ParticipationStatus.STARTED]
    assert board.not_started == ("Dan Durand",) and board.roster_known
    cleo_row = board.participants[2]
    assert cleo_row.results is None and 0 < cleo_row.progress < 100  # type: ignore[operator]
    assert board.average_mastery == 50

    rows = parse(service.export(ids["prof"], campaign.id)[1])
    assert rows[0] == [
        "Nom", "Prénom", "Classe / groupe", "Date de début", "Statut", "Date d'envoi", "Tentative",
        "% de maîtrise des acquis", "Acquis maîtrisés", "Acquis du profil cible", "Palier atteint",
        "Nombre de paliers", "Intitulé du palier",
        "Badge « 1.1 Mener une recherche et une veille d'information » obtenu", "Badge « 2.1 Interagir » obtenu",
        "% de maîtrise 1.1 Mener une recherche et une veille d'information", "% de maîtrise 2.1 Interagir",
        "% de maîtrise domaine 1 Information et données", "% de maîtrise domaine 2 Communication et collaboration",
    ]
    assert rows[1] == ["Aubert", "Ana", "", "02/03/2026 10:00", "Envoyé", "02/03/2026 10:30", "1",
                       "100", "6", "6", "3", "3", "Maîtrise", "Oui", "Oui", "100", "100", "100", "100"]
    assert rows[2] == ["Bernard", "Bob", "", "02/03/2026 10:30", "Envoyé", "02/03/2026 10:30", "1",
                       "0", "0", "6", "1", "3", "Début", "Non", "Non", "0", "0", "0", "0"]
    assert rows[3] == ["Colin", "Cléo", "", "02/03/2026 10:30", "En cours", "", "1"] + [""] * 12
    assert len(rows) == 4

    # shared results are frozen: later work on the profile does not change them
    clock.advance(days=8)
    learning.reset(ids["ana"], "1.1")
    assert service.dashboard(ids["prof"], campaign.id).participants[0].results.mastery_percent == 100  # type: ignore[union-attr]

    # a new sending, 4 days after the last one (the campaign allows it)
    again = service.retry(ids["bob"], bob)
    assert again != bob
    retried = [p for p in service.dashboard(ids["prof"], campaign.id).participants if p.family_name == "Bernard"]
    assert [(p.attempt, p.status) for p in retried] == [(2, ParticipationStatus.STARTED)]


def test_profiles_collection_collects_the_profile_and_certifiability(sessions, service: CampaignService,
                                                                      learning: LearningService) -> None:
    ids = seed_class(sessions)
    campaign = service.create(ids["prof"], f"course:{ids['course']}",
                              CampaignDraft("Mon profil", CampaignType.PROFILES_COLLECTION))
    assert campaign.target_profile_id is None
    step = learning.start(ids["ana"], "1.1")
    while (view := learning.current(ids["ana"], step.assessment.id)).challenge is not None:
        learning.answer(ids["ana"], step.assessment.id, view.challenge.id, right_answer(view.challenge))
    profile = learning.profile(ids["ana"])
    ana = service.join(ids["ana"], campaign.code)
    with pytest.raises(CampaignError) as no_test:
        service.start(ids["ana"], ana)
    assert no_test.value.code == CampaignRefusal.NOT_A_TEST
    service.share(ids["ana"], ana)
    rows = parse(service.export(ids["prof"], campaign.id)[1])
    cells = dict(zip(rows[0], rows[1], strict=True))
    card = profile.scorecard("1.1")
    assert cells["Statut"] == "Envoyé" and cells["Nombre de pix total"] == str(profile.total_pix) != "0"
    assert cells["Certifiable"] == "Non" and cells["Nombre de compétences certifiables"] == "1"
    assert cells["Niveau 1.1 Mener une recherche et une veille d'information"] == str(card.level)
    assert cells["Pix 1.1 Mener une recherche et une veille d'information"] == str(card.pix)
    assert cells["Niveau 2.1 Interagir"] == "0"
    board = service.dashboard(ids["prof"], campaign.id)
    shared = board.participants[0].results
    assert shared is not None and shared.missing_competences == 4 and not shared.certifiable


def test_default_stages_stop_at_the_hardest_target_skill() -> None:
    from campaigns.use_cases import build_target_profile
    from content_bank.loader import default_referential

    easy = build_target_profile(default_referential(), CampaignDraft("x", CampaignType.ASSESSMENT, ("rechercheUrl",)))
    assert [s.level for s in easy.stages] == [0, 2]
    full = build_target_profile(default_referential(), CampaignDraft("x", CampaignType.ASSESSMENT,
                                                                     ("rechercheRequete",), badge_rate=80))
    assert [s.level for s in full.stages] == [0, 2, 4, 6]
    assert [(b.key, b.criteria[0].min_rate, len(b.criteria[0].skills)) for b in full.badges] == [
        ("competence-1.1", 80, 6)]


def test_a_campaign_name_loses_its_bidi_overrides_and_control_characters(sessions, service: CampaignService) -> None:
    ids = seed_class(sessions)
    campaign = service.create(ids["prof"], f"course:{ids['course']}",
                              CampaignDraft("Parcours \u202eSNT\x00 2de\u200b", CampaignType.PROFILES_COLLECTION))
    assert campaign.name == "Parcours SNT 2de"
