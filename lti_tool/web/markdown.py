"""Safe Markdown for the bank's instructions, tutorials and proposals: raw HTML is never rendered,
links open in a new tab without giving it access to this page."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markupsafe import Markup


def _link_open(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    tokens[idx].attrSet("target", "_blank")
    tokens[idx].attrSet("rel", "noopener noreferrer")
    return self.renderToken(tokens, idx, options, env)


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable("image")  # pictures come from the bank's illustration field, with their alt text
    md.add_render_rule("link_open", _link_open)
    return md


@lru_cache(maxsize=4096)
def render_markdown(text: str) -> Markup:
    """Block Markdown to HTML (memoised: the bank is immutable)."""
    return Markup(_parser().render(text or ""))


@lru_cache(maxsize=4096)
def render_inline(text: str) -> Markup:
    """One line of Markdown (a proposal, a label) without the surrounding paragraph."""
    return Markup(_parser().renderInline(text or ""))
