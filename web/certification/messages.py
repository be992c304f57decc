"""Inbox of the test day's interface words (candidate and invigilator pages), old style: empty since issue 22
moved them into the gettext catalogues (web/locales). Words added here are read by `web.i18n` until
`scripts/i18n_import_dict.py` moves them."""

from __future__ import annotations

FR: dict[str, str] = {}
EN: dict[str, str] = {}
