"""Inbox of the certificate and verification pages' words (issue 20), old style: empty since issue 22 moved them
into the gettext catalogues (web/locales). Words added here are read by `web.i18n` until
`scripts/i18n_import_dict.py` moves them."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {"fr": {}, "en": {}}
