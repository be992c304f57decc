"""A dynamic registration that did not happen: a stable code, a French reason and what to do."""

from __future__ import annotations


class RegistrationFailed(Exception):
    def __init__(self, status: int, code: str, reason: str, advice: str, detail: str | None = None) -> None:
        super().__init__(f"{code}: {reason}")
        self.status = status
        self.code = code
        self.reason = reason
        self.advice = advice
        self.detail = detail


RETRY_FROM_PLATFORM = ("Recommencez depuis votre plateforme (dans Moodle : Administration du site > Plugins > "
                       "Modules d'activité > Outil externe > Gérer les outils) : elle fournira un nouveau jeton.")
