"""Property tests (hypothesis) of the engine's invariants."""

from __future__ import annotations

from bank_factory import T0, days, make_referential, tube
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from engine.answers import AnswerStatus, apply_tolerances, is_correct
from engine.competence_test import LearnerRecord, answer_challenge, scorecard, start_competence_test
from engine.config import EngineConfig
from engine.knowledge import KnowledgeElement, KnowledgeSource, KnowledgeStatus, current_knowledge
from engine.referential import Tolerance
from engine.scoring import build_scorecard, competence_pix, level_for_pix

REF = make_referential({"1.1": [tube("url", [1, 2, 3, 4, 5, 6]), tube("web", [1, 2, 3, 5]),
                                tube("mail", [2, 3, 4]), tube("cloud", [1, 4, 6])]})
SKILLS_11 = [s.name for s in REF.active_skills_by_competence["1.1"]]

tolerance_sets = st.sets(st.sampled_from(list(Tolerance)))
texts = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)
french = st.text(alphabet=st.sampled_from(list("aàâbcçdeéèêëfghiîïjklmnoôpqrstuùûvwxyzAÉÈ -'’.,!?;:\u00a0\u202f"
                                               "e\u0301\u0300")), max_size=30)


# -- normalisation ----------------------------------------------------------------------------------

@given(texts | french, tolerance_sets)
def test_apply_tolerances_is_idempotent(text, tolerances):
    once = apply_tolerances(text, tolerances)
    assert apply_tolerances(once, tolerances) == once


@given(french, tolerance_sets)
def test_an_accepted_answer_always_matches_itself(text, tolerances):
    from engine.referential import Challenge, ChallengeInput, ChallengeType
    assume(apply_tolerances(text, tolerances))
    challenge = Challenge(id="c", skill_name="@url1", type=ChallengeType.QROC, instruction="?", solution=(text,),
                          inputs=(ChallengeInput("reponse", "R"),), tolerances=frozenset(tolerances))
    assert is_correct(challenge, text)
    assert is_correct(challenge, f" {text} ".replace(" ", "\u00a0"))


@given(st.decimals(min_value=-10**6, max_value=10**6, places=3, allow_nan=False, allow_infinity=False))
def test_a_number_matches_its_decimal_comma_and_trailing_zero_forms(value):
    from engine.referential import Challenge, ChallengeInput, ChallengeType
    challenge = Challenge(id="n", skill_name="@url1", type=ChallengeType.QROC, instruction="?",
                          solution=(str(value),), inputs=(ChallengeInput("reponse", "R"),), numeric=True)
    text = f"{value:f}"
    assert is_correct(challenge, text.replace(".", ","))
    assert is_correct(challenge, text + ("0" if "." in text else ".0"))


# -- scores -------------------------------------------------------------------------------------------

validated_sets = st.sets(st.sampled_from(SKILLS_11))


def state_of(validated, invalidated=()):
    elements = [KnowledgeElement(n, "1.1", KnowledgeStatus.VALIDATED, KnowledgeSource.DIRECT, REF.pix_value(n), T0)
                for n in validated]
    elements += [KnowledgeElement(n, "1.1", KnowledgeStatus.INVALIDATED, KnowledgeSource.DIRECT, 0.0, T0)
                 for n in invalidated]
    return current_knowledge(elements)


def card_of(validated, config=None):
    return build_scorecard(REF, "1.1", state_of(validated), test_in_progress=False, test_completed=True,
                           last_activity=None, now=T0 + days(1), config=config or EngineConfig())


@given(validated_sets, st.sampled_from(SKILLS_11), st.integers(min_value=1, max_value=8))
def test_level_never_decreases_when_a_skill_is_validated(validated, extra, max_level):
    config = EngineConfig(max_reachable_level=max_level)
    before = card_of(validated, config)
    after = card_of(validated | {extra}, config)
    assert after.level >= before.level
    assert after.pix >= before.pix


@given(validated_sets, st.sampled_from(SKILLS_11))
def test_validating_instead_of_invalidating_never_lowers_the_level(validated, skill):
    base = validated - {skill}
    worse = build_scorecard(REF, "1.1", state_of(base, [skill]), test_in_progress=False, test_completed=True,
                            last_activity=None, now=T0)
    better = card_of(base | {skill})
    assert better.level >= worse.level


@given(st.lists(st.floats(min_value=0, max_value=8, allow_nan=False), max_size=40),
       st.integers(min_value=1, max_value=8))
def test_pix_and_level_stay_within_bounds(values, max_level):
    config = EngineConfig(max_reachable_level=max_level)
    pix = competence_pix(values, config)
    assert 0 <= pix <= 8 * max_level
    assert 0 <= level_for_pix(pix, config) <= max_level
    assert pix <= sum(values) + 1e-6


@given(validated_sets)
def test_scorecard_pix_within_zero_and_cap(validated):
    card = card_of(validated)
    assert 0 <= card.pix <= 48
    assert card.pix_ahead_of_level == card.pix % 8
    assert card.level == min(card.pix // 8, 6)


# -- inference consistency through whole competence tests -------------------------------------------------

@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from([AnswerStatus.OK, AnswerStatus.KO, AnswerStatus.SKIPPED]), max_size=25),
       st.text(alphabet="abcdef0123", min_size=1, max_size=6),
       st.sampled_from(["smart-random", "flash"]))
def test_inference_consistency_in_every_tube(outcomes, seed, strategy):
    """After any sequence of answers from nothing: in each tube every validated skill is easier than every
    invalidated skill."""
    record = LearnerRecord((), ())
    step = start_competence_test(REF, record, "1.1", now=T0, assessment_id="a", seed=seed, strategy=strategy)
    record = LearnerRecord((), (step.assessment,))
    levels_seen = [0]
    for outcome in outcomes:
        if step.challenge is None:
            break
        value = None if outcome is AnswerStatus.SKIPPED else (1 if outcome is AnswerStatus.OK else 2)
        step = answer_challenge(REF, record, step.assessment, step.challenge.id, value, now=T0,
                                skipped=outcome is AnswerStatus.SKIPPED)
        assert step.status is outcome
        record = LearnerRecord((*record.knowledge_elements, *step.new_knowledge_elements), (step.assessment,))
        levels_seen.append(scorecard(REF, record, "1.1", T0).level)
    assert levels_seen == sorted(levels_seen)  # within a test, answers never lower the level
    state = current_knowledge(record.knowledge_elements)
    for tube_name in REF.tubes:
        levels = {REF.skills[n].level: state[n].status for n in REF.tubes[tube_name].skill_names if n in state}
        validated = [lvl for lvl, s in levels.items() if s is KnowledgeStatus.VALIDATED]
        invalidated = [lvl for lvl, s in levels.items() if s is KnowledgeStatus.INVALIDATED]
        if validated and invalidated:
            assert max(validated) < min(invalidated), (tube_name, levels)
    # knowledge is append-only and one direct element per answer
    direct = [ke for ke in record.knowledge_elements if ke.is_direct]
    assert len(direct) == len(step.assessment.answers)
    card = scorecard(REF, record, "1.1", T0)
    assert 0 <= card.pix <= 48


@given(texts | french)
def test_t1_output_has_no_white_space_no_upper_case_and_no_accent(text):
    import unicodedata
    out = apply_tolerances(text, {Tolerance.T1})
    assert not any(ch.isspace() for ch in out)
    assert out == out.lower()
    assert not any(unicodedata.combining(ch) for ch in unicodedata.normalize("NFD", out))


@given(texts | french)
def test_t2_output_has_only_letters_digits_and_inner_spaces(text):
    out = apply_tolerances(text, {Tolerance.T2})
    assert all(ch.isalnum() or ch == " " for ch in out)
    assert out == out.strip()
