"""Inbox of the certification staff pages' words, old style: empty since issue 22 moved them into the gettext
catalogues (web/locales). Words added here are read by `web.i18n` until `scripts/i18n_import_dict.py` moves them."""

from __future__ import annotations

FR: dict[str, str] = {}
EN: dict[str, str] = {}
WORDS = {"fr": FR, "en": EN}
