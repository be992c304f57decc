"""Checks a bank's text as pupils see it: every instruction, proposal, label and tutorial is rendered
with the pages' own Markdown renderer, and the visible text (code left aside) must hold no leftover
Markdown (tables, emphasis, links, headings, raw HTML) and follow French typography: a non-breaking
space (U+00A0 or the narrow U+202F) before `: ; ? !`, inside « », and in times written "9 h".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

from content_bank.markdown import render_inline, render_markdown
from engine.content_schema import ContentProblem
from engine.referential import Referential

NBSP = "\u00a0\u202f"
_URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+")

LEFTOVER_MARKDOWN: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^\s*\|.*\|", re.MULTILINE), "table syntax shown as text (a line of | … |)"),
    (re.compile(r"\|\s*:?-{3,}"), "table separator shown as text (|---|)"),
    (re.compile(r"\*\*|__"), "bold markers shown as text (** or __)"),
    (re.compile(r"`"), "backtick shown as text"),
    (re.compile(r"\]\("), "link syntax shown as text ([…](…))"),
    (re.compile(r"!\["), "image syntax shown as text (pictures go in 'illustration')"),
    (re.compile(r"<[A-Za-z/][^>]*>"), "raw HTML shown as text (write it in `code`)"),
)

TYPOGRAPHY: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r" [:;?!]"), "plain space before ': ; ? !' (use a non-breaking space)"),
    (re.compile(r"(?<=[^\W\d_])[;?!]|(?<=[^\W\d_)])[:](?=\s|$)"),
     "no space before ': ; ? !' (French typography: a non-breaking space)"),
    (re.compile(r"« |«(?=[^\s\u00a0\u202f])"), "« must be followed by a non-breaking space"),
    (re.compile(r" »|(?<=[^\s\u00a0\u202f])»"), "» must be preceded by a non-breaking space"),
    (re.compile(r"\b\d{1,2}h(?:\d{2})?\b"), "time written '9h': write '9 h' with a non-breaking space"),
)


class _VisibleText(HTMLParser):
    """Text of rendered HTML outside <code> and <pre> (what is not code must read as prose)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("code", "pre"):
            self._code += 1
        elif tag in ("p", "li", "tr", "td", "th", "br", "caption", "h1", "h2", "h3", "h4", "h5", "h6"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("code", "pre"):
            self._code = max(0, self._code - 1)
            self.parts.append("\u2063")  # a code span stands for one word: no typography across it

    def handle_data(self, data: str) -> None:
        if not self._code:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def text_problems(markdown: str, *, inline: bool = False, french: bool = True) -> list[str]:
    """Reasons why `markdown`, once rendered, does not read right (empty when it does)."""
    text = visible_text(str(render_inline(markdown) if inline else render_markdown(markdown)))
    reasons = [reason for pattern, reason in LEFTOVER_MARKDOWN if pattern.search(text)]
    if french:
        prose = _URL.sub("\u2063", text)
        reasons += [reason for pattern, reason in TYPOGRAPHY if pattern.search(prose)]
    return reasons


def _texts(referential: Referential) -> Iterator[tuple[str, str, str, bool, bool]]:
    """(where, id, markdown, inline, french) for every text a pupil reads."""
    for tube in referential.tubes.values():
        yield "tube title", tube.name, tube.title, True, True
    for skill in referential.skills.values():
        if skill.tutorial is not None:
            yield "tutorial title", skill.name, skill.tutorial.title, True, True
            yield "tutorial", skill.name, skill.tutorial.text, False, True
            for link in skill.tutorial.links:
                yield "tutorial link", skill.name, link.title, True, True
    for challenge in referential.challenges.values():
        french = challenge.typography_check and any(loc.lower().startswith("fr") for loc in challenge.locales)
        yield "instruction", challenge.id, challenge.instruction, False, french
        for number, proposal in enumerate(challenge.proposals, 1):
            yield f"proposal {number}", challenge.id, proposal, True, french
        for item in challenge.inputs:
            yield f"label of '{item.name}'", challenge.id, item.label, True, french
        if challenge.illustration is not None:
            yield "illustration alt", challenge.id, challenge.illustration.alt, True, french


def _file_of(referential: Referential, ident: str) -> str:
    """The competence file that holds a tube, a skill or a challenge."""
    if ident in referential.challenges:
        ident = referential.challenges[ident].skill_name
    if ident in referential.skills:
        return f"competences/{referential.skills[ident].competence_code}.yaml"
    if ident in referential.tubes:
        return f"competences/{referential.tubes[ident].competence_code}.yaml"
    return "-"


def rendering_problems(referential: Referential) -> list[ContentProblem]:
    """Render every text of the bank and report what would not read right."""
    problems: list[ContentProblem] = []
    for where, ident, markdown, inline, french in _texts(referential):
        for reason in text_problems(markdown, inline=inline, french=french):
            problems.append(ContentProblem(_file_of(referential, ident), ident, f"{where}: {reason}"))
    return problems
