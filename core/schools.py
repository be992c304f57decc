"""Schools (by UAI), their classes and groups, who belongs to them, and what the GAR said about each account
(role, profile). The GAR door fills these tables; contexts (campaign access, dashboards) and privacy read them.
Python names keep their `Gar` prefix and the tables keep their names: only the module moved (issue 17)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, utcnow

GAR_ISSUER = "urn:gar"


class GarSchool(Base):
    __tablename__ = "gar_schools"

    id: Mapped[int] = mapped_column(primary_key=True)
    uai: Mapped[str] = mapped_column(String(8), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Set by the school's head (National_dir) on the class page: teachers then see every class, not only theirs.
    teachers_see_all_classes: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class GarGroup(Base):
    """A class (kind "class", from DIV) or a group (kind "group", from GRO) of a school."""

    __tablename__ = "gar_groups"
    __table_args__ = (UniqueConstraint("school_id", "kind", "code", name="uq_gar_group"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("gar_schools.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))
    code: Mapped[str] = mapped_column(String(255))
    label: Mapped[str] = mapped_column(String(255))


class GarGroupMember(Base):
    __tablename__ = "gar_group_members"
    __table_args__ = (UniqueConstraint("group_id", "account_id", name="uq_gar_group_member"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("gar_groups.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)


class GarSchoolMember(Base):
    __tablename__ = "gar_school_members"
    __table_args__ = (UniqueConstraint("school_id", "account_id", name="uq_gar_school_member"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("gar_schools.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)


class GarProfile(Base):
    """What the GAR said about an account at its last login (role, raw PRO), and the names its school's class
    list gave it when the pupil was matched (`listed_*`: the list entry itself is then deleted)."""

    __tablename__ = "gar_profiles"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    profile_code: Mapped[str] = mapped_column(String(64))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("gar_schools.id", ondelete="SET NULL"), nullable=True)
    last_login_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # UAIs the GAR sent at the last login whose school is not subscribed (space-separated), shown on the page.
    unsubscribed_uais: Mapped[str | None] = mapped_column(String(255), nullable=True)
    listed_given_name: Mapped[str | None] = mapped_column(String(255), nullable=True)
    listed_family_name: Mapped[str | None] = mapped_column(String(255), nullable=True)
