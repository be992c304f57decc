"""Which classes a member of staff sees on the GAR class page (pure).

Direction (`National_dir`) and documentation (`National_doc`) see every class and group of their school:
they work with all of them. A teacher (`National_ens`) sees the classes and groups the GAR sends for them
(DIV, GRO), unless the school's head has opened every class to teachers (`teachers_see_all_classes`).
"""

from __future__ import annotations

from enum import Enum

WHOLE_SCHOOL_PROFILES = frozenset({"National_dir", "National_doc"})
SCHOOL_HEAD_PROFILES = frozenset({"National_dir"})


class Scope(Enum):
    SCHOOL = "school"
    OWN = "own"


def class_scope(profile_code: str, teachers_see_all_classes: bool) -> Scope:
    if profile_code in WHOLE_SCHOOL_PROFILES or teachers_see_all_classes:
        return Scope.SCHOOL
    return Scope.OWN


def may_change_school_setting(profile_code: str) -> bool:
    return profile_code in SCHOOL_HEAD_PROFILES
