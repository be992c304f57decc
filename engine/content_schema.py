"""Strict validation of a content bank's documents into a `Referential` (all or nothing).

Pure: takes already-parsed documents (dicts from YAML/JSON) and the set of media files present; the
file reading lives in `content_bank.loader`. Every problem is collected with its file, id and reason.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.config import MAX_LEVEL
from engine.referential import (
    Challenge,
    ChallengeInput,
    ChallengeStatus,
    ChallengeType,
    Competence,
    Domain,
    Illustration,
    Referential,
    Skill,
    SkillStatus,
    Tolerance,
    Tube,
    Tutorial,
    TutorialLink,
)

EXPECTED_DOMAINS = 5
EXPECTED_COMPETENCES = 16
IRT_SLOPE = 1.1
IRT_CENTRE = 3.5
IRT_DEFAULT_DISCRIMINANT = 1.5

TUBE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")
CHALLENGE_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
INPUT_NAME = re.compile(r"^[a-z0-9_]+$")
COMPETENCE_CODE = re.compile(r"^[1-9]\.[1-9]$")

TOP_FIELDS = {"competence", "tubes"}
TUBE_FIELDS = {"name", "title", "skills"}
SKILL_FIELDS = {"level", "status", "tutorial", "challenges"}
TUTORIAL_FIELDS = {"title", "text", "links"}
CHALLENGE_FIELDS = {
    "id", "type", "instruction", "proposals", "inputs", "format", "solution", "tolerances", "timer",
    "illustration", "attachments", "locales", "status", "focused", "irt", "typography_check", "shuffle",
}


def provisional_irt_difficulty(level: int) -> float:
    """Provisional IRT difficulty of a challenge derived from its skill level (see FORMAT.md)."""
    return round((level - IRT_CENTRE) * IRT_SLOPE, 3)


@dataclass(frozen=True, slots=True)
class ContentProblem:
    file: str
    id: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.id}: {self.reason}"


class ContentBankError(Exception):
    def __init__(self, problems: list[ContentProblem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the content bank:\n" + "\n".join(map(str, problems)))


@dataclass
class _Collector:
    problems: list[ContentProblem] = field(default_factory=list)

    def add(self, file: str, ident: str, reason: str) -> None:
        self.problems.append(ContentProblem(file, ident, reason))


def _is_str(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _answers(value: Any) -> tuple[str, ...] | None:
    """A list of accepted answers (strings or numbers) → tuple of strings; None if malformed."""
    if not isinstance(value, list) or not value:
        return None
    out: list[str] = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, str | int | float):
            return None
        text = str(item)
        if not text.strip():
            return None
        out.append(text)
    return tuple(out)


def _unknown_fields(doc: Mapping[str, Any], allowed: set[str], file: str, ident: str, c: _Collector) -> None:
    for key in sorted(set(doc) - allowed):
        c.add(file, ident, f"unknown field '{key}'")


def _parse_framework(doc: Any, file: str, c: _Collector) -> tuple[Domain, ...]:
    if not isinstance(doc, dict) or not isinstance(doc.get("domains"), list):
        c.add(file, "-", "expected a mapping with a 'domains' list")
        return ()
    domains: list[Domain] = []
    seen: set[str] = set()
    for d in doc["domains"]:
        if not isinstance(d, dict) or not _is_str(d.get("code")) or not _is_str(d.get("name")):
            c.add(file, str(d.get("code", "?") if isinstance(d, dict) else "?"), "domain needs a code and a name")
            continue
        competences: list[Competence] = []
        for comp in d.get("competences") or []:
            code = str(comp.get("code", "")) if isinstance(comp, dict) else ""
            if not COMPETENCE_CODE.match(code) or not _is_str(comp.get("name")):
                c.add(file, code or "?", "competence needs a code like '1.1' and a name")
                continue
            if code in seen:
                c.add(file, code, "duplicate competence code")
                continue
            if code.split(".")[0] != d["code"]:
                c.add(file, code, f"competence code does not belong to domain {d['code']}")
            seen.add(code)
            competences.append(Competence(code=code, name=comp["name"], domain_code=d["code"]))
        domains.append(Domain(code=d["code"], name=d["name"], competences=tuple(competences)))
    if len(domains) != EXPECTED_DOMAINS or len(seen) != EXPECTED_COMPETENCES:
        c.add(file, "-", f"the framework must have {EXPECTED_DOMAINS} domains and "
                         f"{EXPECTED_COMPETENCES} competences (found {len(domains)} and {len(seen)})")
    return tuple(domains)


def _parse_tutorial(doc: Any, file: str, ident: str, c: _Collector) -> Tutorial | None:
    if doc is None:
        return None
    if not isinstance(doc, dict):
        c.add(file, ident, "tutorial must be a mapping with title and text")
        return None
    _unknown_fields(doc, TUTORIAL_FIELDS, file, ident, c)
    if not _is_str(doc.get("title")) or not _is_str(doc.get("text")):
        c.add(file, ident, "tutorial needs a title and a text")
        return None
    links: list[TutorialLink] = []
    for link in doc.get("links") or []:
        if not isinstance(link, dict) or not _is_str(link.get("title")) or not _is_str(link.get("url")):
            c.add(file, ident, "tutorial link needs a title and a url")
            continue
        if not str(link["url"]).startswith(("https://", "http://")):
            c.add(file, ident, f"tutorial link is not an http(s) URL: {link['url']}")
            continue
        links.append(TutorialLink(title=link["title"], url=link["url"]))
    return Tutorial(title=doc["title"], text=doc["text"], links=tuple(links))


def _parse_inputs(doc: dict[str, Any], ctype: ChallengeType, file: str, cid: str, c: _Collector
                  ) -> tuple[ChallengeInput, ...]:
    raw = doc.get("inputs")
    if raw is None:
        if ctype is ChallengeType.QROC:
            return (ChallengeInput(name="reponse", label="Réponse"),)
        c.add(file, cid, f"{ctype} needs 'inputs'")
        return ()
    if not isinstance(raw, list) or not raw:
        c.add(file, cid, "'inputs' must be a non-empty list")
        return ()
    inputs: list[ChallengeInput] = []
    names: set[str] = set()
    for item in raw:
        name = item.get("name") if isinstance(item, dict) else None
        if not isinstance(name, str) or not INPUT_NAME.match(name) or not _is_str(item.get("label")):
            c.add(file, cid, "each input needs a name ([a-z0-9_]+) and a label")
            continue
        if name in names:
            c.add(file, cid, f"duplicate input name '{name}'")
            continue
        names.add(name)
        inputs.append(ChallengeInput(name=name, label=item["label"]))
    if ctype is ChallengeType.QROC and len(inputs) != 1:
        c.add(file, cid, "QROC has exactly one input")
    if ctype is ChallengeType.QROCM_DEP and len(inputs) < 2:
        c.add(file, cid, "QROCM-dep needs at least two inputs")
    return tuple(inputs)


def _parse_solution(doc: dict[str, Any], ctype: ChallengeType, proposals: tuple[str, ...],
                    inputs: tuple[ChallengeInput, ...], file: str, cid: str, c: _Collector) -> object | None:
    sol = doc.get("solution")
    if ctype is ChallengeType.QCU:
        if isinstance(sol, bool) or not isinstance(sol, int) or not 1 <= sol <= len(proposals):
            c.add(file, cid, f"solution {sol!r} is not among the proposals (1..{len(proposals)})")
            return None
        return sol
    if ctype is ChallengeType.QCM:
        if not isinstance(sol, list) or not sol or any(isinstance(x, bool) or not isinstance(x, int) for x in sol):
            c.add(file, cid, "QCM solution must be a non-empty list of proposal indexes")
            return None
        bad = [x for x in sol if not 1 <= x <= len(proposals)]
        if bad:
            c.add(file, cid, f"solution {bad} is not among the proposals (1..{len(proposals)})")
            return None
        if len(set(sol)) != len(sol):
            c.add(file, cid, "QCM solution repeats an index")
            return None
        return frozenset(sol)
    if ctype is ChallengeType.QROC:
        answers = _answers(sol)
        if answers is None:
            c.add(file, cid, "QROC solution must be a non-empty list of accepted answers")
        return answers
    if ctype is ChallengeType.QROCM_IND:
        if not isinstance(sol, dict):
            c.add(file, cid, "QROCM-ind solution must map each input name to its accepted answers")
            return None
        names = {i.name for i in inputs}
        if set(sol) != names:
            c.add(file, cid, f"solution keys {sorted(map(str, sol))} differ from input names {sorted(names)}")
            return None
        parsed: dict[str, tuple[str, ...]] = {}
        for key, value in sol.items():
            answers = _answers(value)
            if answers is None:
                c.add(file, cid, f"accepted answers for input '{key}' must be a non-empty list")
                return None
            parsed[key] = answers
        return parsed
    # QROCM-dep
    if not isinstance(sol, list) or not sol:
        c.add(file, cid, "QROCM-dep solution must be a list of groups of accepted answers")
        return None
    groups: list[tuple[str, ...]] = []
    for group in sol:
        answers = _answers(group if isinstance(group, list) else [group])
        if answers is None:
            c.add(file, cid, "each QROCM-dep group must be a non-empty list of accepted answers")
            return None
        groups.append(answers)
    if len(groups) < len(inputs):
        c.add(file, cid, f"QROCM-dep has {len(inputs)} inputs but only {len(groups)} groups of answers")
        return None
    return tuple(groups)


def _parse_challenge(doc: Any, skill: Skill, file: str, media: set[str], c: _Collector) -> Challenge | None:
    if not isinstance(doc, dict):
        c.add(file, skill.name, "challenge must be a mapping")
        return None
    cid = doc.get("id")
    if not isinstance(cid, str) or not CHALLENGE_ID.match(cid):
        c.add(file, skill.name, f"challenge id {cid!r} must match [a-z0-9-]+")
        return None
    before = len(c.problems)
    _unknown_fields(doc, CHALLENGE_FIELDS, file, cid, c)
    try:
        ctype = ChallengeType(doc.get("type"))
    except ValueError:
        c.add(file, cid, f"unknown challenge type {doc.get('type')!r}")
        return None
    if not _is_str(doc.get("instruction")):
        c.add(file, cid, "missing instruction")
    proposals: tuple[str, ...] = ()
    inputs: tuple[ChallengeInput, ...] = ()
    if ctype in (ChallengeType.QCU, ChallengeType.QCM):
        raw = doc.get("proposals")
        if not isinstance(raw, list) or not 2 <= len(raw) <= 8 or not all(_is_str(str(p)) for p in raw):
            c.add(file, cid, "proposals must be a list of 2 to 8 non-empty texts")
        else:
            proposals = tuple(str(p) for p in raw)
            if len(set(proposals)) != len(proposals):
                c.add(file, cid, "two proposals are identical")
        if "inputs" in doc or "format" in doc or "tolerances" in doc:
            c.add(file, cid, f"{ctype} takes no inputs, format or tolerances")
        if "shuffle" in doc and not isinstance(doc["shuffle"], bool):
            c.add(file, cid, f"shuffle must be true or false (found {doc['shuffle']!r})")
    else:
        if "proposals" in doc:
            c.add(file, cid, f"{ctype} takes no proposals")
        if "shuffle" in doc:
            c.add(file, cid, f"{ctype} takes no shuffle (only QCU and QCM have proposals to shuffle)")
        inputs = _parse_inputs(doc, ctype, file, cid, c)
    numeric = False
    if "format" in doc:
        if ctype is not ChallengeType.QROC or doc["format"] not in ("text", "number"):
            c.add(file, cid, "format must be 'text' or 'number', on QROC only")
        numeric = doc.get("format") == "number"
    solution = _parse_solution(doc, ctype, proposals, inputs, file, cid, c)
    if numeric and isinstance(solution, tuple):
        from engine.answers import parse_number

        for answer in solution:
            if parse_number(answer) is None:
                c.add(file, cid, f"accepted answer {answer!r} is not a number")
    tolerances: set[Tolerance] = set()
    for tol in doc.get("tolerances") or []:
        try:
            tolerances.add(Tolerance(tol))
        except ValueError:
            c.add(file, cid, f"unknown tolerance {tol!r}")
    timer = doc.get("timer")
    if timer is not None and (isinstance(timer, bool) or not isinstance(timer, int) or timer <= 0):
        c.add(file, cid, "timer must be a positive number of seconds")
    illustration = None
    if doc.get("illustration") is not None:
        ill = doc["illustration"]
        if not isinstance(ill, dict) or not _is_str(ill.get("file")) or not _is_str(ill.get("alt")):
            c.add(file, cid, "illustration needs a file and an alt text")
        elif ill["file"] not in media:
            c.add(file, cid, f"illustration file {ill['file']!r} is not in the bank")
        else:
            illustration = Illustration(file=ill["file"], alt=ill["alt"])
    attachments = tuple(doc.get("attachments") or ())
    for att in attachments:
        if att not in media:
            c.add(file, cid, f"attachment {att!r} is not in the bank")
    locales = doc.get("locales") or ["fr-fr"]
    if not isinstance(locales, list) or not all(_is_str(x) for x in locales):
        c.add(file, cid, "locales must be a list such as [fr-fr]")
        locales = ["fr-fr"]
    try:
        status = ChallengeStatus(doc.get("status", "validated"))
    except ValueError:
        c.add(file, cid, f"unknown status {doc.get('status')!r}")
        status = ChallengeStatus.VALIDATED
    typography_check = doc.get("typography_check", True)
    if not isinstance(typography_check, bool):
        c.add(file, cid, "typography_check must be true or false")
    irt = doc.get("irt") or {}
    difficulty = irt.get("difficulty", provisional_irt_difficulty(skill.level)) if isinstance(irt, dict) else None
    discriminant = irt.get("discriminant", IRT_DEFAULT_DISCRIMINANT) if isinstance(irt, dict) else None
    if not isinstance(difficulty, int | float) or not isinstance(discriminant, int | float) or discriminant <= 0:
        c.add(file, cid, "irt needs a numeric difficulty and a positive discriminant")
    if len(c.problems) > before or solution is None:
        return None
    return Challenge(
        id=cid, skill_name=skill.name, type=ctype, instruction=doc["instruction"], solution=solution,
        proposals=proposals, inputs=inputs, numeric=numeric, tolerances=frozenset(tolerances), timer=timer,
        illustration=illustration, attachments=attachments, locales=tuple(locales), status=status,
        focused=bool(doc.get("focused", False)), typography_check=typography_check is not False,
        shuffle=doc.get("shuffle", True) is not False,
        difficulty=float(difficulty), discriminant=float(discriminant),
    )


def build_referential(
    framework: tuple[str, Any],
    competence_files: Mapping[str, Any],
    media_files: set[str] | frozenset[str] = frozenset(),
) -> Referential:
    """Validate every document and build the referential; raise `ContentBankError` listing every problem.

    `framework` is (file name, document); `competence_files` maps file name → document.
    """
    c = _Collector()
    media = set(media_files)
    domains = _parse_framework(framework[1], framework[0], c)
    known = {comp.code for d in domains for comp in d.competences}
    tubes: dict[str, Tube] = {}
    skills: dict[str, Skill] = {}
    challenges: dict[str, Challenge] = {}
    challenge_files: dict[str, str] = {}
    covered: set[str] = set()

    for file, doc in sorted(competence_files.items()):
        if not isinstance(doc, dict):
            c.add(file, "-", "expected a mapping with 'competence' and 'tubes'")
            continue
        _unknown_fields(doc, TOP_FIELDS, file, "-", c)
        code = str(doc.get("competence", ""))
        if code not in known:
            c.add(file, code or "-", "unknown competence (not in framework.yaml)")
            continue
        if code in covered:
            c.add(file, code, "competence described by two files")
            continue
        covered.add(code)
        stem = file.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        if stem != code:
            c.add(file, code, f"file name must be {code}.yaml")
        raw_tubes = doc.get("tubes")
        if not isinstance(raw_tubes, list) or not raw_tubes:
            c.add(file, code, "competence has no tubes")
            continue
        for raw_tube in raw_tubes:
            _parse_tube(raw_tube, code, file, media, tubes, skills, challenges, challenge_files, c)

    for code in sorted(known - covered):
        c.add("competences/", code, "competence has no file")
    if c.problems:
        raise ContentBankError(c.problems)
    return Referential(domains=domains, tubes=tubes, skills=skills, challenges=challenges)


def _parse_tube(raw: Any, code: str, file: str, media: set[str], tubes: dict[str, Tube],
                skills: dict[str, Skill], challenges: dict[str, Challenge], challenge_files: dict[str, str],
                c: _Collector) -> None:
    if not isinstance(raw, dict):
        c.add(file, code, "tube must be a mapping")
        return
    name = raw.get("name")
    if not isinstance(name, str) or not TUBE_NAME.match(name):
        c.add(file, str(name), "tube name must be letters and digits, starting with a letter")
        return
    _unknown_fields(raw, TUBE_FIELDS, file, name, c)
    if name in tubes:
        c.add(file, name, "duplicate tube name")
        return
    if not _is_str(raw.get("title")):
        c.add(file, name, "tube needs a title")
    tube_skills: list[Skill] = []
    levels: set[int] = set()
    for raw_skill in raw.get("skills") or []:
        if not isinstance(raw_skill, dict):
            c.add(file, name, "skill must be a mapping")
            continue
        level = raw_skill.get("level")
        if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= MAX_LEVEL:
            c.add(file, f"@{name}{level}", f"level {level!r} outside 1..{MAX_LEVEL}")
            continue
        skill_name = f"@{name}{level}"
        _unknown_fields(raw_skill, SKILL_FIELDS, file, skill_name, c)
        if level in levels:
            c.add(file, skill_name, "duplicate skill (same tube and level)")
            continue
        levels.add(level)
        try:
            status = SkillStatus(raw_skill.get("status", "active"))
        except ValueError:
            c.add(file, skill_name, f"unknown skill status {raw_skill.get('status')!r}")
            continue
        tutorial = _parse_tutorial(raw_skill.get("tutorial"), file, skill_name, c)
        skill = Skill(name=skill_name, tube_name=name, competence_code=code, level=level,
                      tutorial=tutorial, status=status)
        if status is SkillStatus.ACTIVE and tutorial is None and "tutorial" not in raw_skill:
            c.add(file, skill_name, "missing tutorial")
        operative = proposable = 0
        for raw_challenge in raw_skill.get("challenges") or []:
            challenge = _parse_challenge(raw_challenge, skill, file, media, c)
            if challenge is None:
                continue
            if challenge.id in challenges:
                c.add(file, challenge.id, f"duplicate challenge id (also in {challenge_files[challenge.id]})")
                continue
            challenges[challenge.id] = challenge
            challenge_files[challenge.id] = file
            operative += challenge.is_operative
            proposable += challenge.is_proposable
        if status is SkillStatus.ACTIVE and operative == 0:
            c.add(file, skill_name, "active skill has no operative challenge")
        elif status is SkillStatus.ACTIVE and proposable == 0:
            c.add(file, skill_name, "active skill has no validated challenge (it could never be asked)")
        skills[skill_name] = skill
        tube_skills.append(skill)
    if not any(s.is_active for s in tube_skills):
        c.add(file, name, "empty tube (no active skill)")
    tube_skills.sort(key=lambda s: s.level)
    tubes[name] = Tube(name=name, title=str(raw.get("title", name)), competence_code=code,
                       skill_names=tuple(s.name for s in tube_skills))
