"""Schools (UAI) allowed to use the resource through the GAR: list, add, remove."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.schools import GarSchool, GarSchoolMember
from ent_gar_connector.identity import uai_check_letter_ok, valid_uai
from ent_gar_connector.models import GarSubscription


class BadUai(ValueError):
    """A malformed UAI; `value` is what was typed (cut to 20 characters). The message is French (command line,
    logs); a page says it in its language (`admin.gar.bad_uai`)."""

    def __init__(self, value: str) -> None:
        self.value = value
        super().__init__(f"UAI « {value} » mal formé : 7 chiffres et une lettre (ex. 0561641E).")


@dataclass(frozen=True)
class SubscriptionView:
    uai: str
    since: datetime
    people: int
    check_letter_ok: bool


def normalise_uai(raw: str) -> str:
    uai = raw.strip().upper()
    if not valid_uai(uai):
        raise BadUai(raw.strip()[:20])
    return uai


def add_subscription(session: Session, raw_uai: str) -> tuple[str, bool]:
    """(UAI, created). The caller commits."""
    uai = normalise_uai(raw_uai)
    if session.get(GarSubscription, uai) is not None:
        return uai, False
    session.add(GarSubscription(uai=uai))
    session.flush()
    return uai, True


def remove_subscription(session: Session, raw_uai: str) -> tuple[str, bool]:
    """(UAI, removed). Accounts and their data stay; new logins from the school are refused."""
    uai = normalise_uai(raw_uai)
    found = session.get(GarSubscription, uai)
    if found is None:
        return uai, False
    session.delete(found)
    session.flush()
    return uai, True


def list_subscriptions(session: Session) -> list[SubscriptionView]:
    counts: dict[str, int] = dict(session.execute(
        select(GarSchool.uai, func.count(GarSchoolMember.id))
        .join(GarSchoolMember, GarSchoolMember.school_id == GarSchool.id).group_by(GarSchool.uai)
    ).all())
    return [SubscriptionView(s.uai, s.created_at, counts.get(s.uai, 0), uai_check_letter_ok(s.uai))
            for s in session.scalars(select(GarSubscription).order_by(GarSubscription.uai))]
