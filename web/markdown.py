"""The pages render the bank's Markdown with the content bank's own renderer (tables included)."""

from __future__ import annotations

from content_bank.markdown import render_inline, render_markdown

__all__ = ["render_inline", "render_markdown"]
