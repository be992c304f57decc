"""Refusals of the certification staff use cases: a stable `code` for the doors (the words are in web.i18n under
`certif.refusal.<code>`) and the HTTP status a machine gets."""

from __future__ import annotations


class StaffRefusal(Exception):
    def __init__(self, code: str, status: int = 409, detail: str = "") -> None:
        self.code = code
        self.status = status
        self.detail = detail
        super().__init__(f"{code}: {detail}" if detail else code)


FORBIDDEN = "forbidden"  # not staff of this centre, or not allowed to do this there
UNKNOWN = "unknown"  # no such centre, session or candidate (or not visible: same answer)
ALREADY_STARTED = "already_started"  # a candidate's test started: the session can no longer be edited or deleted
BAD_STATE = "bad_state"  # the session is not in the state this needs
INVALID = "invalid"  # a form field is wrong (detail says which)
CENTRE_EXISTS = "centre_exists"
PERSON_UNKNOWN = "person_unknown"  # no account with this GAR or LTI identity
PERSON_AMBIGUOUS = "person_ambiguous"  # several platforms know this identifier: the issuer is needed
TOO_SOON = "too_soon"  # less than 15 days since the pupil's last certification
ALREADY_ENROLLED = "already_enrolled"
