"""A refused launch: a precise 4xx status, a short French reason and what to do about it."""

from __future__ import annotations


class LaunchRefused(Exception):
    def __init__(self, status: int, reason: str, advice: str, code: str) -> None:
        super().__init__(f"{code}: {reason}")
        self.status = status
        self.reason = reason
        self.advice = advice
        self.code = code


ASK_ADMIN = "Signalez-le à l'administrateur de votre plateforme (Moodle, ENT...) avec l'heure de l'essai."
RELAUNCH = "Revenez dans votre cours et cliquez de nouveau sur l'activité."


def bad_token(reason: str, code: str) -> LaunchRefused:
    return LaunchRefused(400, reason, ASK_ADMIN, code)
