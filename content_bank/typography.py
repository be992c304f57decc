"""French typography for a bank's YAML files: plain spaces become non-breaking where French wants them.

`french_spaces(text)` turns the plain space before `:` into U+00A0 and before `; ? !` into the narrow
U+202F, the spaces inside « » into U+00A0, and "9h"/"9h30" into "9 h"/"9 h 30" (U+00A0). Code spans,
fenced code and URLs are left alone, and a missing space is never inserted (a challenge about
typography may show a wrong example on purpose). `rewrite_yaml(source)` applies it to the texts a pupil
reads (instructions, proposals, labels, titles, tutorials, alternative texts), line by line, and never
to ids, accepted answers or any other field; the caller checks that the result loads to the same bank.
"""

from __future__ import annotations

import re

NBSP = "\u00a0"
NNBSP = "\u202f"
_PROTECTED = re.compile(r"(`+)(?:(?!\1).)+?\1|(?:https?://|www\.)\S+|\S+@\S+\.\w+")
_BEFORE_COLON = re.compile(r" +:(?=[\s\"'»*_)\]]|$)")
_BEFORE_OTHER = re.compile(r" +([;?!])(?=[\s\"'»*_)\]?!]|$)")
_OPEN_QUOTE = re.compile(r"«[ \u00a0\u202f]*")
_CLOSE_QUOTE = re.compile(r"[ \u00a0\u202f]*»")
_HOURS = re.compile(r"\b(\d{1,2})h(\d{2})?\b")

# fields whose value a pupil reads; any other key starts a region that is copied untouched
READ_FIELDS = {"instruction", "proposals", "label", "title", "text", "alt"}
_KEY = re.compile(r"^(?P<indent>\s*)(?P<dash>- )?(?P<key>[A-Za-z_][A-Za-z0-9_]*):(?=\s|$)")


def _hours(match: re.Match[str]) -> str:
    return f"{match[1]}{NBSP}h" + (f"{NBSP}{match[2]}" if match[2] else "")


def _fix_prose(text: str) -> str:
    text = _BEFORE_COLON.sub(NBSP + ":", text)
    text = _BEFORE_OTHER.sub(lambda m: NNBSP + m[1], text)
    text = _OPEN_QUOTE.sub("«" + NBSP, text)
    text = _CLOSE_QUOTE.sub(NBSP + "»", text)
    return _HOURS.sub(_hours, text)


def french_spaces(text: str) -> str:
    """Apply French non-breaking spaces to `text`, outside code spans and URLs."""
    out: list[str] = []
    last = 0
    for match in _PROTECTED.finditer(text):
        out.append(_fix_prose(text[last:match.start()]))
        out.append(match.group(0))
        last = match.end()
    out.append(_fix_prose(text[last:]))
    return "".join(out)


def rewrite_yaml(source: str) -> str:
    """Apply `french_spaces` to the read fields of a competence file, keeping every other byte."""
    out: list[str] = []
    field_indent = -1  # column of the key that owns the lines below it
    reading = False  # that key is read by pupils
    block = False  # its value is a block scalar (| or >): deeper lines are text, never keys
    fenced = False
    shut_indent = -1  # inside `solution:` (deeper than this column) nothing is rewritten
    for line in source.split("\n"):
        indent = len(line) - len(line.lstrip(" "))
        if line.strip() and shut_indent >= 0 and indent <= shut_indent:
            shut_indent = -1
        key = None if (block and indent > field_indent) or not line.strip() else _KEY.match(line)
        if key:
            field_indent = len(key["indent"]) + (2 if key["dash"] else 0)
            value = line[key.end():]
            block = value.strip()[:1] in ("|", ">")
            fenced = False
            reading = key["key"] in READ_FIELDS and shut_indent < 0
            if key["key"] == "solution" and shut_indent < 0:
                shut_indent = field_indent
            out.append(line[:key.end()] + french_spaces(value) if reading and not block else line)
            continue
        if reading and line.strip() and indent > field_indent:
            if line.strip().startswith("```"):
                fenced = not fenced
            if not fenced and not line.strip().startswith("```"):
                line = line[:indent] + french_spaces(line[indent:])
        out.append(line)
    return "\n".join(out)
