"""Safe Markdown for the bank's instructions, tutorials and proposals.

Raw HTML is never rendered; links open in a new tab without access to the page; tables (GFM syntax)
are rendered accessibly: header cells carry `scope="col"`, a paragraph `Tableau : …` written directly
above a table becomes its `<caption>`, and every table sits in a keyboard-focusable region that
scrolls horizontally on narrow screens (320 px). The same renderer serves the pupil pages and
`pix-lti content check`, so what the check sees is what pupils see.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markupsafe import Markup, escape

CAPTION = re.compile(r"^Tableau[ \u00a0\u202f]*:[ \u00a0\u202f]*(?P<text>\S.*)$", re.DOTALL)
TABLE_REGION_CLASS = "tableau-defilant"


def _link_open(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    tokens[idx].attrSet("target", "_blank")
    tokens[idx].attrSet("rel", "noopener noreferrer")
    return self.renderToken(tokens, idx, options, env)


def _alignment_class(token: Any) -> None:
    """`style="text-align:…"` becomes a class: the pages' CSP allows no inline style."""
    style = token.attrGet("style")
    if style:
        token.attrs.pop("style", None)
        token.attrSet("class", "aligne-" + {"left": "gauche", "right": "droite"}.get(
            style.removeprefix("text-align:"), "centre"))


def _th_open(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    _alignment_class(tokens[idx])
    tokens[idx].attrSet("scope", "col")
    return self.renderToken(tokens, idx, options, env)


def _td_open(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    _alignment_class(tokens[idx])
    return self.renderToken(tokens, idx, options, env)


def _table_open(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    caption = tokens[idx].meta.get("caption")
    if caption is None:
        return f'<div class="{TABLE_REGION_CLASS}" role="region" aria-label="Tableau" tabindex="0">\n<table>\n'
    html = self.renderInline(caption.children or [], options, env)
    label = escape(re.sub(r"<[^>]*>", "", html))
    return (f'<div class="{TABLE_REGION_CLASS}" role="region" aria-label="{label}" tabindex="0">\n'
            f"<table>\n<caption>{html}</caption>\n")


def _table_close(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    return "</table>\n</div>\n"


def _captions(state: StateCore) -> None:
    """A paragraph `Tableau : …` right above a table becomes that table's caption."""
    tokens = state.tokens
    i = 3
    while i < len(tokens):
        token = tokens[i]
        if (token.type == "table_open" and tokens[i - 1].type == "paragraph_close"
                and tokens[i - 2].type == "inline" and tokens[i - 3].type == "paragraph_open"
                and tokens[i - 3].level == token.level):
            match = CAPTION.match(tokens[i - 2].content)
            if match:
                inline = tokens[i - 2]
                # re-parse the caption text alone so that "Tableau :" is not part of it
                inline.children = []
                state.md.inline.parse(match["text"], state.md, state.env, inline.children)
                token.meta = {**(token.meta or {}), "caption": inline}
                del tokens[i - 3:i]
                i -= 3
        i += 1


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.disable("image")  # pictures come from the bank's illustration field, with their alt text
    md.core.ruler.push("table_caption", _captions)
    md.add_render_rule("link_open", _link_open)
    md.add_render_rule("th_open", _th_open)
    md.add_render_rule("td_open", _td_open)
    md.add_render_rule("table_open", _table_open)
    md.add_render_rule("table_close", _table_close)
    return md


@lru_cache(maxsize=4096)
def render_markdown(text: str) -> Markup:
    """Block Markdown to HTML (memoised: the bank is immutable)."""
    return Markup(parser().render(text or ""))


@lru_cache(maxsize=4096)
def render_inline(text: str) -> Markup:
    """One line of Markdown (a proposal, a label) without the surrounding paragraph."""
    return Markup(parser().renderInline(text or ""))
