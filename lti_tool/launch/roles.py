"""LTI role URIs (full and short forms) → student / teacher / admin. Unknown roles are ignored."""

from __future__ import annotations

_RANK = {"student": 0, "teacher": 1, "admin": 2}

_BY_NAME = {
    "Learner": "student",
    "Student": "student",
    "Instructor": "teacher",
    "Faculty": "teacher",
    "ContentDeveloper": "teacher",
    "TeachingAssistant": "teacher",
    "Mentor": "teacher",
    "Administrator": "admin",
    "SysAdmin": "admin",
}

_PREFIXES = (
    "http://purl.imsglobal.org/vocab/lis/v2/membership#",
    "http://purl.imsglobal.org/vocab/lis/v2/institution/person#",
    "http://purl.imsglobal.org/vocab/lis/v2/system/person#",
)
_SUBROLE_PREFIX = "http://purl.imsglobal.org/vocab/lis/v2/membership/"


def _role_of(uri: str) -> str | None:
    if not isinstance(uri, str):
        return None
    for prefix in _PREFIXES:
        if uri.startswith(prefix):
            return _BY_NAME.get(uri[len(prefix):])
    if uri.startswith(_SUBROLE_PREFIX):  # e.g. membership/Instructor#TeachingAssistant
        principal = uri[len(_SUBROLE_PREFIX):].split("#", 1)[0]
        return _BY_NAME.get(principal)
    if "/" not in uri and "#" not in uri:  # short form, LTI 1.3 "simple names" of context roles
        return _BY_NAME.get(uri)
    return None


def map_roles(roles: list[str]) -> str:
    """The highest recognised role; no recognised role means student."""
    best = "student"
    for uri in roles:
        role = _role_of(uri)
        if role is not None and _RANK[role] > _RANK[best]:
            best = role
    return best
