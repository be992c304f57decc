"""Strict content bank validation: every problem reported with file, id and reason; all or nothing."""

from __future__ import annotations

import json

import pytest
import yaml
from bank_factory import COMPETENCE_CODES, documents, make_referential, qcu, skill, tube, tutorial

from content_bank.loader import load_bank
from engine.content_schema import ContentBankError, build_referential, provisional_irt_difficulty
from engine.referential import ChallengeStatus, ChallengeType, Tolerance

FILE = "competences/1.1.yaml"


def problems_of(competences=None, *, mutate=None, media=()):
    framework, files = documents(competences)
    if mutate:
        mutate(framework[1], files)
    with pytest.raises(ContentBankError) as info:
        build_referential(framework, files, set(media))
    return [(p.file, p.id, p.reason) for p in info.value.problems]


def has(problems, file, ident, reason_part):
    return any(f == file and i == ident and reason_part in r for f, i, r in problems)


def one_challenge(challenge, level=1):
    return {"1.1": [tube("url", skills=[skill(level, [challenge])])]}


# -- a valid bank --------------------------------------------------------------------------------------

def test_a_valid_bank_builds_every_type():
    ref = make_referential({"1.1": [tube("url", skills=[skill(1, [
        qcu("c-qcu"),
        {"id": "c-qcm", "type": "QCM", "instruction": "?", "proposals": ["a", "b", "c"], "solution": [1, 3]},
        {"id": "c-qroc", "type": "QROC", "instruction": "?", "solution": ["Paris"], "tolerances": ["t1", "t3"]},
        {"id": "c-num", "type": "QROC", "format": "number", "instruction": "?", "solution": ["3,5", 4]},
        {"id": "c-ind", "type": "QROCM-ind", "instruction": "?",
         "inputs": [{"name": "a", "label": "A"}, {"name": "b", "label": "B"}],
         "solution": {"a": ["x"], "b": ["y", "z"]}},
        {"id": "c-dep", "type": "QROCM-dep", "instruction": "?",
         "inputs": [{"name": "r1", "label": "1"}, {"name": "r2", "label": "2"}],
         "solution": [["x"], ["y"], ["z"]], "status": "archived", "timer": 60},
    ])])]})
    ch = ref.challenges
    assert ch["c-qcu"].type is ChallengeType.QCU and ch["c-qcu"].solution == 1
    assert ch["c-qcm"].solution == frozenset({1, 3})
    assert ch["c-qroc"].solution == ("Paris",) and ch["c-qroc"].tolerances == {Tolerance.T1, Tolerance.T3}
    assert ch["c-qroc"].inputs[0].name == "reponse"
    assert ch["c-num"].numeric and ch["c-num"].solution == ("3,5", "4")
    assert ch["c-ind"].solution == {"a": ("x",), "b": ("y", "z")}
    assert ch["c-dep"].solution == (("x",), ("y",), ("z",)) and ch["c-dep"].status is ChallengeStatus.ARCHIVED
    assert ch["c-dep"].timer == 60 and ch["c-dep"].is_operative
    assert len(ref.competences) == 16 and len(ref.domains) == 5
    assert ref.skills["@url1"].tutorial.title == "Astuce"


def test_irt_parameters_default_to_the_provisional_formula_and_can_be_overridden():
    ref = make_referential({"1.1": [tube("url", skills=[
        skill(1, [qcu("c-1")]), skill(5, [qcu("c-5")]), skill(6, [qcu("c-6", irt={"difficulty": 2,
                                                                                   "discriminant": 0.8})]),
    ])]})
    assert ref.challenges["c-1"].difficulty == pytest.approx((1 - 3.5) * 1.1)  # −2.75
    assert ref.challenges["c-5"].difficulty == pytest.approx(1.65)
    assert ref.challenges["c-5"].discriminant == 1.5
    assert (ref.challenges["c-6"].difficulty, ref.challenges["c-6"].discriminant) == (2.0, 0.8)
    assert provisional_irt_difficulty(4) == pytest.approx(0.55)


def test_skills_are_named_after_tube_and_level_and_ordered_in_the_tube():
    ref = make_referential({"1.1": [tube("moteurRecherche", [3, 1, 2])]})
    assert ref.tubes["moteurRecherche"].skill_names == ("@moteurRecherche1", "@moteurRecherche2",
                                                        "@moteurRecherche3")


# -- each kind of problem ------------------------------------------------------------------------------

def test_duplicate_challenge_id_across_files():
    probs = problems_of({"1.1": [tube("url", skills=[skill(1, [qcu("same-id")])])],
                         "1.2": [tube("web", skills=[skill(1, [qcu("same-id")])])]})
    assert has(probs, "competences/1.2.yaml", "same-id", "duplicate challenge id")


def test_qcu_solution_not_among_proposals():
    assert has(problems_of(one_challenge(qcu("c-bad", solution=4))), FILE, "c-bad", "not among the proposals")
    assert has(problems_of(one_challenge(qcu("c-zero", solution=0))), FILE, "c-zero", "not among the proposals")


def test_qcm_solution_not_among_proposals():
    bad = {"id": "c-qcm", "type": "QCM", "instruction": "?", "proposals": ["a", "b"], "solution": [1, 3]}
    assert has(problems_of(one_challenge(bad)), FILE, "c-qcm", "not among the proposals")


@pytest.mark.parametrize("level", [0, 9, -1, "2"])
def test_level_outside_1_to_8(level):
    assert has(problems_of(one_challenge(qcu("c-1"), level=level)), FILE, f"@url{level}", "outside 1..8")


def test_levels_7_and_8_are_allowed():
    ref = make_referential({"1.1": [tube("url", [1, 7, 8])]})
    assert ref.skills["@url8"].level == 8


def test_empty_tube():
    probs = problems_of({"1.1": [tube("url", [1]), {"name": "vide", "title": "Vide", "skills": []}]})
    assert has(probs, FILE, "vide", "empty tube")
    probs = problems_of({"1.1": [tube("url", [1]), tube("retraite", skills=[skill(1, status="retired",
                                                                                   tube="retraite")])]})
    assert has(probs, FILE, "retraite", "empty tube")


def test_missing_tutorial():
    raw = skill(2, tube="url")
    del raw["tutorial"]
    assert has(problems_of({"1.1": [tube("url", skills=[raw])]}), FILE, "@url2", "missing tutorial")


def test_retired_skill_needs_no_tutorial():
    raw = skill(2, tube="url", status="retired")
    del raw["tutorial"]
    ref = make_referential({"1.1": [tube("url", skills=[skill(1, tube="url"), raw])]})
    assert not ref.skills["@url2"].is_active


def test_incomplete_tutorial():
    probs = problems_of({"1.1": [tube("url", skills=[skill(1, tutorial={"title": "T"})])]})
    assert has(probs, FILE, "@url1", "tutorial needs a title and a text")


@pytest.mark.parametrize(("where", "expected_id"), [("challenge", "c-1"), ("skill", "@url1"), ("tube", "url"),
                                                    ("tutorial", "@url1")])
def test_unknown_field(where, expected_id):
    challenge = qcu("c-1")
    raw_skill = skill(1, [challenge])
    raw_tube = tube("url", skills=[raw_skill])
    target = {"challenge": challenge, "skill": raw_skill, "tube": raw_tube, "tutorial": raw_skill["tutorial"]}
    target[where]["solutoin"] = 1
    assert has(problems_of({"1.1": [raw_tube]}), FILE, expected_id, "unknown field 'solutoin'")


def test_unknown_top_level_field():
    def mutate(_, files):
        files[FILE]["auteur"] = "moi"
    assert has(problems_of(mutate=mutate), FILE, "-", "unknown field 'auteur'")


def test_unknown_type():
    bad = {"id": "c-x", "type": "QCX", "instruction": "?", "solution": 1}
    assert has(problems_of(one_challenge(bad)), FILE, "c-x", "unknown challenge type")


def test_unknown_tolerance():
    bad = {"id": "c-t", "type": "QROC", "instruction": "?", "solution": ["a"], "tolerances": ["t4"]}
    assert has(problems_of(one_challenge(bad)), FILE, "c-t", "unknown tolerance")


def test_proposals_are_shuffled_unless_the_challenge_says_shuffle_false():
    ref = make_referential({"1.1": [tube("url", skills=[skill(1, [
        qcu("c-free"), qcu("c-ordered", shuffle=False), qcu("c-explicit", shuffle=True),
        {"id": "c-qcm", "type": "QCM", "instruction": "?", "proposals": ["a", "b"], "solution": [1],
         "shuffle": False},
    ])])]})
    ch = ref.challenges
    assert ch["c-free"].shuffle and ch["c-explicit"].shuffle
    assert not ch["c-ordered"].shuffle and not ch["c-qcm"].shuffle


@pytest.mark.parametrize("value", ["maybe", "false", 0, 1, None, [False]])
def test_shuffle_must_be_true_or_false(value):
    problems = problems_of(one_challenge(qcu("c-s", shuffle=value)))
    assert has(problems, FILE, "c-s", "shuffle must be true or false")


def test_shuffle_only_on_challenges_with_proposals():
    bad = {"id": "c-q", "type": "QROC", "instruction": "?", "solution": ["a"], "shuffle": False}
    assert has(problems_of(one_challenge(bad)), FILE, "c-q", "QROC takes no shuffle")


def test_missing_competence_file():
    def mutate(_, files):
        del files["competences/3.4.yaml"]
    assert has(problems_of(mutate=mutate), "competences/", "3.4", "competence has no file")


def test_competence_not_in_the_framework():
    def mutate(_, files):
        files["competences/6.1.yaml"] = {"competence": "6.1", "tubes": [tube("extra", [1])]}
    assert has(problems_of(mutate=mutate), "competences/6.1.yaml", "6.1", "unknown competence")


def test_file_name_must_match_the_competence_code():
    def mutate(_, files):
        files["competences/mauvais.yaml"] = files.pop(FILE)
    assert has(problems_of(mutate=mutate), "competences/mauvais.yaml", "1.1", "file name must be 1.1.yaml")


def test_framework_must_have_16_competences():
    def mutate(framework, files):
        framework["domains"][4]["competences"].pop()
        del files["competences/5.2.yaml"]
    assert has(problems_of(mutate=mutate), "framework.yaml", "-", "16 competences")


def test_missing_media():
    challenge = qcu("c-img", illustration={"file": "media/absent.png", "alt": "une image"},
                    attachments=["media/absent.pdf"])
    probs = problems_of(one_challenge(challenge), media={"media/autre.png"})
    assert has(probs, FILE, "c-img", "illustration file 'media/absent.png' is not in the bank")
    assert has(probs, FILE, "c-img", "attachment 'media/absent.pdf' is not in the bank")


def test_present_media_is_accepted():
    challenge = qcu("c-img", illustration={"file": "media/a.png", "alt": "une image"}, attachments=["media/b.csv"])
    ref = make_referential(one_challenge(challenge), media={"media/a.png", "media/b.csv"})
    assert ref.challenges["c-img"].illustration.file == "media/a.png"


def test_bad_numeric_answer():
    bad = {"id": "c-n", "type": "QROC", "format": "number", "instruction": "?", "solution": ["3,5", "trois"]}
    assert has(problems_of(one_challenge(bad)), FILE, "c-n", "'trois' is not a number")


def test_qrocm_ind_solution_keys_must_be_the_input_names():
    bad = {"id": "c-i", "type": "QROCM-ind", "instruction": "?",
           "inputs": [{"name": "a", "label": "A"}, {"name": "b", "label": "B"}], "solution": {"a": ["x"]}}
    assert has(problems_of(one_challenge(bad)), FILE, "c-i", "differ from input names")


def test_qrocm_dep_needs_as_many_groups_as_inputs():
    bad = {"id": "c-d", "type": "QROCM-dep", "instruction": "?",
           "inputs": [{"name": "a", "label": "A"}, {"name": "b", "label": "B"}, {"name": "c", "label": "C"}],
           "solution": [["x"], ["y"]]}
    assert has(problems_of(one_challenge(bad)), FILE, "c-d", "3 inputs but only 2 groups")


@pytest.mark.parametrize("timer", [0, -5, "30", True])
def test_timer_must_be_a_positive_number_of_seconds(timer):
    assert has(problems_of(one_challenge(qcu("c-t", timer=timer))), FILE, "c-t", "timer must be a positive")


def test_duplicate_tube_name_in_the_bank():
    probs = problems_of({"1.1": [tube("url", [1])], "1.2": [tube("url", skills=[skill(1, [qcu("other")])])]})
    assert has(probs, "competences/1.2.yaml", "url", "duplicate tube name")


def test_duplicate_skill_level_in_a_tube():
    probs = problems_of({"1.1": [tube("url", skills=[skill(1, tube="url"), skill(1, [qcu("url-b")])])]})
    assert has(probs, FILE, "@url1", "duplicate skill")


def test_active_skill_without_an_operative_challenge():
    probs = problems_of(one_challenge(qcu("c-old", status="obsolete")))
    assert has(probs, FILE, "@url1", "no operative challenge")


def test_bad_challenge_id():
    assert has(problems_of(one_challenge(qcu("Bad_Id"))), FILE, "@url1", "must match [a-z0-9-]+")


def test_proposals_must_be_2_to_8_distinct_texts():
    assert has(problems_of(one_challenge(qcu("c-p", proposals=["seule"]))), FILE, "c-p", "2 to 8")
    assert has(problems_of(one_challenge(qcu("c-q", proposals=["a", "a"]))), FILE, "c-q", "identical")


def test_tutorial_link_must_be_http():
    raw = skill(1, tube="url", tutorial={**tutorial(), "links": [{"title": "x", "url": "ftp://x"}]})
    assert has(problems_of({"1.1": [tube("url", skills=[raw])]}), FILE, "@url1", "not an http(s) URL")


def test_several_problems_are_reported_at_once():
    probs = problems_of({
        "1.1": [tube("url", skills=[skill(1, [qcu("c-a", solution=9), {"id": "c-b", "type": "QCX"}]),
                                    skill(12, [qcu("c-c")])])],
        "2.1": [tube("web", skills=[skill(1, [qcu("c-a")])])],
    }, mutate=lambda _, files: files.pop("competences/5.1.yaml"))
    assert has(probs, FILE, "c-a", "not among the proposals")
    assert has(probs, FILE, "c-b", "unknown challenge type")
    assert has(probs, FILE, "@url12", "outside 1..8")
    assert has(probs, "competences/", "5.1", "has no file")
    assert len(probs) >= 4


def test_error_message_lists_file_id_and_reason():
    framework, files = documents(one_challenge(qcu("c-bad", solution=4)))
    with pytest.raises(ContentBankError) as info:
        build_referential(framework, files)
    assert f"{FILE}: c-bad: solution 4 is not among the proposals" in str(info.value)


# -- load_bank on a folder: all or nothing --------------------------------------------------------------

def write_bank(root, competences=None, *, media=()):
    framework, files = documents(competences)
    (root / "competences").mkdir(parents=True)
    (root / "framework.yaml").write_text(yaml.safe_dump(framework[1], allow_unicode=True), encoding="utf-8")
    for name, doc in files.items():
        (root / name).write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    for m in media:
        path = root / m
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")


def test_load_bank_reads_a_valid_folder(tmp_path):
    challenge = qcu("c-img", illustration={"file": "media/img/a.png", "alt": "image"})
    write_bank(tmp_path, one_challenge(challenge), media=["media/img/a.png"])
    ref = load_bank(tmp_path)
    assert ref.challenges["c-img"].illustration.file == "media/img/a.png"
    assert len(ref.competences) == len(COMPETENCE_CODES)


def test_load_bank_accepts_json_competence_files(tmp_path):
    write_bank(tmp_path)
    path = tmp_path / "competences" / "1.1.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    path.unlink()
    (tmp_path / "competences" / "1.1.json").write_text(json.dumps(doc), encoding="utf-8")
    assert "1.1" in load_bank(tmp_path).competences


def test_a_broken_bank_never_half_loads(tmp_path):
    write_bank(tmp_path, one_challenge(qcu("c-bad", solution=7)))
    with pytest.raises(ContentBankError) as info:
        load_bank(tmp_path)
    assert any(p.file == FILE and p.id == "c-bad" for p in info.value.problems)


def test_load_bank_reports_a_yaml_syntax_error_with_the_other_problems(tmp_path):
    write_bank(tmp_path)
    (tmp_path / "competences" / "2.2.yaml").write_text("competence: [2.2\n", encoding="utf-8")
    with pytest.raises(ContentBankError) as info:
        load_bank(tmp_path)
    found = [(p.file, p.id, p.reason) for p in info.value.problems]
    assert has(found, "competences/2.2.yaml", "-", "cannot be parsed")
    assert has(found, "competences/", "2.2", "has no file")


def test_load_bank_refuses_duplicate_yaml_keys(tmp_path):
    write_bank(tmp_path)
    path = tmp_path / "competences" / "1.1.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "competence: '1.1'\n", encoding="utf-8")
    with pytest.raises(ContentBankError, match="duplicate key"):
        load_bank(tmp_path)


def test_load_bank_on_a_missing_folder_or_framework(tmp_path):
    with pytest.raises(ContentBankError):
        load_bank(tmp_path / "absent")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ContentBankError, match="missing framework"):
        load_bank(tmp_path / "empty")
