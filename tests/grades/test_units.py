"""Pure pieces of the grades area: targets and scales, scores and comments, backoff, Retry-After, URLs."""

from __future__ import annotations

import random

from lti_tool.grades.ags_client import scores_url, with_query
from lti_tool.grades.content_items import Choice, content_item, response_claims
from lti_tool.grades.errors import parse_retry_after
from lti_tool.grades.scores import Scale, TargetKind, campaign_score, is_better, score_for, target_of
from lti_tool.grades.settings import GradesSettings
from lti_tool.grades.worker import backoff_seconds
from tests.grades.conftest import scorecards


def test_targets_and_scales_come_from_the_custom_parameters() -> None:
    assert target_of({"competence": "1.1"}) == target_of({"competence": " 1.1 ", "scale": "LEVEL"})
    assert target_of({"competence": "1.1"}).scale is Scale.LEVEL
    assert target_of({"competence": "2.3", "scale": "pix"}).scale is Scale.PIX
    assert target_of({"competence": "9.9"}) is None
    assert target_of({"profile": "complet", "scale": "level"}).scale is Scale.PERCENT
    assert target_of({"campaign": "ABC123"}).kind is TargetKind.CAMPAIGN
    assert target_of({}) is None


def test_competence_scores_and_french_comments() -> None:
    cards = scorecards({"1.1": 27})
    level = score_for(target_of({"competence": "1.1"}), cards)
    assert (level.given, level.maximum, level.comment) == (3.0, 6.0, "Niveau 3 — 27 pix")
    pix = score_for(target_of({"competence": "1.1", "scale": "pix"}), cards)
    assert (pix.given, pix.maximum) == (27.0, 48.0)
    assert score_for(target_of({"competence": "1.2"}), cards) is None  # not finished
    assert score_for(target_of({"competence": "1.2"}), scorecards({}, started=("1.2",))) is None


def test_profile_score_is_a_percentage_of_every_competence_pix_under_moodle_gradepointmax() -> None:
    score = score_for(target_of({"profile": "complet"}), scorecards({"1.1": 27, "2.1": 16}))
    assert (score.given, score.maximum) == (5.6, 100.0)  # 43 of 768 pix; Moodle caps a maximum at 100
    assert score.comment == "Profil — 43 pix sur 768 (2 compétences évaluées sur 16)"


def test_gradebook_comments_follow_the_launch_language() -> None:
    cards = scorecards({"1.1": 27, "2.1": 16})
    level = score_for(target_of({"competence": "1.1"}), cards, "en")
    assert level.comment == "Level 3 — 27 pix"
    profile = score_for(target_of({"profile": "complet"}), cards, "en")
    assert profile.comment == "Profile — 43 pix out of 768 (2 competences assessed out of 16)"
    assert campaign_score(67, (2, 4), "en").comment == "Mastery 67 % — stage 2 of 4"
    assert campaign_score(67, (2, 4)).comment == "Maîtrise 67 % — palier 2 sur 4"
    assert score_for(target_of({"profile": "complet"}), scorecards({})) is None


def test_only_better_scores_count() -> None:
    cards = scorecards({"1.1": 27})
    score = score_for(target_of({"competence": "1.1"}), cards)
    assert is_better(score, None) and is_better(score, 0.4) and not is_better(score, 0.5)


def test_backoff_doubles_with_jitter_and_is_capped() -> None:
    settings = GradesSettings(backoff_base_seconds=5, backoff_cap_seconds=60)
    rng = random.Random(3)
    for attempts, ceiling in ((1, 5), (2, 10), (3, 20), (4, 40), (5, 60), (9, 60)):
        delay = backoff_seconds(attempts, settings, rng)
        assert ceiling / 2 <= delay <= ceiling


def test_retry_after_in_seconds_or_as_a_date() -> None:
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412420.0) == 60.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_service_urls_keep_their_query_string() -> None:
    assert scores_url("https://m.fr/mod/lti/services.php/2/lineitems/2/lineitem?type_id=1") == (
        "https://m.fr/mod/lti/services.php/2/lineitems/2/lineitem/scores?type_id=1")
    assert with_query("https://m.fr/li?type_id=1", resource_link_id="7") == (
        "https://m.fr/li?type_id=1&resource_link_id=7")


def test_content_item_carries_custom_parameters_and_a_line_item() -> None:
    item = content_item(Choice(TargetKind.COMPETENCE, "4.2", Scale.PIX, "Protéger les données"), "https://t/lti/launch")
    assert item["custom"] == {"competence": "4.2", "scale": "pix"}
    assert item["lineItem"] == {"scoreMaximum": 48, "label": "Pix — 4.2 Protéger les données (pix)",
                                "resourceId": "pix-competence-4.2", "tag": "pix-pix"}
    claims = response_claims(client_id="c", platform_issuer="https://m.fr", deployment_id="1", items=[item],
                             settings={}, now=1000)
    assert "https://purl.imsglobal.org/spec/lti-dl/claim/data" not in claims  # echoed only when sent
    assert (claims["iss"], claims["aud"], claims["exp"]) == ("c", "https://m.fr", 1300)


def test_no_content_item_asks_for_a_maximum_grade_above_moodle_default_gradepointmax() -> None:
    choices = [Choice(TargetKind.COMPETENCE, "1.1", Scale.LEVEL, "x"),
               Choice(TargetKind.COMPETENCE, "1.1", Scale.PIX, "x"),
               Choice(TargetKind.PROFILE, "complet", Scale.PERCENT, "profil complet"),
               Choice(TargetKind.CAMPAIGN, "ABCDEF234", Scale.MASTERY, "Rentrée")]
    maxima = [content_item(c, "https://t/lti/launch")["lineItem"]["scoreMaximum"] for c in choices]
    assert maxima == [6, 48, 100, 100] and max(maxima) <= 100


def test_content_items_and_message_in_english_for_an_english_platform() -> None:
    profile = content_item(Choice(TargetKind.PROFILE, "complet", Scale.PERCENT, "profil complet"), "https://t/l", "en")
    assert profile["title"] == "Pix — whole profile"
    assert "percentage of the profile's 768 pix" in profile["text"]
    campaign = content_item(Choice(TargetKind.CAMPAIGN, "ABCDEF234", Scale.MASTERY, "Rentrée"), "https://t/l", "en")
    assert campaign["lineItem"]["label"] == "Pix — campaign “Rentrée” — Mastery (%)"
    claims = response_claims(client_id="c", platform_issuer="https://m.fr", deployment_id="1",
                             items=[profile, campaign], settings={}, locale="en")
    assert claims["https://purl.imsglobal.org/spec/lti-dl/claim/msg"] == "2 Pix activities added."
